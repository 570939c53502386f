# CloudLens — the two commands: `make run` (CloudLens on this machine) and `make test` (the whole suite).
SHELL := bash
GO ?= go
STATICCHECK_VERSION := v0.8.2
FUNCTIONS := $(patsubst functions/%/bootstrap/main.go,%,$(wildcard functions/*/bootstrap/main.go))
FRONTEND_SOURCES := $(shell find frontend/app frontend/components frontend/lib frontend/public -type f 2>/dev/null) frontend/package.json frontend/next.config.ts

# Next.js asks to collect telemetry on every build; CloudLens builds never send it.
export NEXT_TELEMETRY_DISABLED := 1
LOCAL_BIN := .cloudlens/bin/cloudlens

.PHONY: run test test-go test-frontend test-e2e build package lint migrate bench frontend clean

## run: every function in one process on CLOUDLENS_ADDR (default 127.0.0.1:8080), with the web app
run: frontend/out/index.html
	@echo "==> compiling CloudLens (go build ./scripts/local)"
	@mkdir -p $(dir $(LOCAL_BIN))
	$(GO) build -o $(LOCAL_BIN) ./scripts/local
	@echo "==> starting CloudLens (embedded database and Redis unless configured; Ctrl-C stops it)"
	@$(LOCAL_BIN)

## frontend: the static export of the web app, rebuilt when its sources changed
frontend: frontend/out/index.html
frontend/out/index.html: $(FRONTEND_SOURCES) frontend/node_modules/.package-lock.json
	@echo "==> building the web app (next build; a minute or more the first time)"
	cd frontend && npm run build
	@touch $@

## test: Go tests (SQLite + miniredis, plus MySQL/Redis when CLOUDLENS_TEST_* are set), web unit tests, browser tests when Chromium is present
test: test-go test-frontend test-e2e

test-go:
	$(GO) test -count=1 ./...

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm test

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	@echo "==> installing the web app's dependencies (npm ci)"
	cd frontend && npm ci --no-audit --no-fund

test-e2e: frontend/out/index.html
	bash scripts/e2e.sh

## build: every function as dist/<name>/bootstrap (linux/amd64, static, stripped) for FC's custom runtime
build: $(addprefix dist/,$(addsuffix /bootstrap,$(FUNCTIONS)))
dist/%/bootstrap: FORCE
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags='-s -w' -o $@ ./functions/$*/bootstrap
FORCE:

## package: a zip per function (dist/<name>.zip) for uploading without Serverless Devs
package: build
	@for f in $(FUNCTIONS); do (cd dist/$$f && rm -f ../$$f.zip && $(GO) run ../../scripts/zipdir bootstrap ../$$f.zip); done
	@ls -l dist/*.zip

## lint: go vet, staticcheck, gofmt
lint:
	$(GO) vet ./...
	@command -v staticcheck >/dev/null || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## migrate: apply database migrations to CLOUDLENS_MYSQL_DSN
migrate:
	$(GO) run ./scripts/migrate

## bench: Go benchmarks and the function cold-start benchmark (figures go to BENCHMARKS.md)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./scripts/coldstart -dist dist -runs 20

clean:
	rm -rf dist frontend/out
