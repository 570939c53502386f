import assert from "node:assert/strict";
import { test } from "node:test";
import { messages, translate } from "../lib/messages.mjs";

test("zh and en have the same keys and {name} variables", () => {
  const zh = Object.keys(messages.zh).sort();
  const en = Object.keys(messages.en).sort();
  assert.deepEqual(en, zh);
  const vars = (s) => (s.match(/\{\w+\}/g) || []).sort();
  for (const k of zh) assert.deepEqual(vars(messages.en[k]), vars(messages.zh[k]), k);
});

test("translate fills variables and falls back to the key", () => {
  assert.equal(translate("zh", "nav.dashboard"), "总览");
  assert.equal(translate("en", "nav.dashboard"), "Dashboard");
  assert.equal(translate("en", "acc.syncDone", { rows: "1,200" }), "Sync finished, 1,200 rows written");
  assert.equal(translate("en", "no.such.key"), "no.such.key");
});

test("every key the pages use exists", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const root = new URL("..", import.meta.url).pathname;
  const files = [];
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.tsx?$/.test(e.name)) files.push(p);
    }
  };
  await walk(join(root, "app"));
  await walk(join(root, "components"));
  await walk(join(root, "lib"));
  const missing = [];
  for (const f of files) {
    const src = await readFile(f, "utf8");
    for (const m of src.matchAll(/\bt\("([a-zA-Z0-9_.]+)"/g)) {
      if (!(m[1] in messages.zh)) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
