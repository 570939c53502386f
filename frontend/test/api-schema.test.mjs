// The API types in lib/api-schema.d.ts are generated from docs/openapi.yaml (npm run gen:api).
// This test regenerates them into a temporary file and fails when the committed copy differs,
// so a change to the contract cannot reach the web app without its types following.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

test("lib/api-schema.d.ts is generated from the current docs/openapi.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), "cloudlens-api-schema-"));
  try {
    const fresh = join(dir, "api-schema.d.ts");
    execFileSync(process.execPath, [join(root, "node_modules/openapi-typescript/bin/cli.js"), join(root, "../docs/openapi.yaml"), "-o", fresh], {
      stdio: "pipe",
    });
    const committed = readFileSync(join(root, "lib/api-schema.d.ts"), "utf8");
    assert.ok(
      readFileSync(fresh, "utf8") === committed,
      "lib/api-schema.d.ts is stale: run `npm run gen:api` in frontend/ and commit the result",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
