import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_RETRIES, shouldRetry } from "../lib/retry.mjs";

test("a read is retried after a network failure or a 5xx, never after a 4xx", () => {
  const cases = [
    // [failures so far, status, retried]
    [0, undefined, true],
    [0, 500, true],
    [0, 503, true],
    [1, 502, true],
    [MAX_RETRIES, 503, false],
    [MAX_RETRIES, undefined, false],
    [0, 400, false],
    [0, 401, false],
    [0, 403, false],
    [0, 404, false],
    [0, 429, false],
  ];
  for (const [failures, status, want] of cases) assert.equal(shouldRetry(failures, status), want, `${failures} failures, status ${status}`);
});
