#!/usr/bin/env bash
# Browser tests: starts a fresh local CloudLens (embedded SQLite and Redis, simulator demo
# accounts) on a free port and drives Debian's Chromium through frontend/e2e against it.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM_PATH:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "e2e: Chromium is required in CI (Debian package 'chromium')" >&2
    exit 1
  fi
  echo "e2e: SKIPPED — Chromium not found (install the Debian package 'chromium' to run the browser tests)"
  exit 0
fi

work=$(mktemp -d)
server_pid=""
model_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$model_pid" ]; then kill "$model_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/cloudlens" ./scripts/local
# The AI pages talk to a scripted OpenAI-compatible model on loopback (frontend/e2e/model-stub.mjs).
node frontend/e2e/model-stub.mjs >"$work/model.log" 2>&1 &
model_pid=$!
model_url=""
for _ in $(seq 1 50); do
  model_url=$(grep -o 'http://[0-9.:]*/v1' "$work/model.log" | head -n 1 || true)
  [ -n "$model_url" ] && break
  sleep 0.1
done
[ -n "$model_url" ] || { cat "$work/model.log"; echo "e2e: the scripted model did not start" >&2; exit 1; }
export CLOUDLENS_ADMIN_EMAIL=admin@e2e.test CLOUDLENS_ADMIN_PASSWORD=e2e-password-123
env -u CLOUDLENS_MYSQL_DSN -u CLOUDLENS_REDIS_ADDR \
  CLOUDLENS_DATA_DIR="$work/data" CLOUDLENS_ADDR=127.0.0.1:0 \
  CLOUDLENS_LLM_BASE_URL="$model_url" CLOUDLENS_LLM_API_KEY=e2e-scripted \
  "$work/cloudlens" >"$work/server.log" 2>&1 &
server_pid=$!

url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'running at http://[0-9.:]*' "$work/server.log" | head -n 1 | sed 's/running at //' || true)
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log"; echo "e2e: CloudLens did not start" >&2; exit 1; fi
  sleep 0.2
done
[ -n "$url" ] || { cat "$work/server.log"; echo "e2e: CloudLens did not print its address" >&2; exit 1; }
echo "e2e: CloudLens at $url"

status=0
# E2E_FILES picks some browser test files (paths under frontend/), e.g. E2E_FILES=e2e/budgets.test.mjs.
if [ -n "${E2E_FILES:-}" ]; then
  # shellcheck disable=SC2086 # a list of files
  (cd frontend && CLOUDLENS_URL="$url" CHROMIUM_PATH="$chromium" node --test --test-concurrency=1 $E2E_FILES) || status=$?
else
  (cd frontend && CLOUDLENS_URL="$url" CHROMIUM_PATH="$chromium" npm run --silent e2e) || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "---- server log (last 80 lines) ----"
  tail -n 80 "$work/server.log"
fi
exit "$status"
