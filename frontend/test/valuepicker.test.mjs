import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeValuePages } from "../components/explorer/valuePages.mjs";

const row = (value, cost, currency = "CNY", label = value.toUpperCase()) => ({ value, label, cost, currency });

test("pages appended by 'more' make one list in the API's order", () => {
  const pages = [
    { items: [row("ecs", "900.00"), row("rds", "500.00")], nextCursor: "bzoy" },
    { items: [row("oss", "120.00"), row("slb", "80.00")], nextCursor: "bzo0" },
    { items: [row("cdn", "3.00")] },
  ];
  const got = mergeValuePages(pages);
  assert.deepEqual(
    got.map((o) => o.value),
    ["ecs", "rds", "oss", "slb", "cdn"],
  );
  assert.deepEqual(got[2], { value: "oss", label: "OSS", costs: [{ cost: "120.00", currency: "CNY" }] });
});

test("a value billed in two currencies is one option even when its rows fall on two pages", () => {
  const pages = [
    { items: [row("ecs", "900.00"), row("rds", "500.00", "CNY")], nextCursor: "c1" },
    { items: [row("rds", "70.00", "USD"), row("oss", "10.00")] },
  ];
  const got = mergeValuePages(pages);
  assert.deepEqual(
    got.map((o) => o.value),
    ["ecs", "rds", "oss"],
  );
  assert.deepEqual(got[1].costs, [
    { cost: "500.00", currency: "CNY" },
    { cost: "70.00", currency: "USD" },
  ]);
});

test("a page fetched twice (a refetch racing 'more') adds no duplicate option or cost", () => {
  const page = { items: [row("ecs", "900.00"), row("", "4.00", "CNY", "")], nextCursor: "c1" };
  const got = mergeValuePages([page, page]);
  assert.equal(got.length, 2);
  assert.deepEqual(got[0].costs, [{ cost: "900.00", currency: "CNY" }]);
  assert.equal(got[1].value, "", "the no-value option stays");
});

test("no pages yet is an empty list", () => {
  assert.deepEqual(mergeValuePages([]), []);
});
