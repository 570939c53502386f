import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chartSeries,
  exploreApiParams,
  focusApiParams,
  formatFilter,
  parseExplorerQuery,
  parseFilter,
  pivotExplore,
  sliceQuery,
  toSearchParams,
  validateQuery,
} from "../lib/query.mjs";

const now = new Date("2025-03-15T04:00:00Z");

test("parseFilter reads include and exclude filters", () => {
  const cases = [
    ["product:in:ecs,rds", { dimension: "product", op: "in", values: ["ecs", "rds"] }],
    ["tag.env:notin:dev", { dimension: "tag.env", op: "notin", values: ["dev"] }],
    ["region:in: cn-hangzhou , cn-beijing ", { dimension: "region", op: "in", values: ["cn-hangzhou", "cn-beijing"] }],
    ["nonsense:in:x", null],
    ["product:eq:x", null],
    ["product:in:", null],
  ];
  for (const [s, want] of cases) assert.deepEqual(parseFilter(s), want, s);
  assert.equal(formatFilter({ dimension: "tag.team", op: "in", values: ["a", "b"] }), "tag.team:in:a,b");
});

test("an empty URL opens this month by day and product", () => {
  const q = parseExplorerQuery(new URLSearchParams(""), now);
  assert.deepEqual(q, {
    start: "2025-03-01",
    end: "2025-03-14",
    granularity: "day",
    groupBy: ["product"],
    top: 10,
    metric: "billed",
    accountIds: [],
    filters: [],
  });
});

test("the URL round-trips through parse and toSearchParams", () => {
  const url =
    "start=2025-01-01&end=2025-02-28&granularity=month&groupBy=account%2Ctag.env&top=5&metric=effective" +
    "&accountId=3&accountId=7&filter=product%3Ain%3Aecs%2Crds&filter=region%3Anotin%3Acn-beijing";
  const q = parseExplorerQuery(new URLSearchParams(url), now);
  assert.deepEqual(q.groupBy, ["account", "tag.env"]);
  assert.deepEqual(q.accountIds, ["3", "7"]);
  assert.equal(q.filters.length, 2);
  assert.equal(toSearchParams(q).toString(), url);
  assert.equal(toSearchParams(q, { view: "discounts" }).get("view"), "discounts");
});

test("malformed URL values fall back to defaults", () => {
  const q = parseExplorerQuery(
    new URLSearchParams("start=yesterday&granularity=hour&groupBy=product,region,account&top=0&metric=x&filter=bad"),
    now,
  );
  assert.equal(q.start, "2025-03-01");
  assert.equal(q.granularity, "day");
  assert.deepEqual(q.groupBy, ["product", "region"]);
  assert.equal(q.top, 10);
  assert.equal(q.metric, "billed");
  assert.deepEqual(q.filters, []);
  assert.deepEqual(parseExplorerQuery(new URLSearchParams("groupBy="), now).groupBy, []);
});

test("API query strings carry the same query", () => {
  const q = parseExplorerQuery(
    new URLSearchParams("start=2025-01-01&end=2025-01-31&groupBy=product,region&top=3&accountId=2&filter=product:in:ecs"),
    now,
  );
  assert.equal(
    exploreApiParams(q).toString(),
    "start=2025-01-01&end=2025-01-31&accountId=2&filter=product%3Ain%3Aecs&metric=billed&granularity=day&groupBy=product%2Cregion&top=3",
  );
  assert.equal(exploreApiParams(q, "xlsx").get("format"), "xlsx");
  const focus = focusApiParams(q, "csv");
  assert.equal(focus.toString(), "start=2025-01-01&end=2025-01-31&accountId=2&filter=product%3Ain%3Aecs&format=csv");
});

test("validateQuery reports what the API would reject", () => {
  const base = parseExplorerQuery(new URLSearchParams(""), now);
  const cases = [
    [{}, []],
    [{ start: "2025-03-10", end: "2025-03-01" }, ["query.startAfterEnd"]],
    [{ start: "2024-01-01", end: "2025-01-02" }, ["query.rangeTooLong"]],
    [{ start: "2024-01-01", end: "2024-12-31" }, []],
    [{ start: "2025-3-1" }, ["query.badDate"]],
    [{ groupBy: ["product", "region", "account"] }, ["query.tooManyGroups"]],
  ];
  for (const [patch, want] of cases) assert.deepEqual(validateQuery({ ...base, ...patch }), want, JSON.stringify(patch));
});

test("sliceQuery narrows to one group, replacing filters on the same dimension", () => {
  const q = parseExplorerQuery(new URLSearchParams("filter=product:in:ecs,rds&filter=region:in:cn-hangzhou"), now);
  const s = sliceQuery(q, { product: "rds", account: "7" });
  assert.deepEqual(
    s.filters.map((f) => `${f.dimension}:${f.op}:${f.values.join(",")}`),
    ["region:in:cn-hangzhou", "product:in:rds", "account:in:7"],
  );
  assert.equal(q.filters.length, 2, "the original query is unchanged");
});

test("pivotExplore aligns points to periods and totals columns exactly", () => {
  const item = {
    currency: "CNY",
    total: "60.60",
    periods: ["2025-03-01", "2025-03-02", "2025-03-03"],
    groups: [
      {
        key: { product: "ecs" },
        label: "ECS",
        total: "30.30",
        points: [
          { period: "2025-03-01", cost: "10.10" },
          { period: "2025-03-02", cost: "10.10" },
          { period: "2025-03-03", cost: "10.10" },
        ],
      },
      { key: { product: "rds" }, label: "RDS", total: "20.20", points: [{ period: "2025-03-02", cost: "20.20" }] },
      { key: {}, label: "others", other: true, total: "10.10", points: [{ period: "2025-03-03", cost: "10.10" }] },
    ],
  };
  const p = pivotExplore(item, "其他");
  assert.deepEqual(p.rows.map((r) => r.values), [
    ["10.10", "10.10", "10.10"],
    ["0", "20.20", "0"],
    ["0", "0", "10.10"],
  ]);
  assert.deepEqual(p.rows.map((r) => r.others), [false, false, true]);
  assert.deepEqual(p.periodTotals, ["10.10", "30.30", "20.20"]);
  assert.equal(p.total, "60.60");
  assert.deepEqual(chartSeries(p), [
    { name: "ECS", data: [10.1, 10.1, 10.1] },
    { name: "RDS", data: [0, 20.2, 0] },
    { name: "其他", data: [0, 0, 10.1] },
  ]);
});
