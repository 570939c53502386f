import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { normalizeDecimal, sumDecimals } from "../lib/format.mjs";
import { translate } from "../lib/messages.mjs";
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

// Recorded real answers of the API (see test/fixtures/README.md).
const fixture = (name) => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
const words = (lang) => ({ others: translate(lang, "common.others"), total: translate(lang, "common.total") });

test("the recorded top=1 answer: the remainder row is the flagged group, in the reader's words, with no key", () => {
  const answer = fixture("explore-top1");
  assert.ok(answer.items.length > 0);
  for (const lang of ["zh", "en"]) {
    for (const item of answer.items) {
      const p = pivotExplore(item, words(lang));
      assert.deepEqual(p.rows.map((r) => r.others), item.groups.map((g) => g.other === true), "only the flagged group is the remainder");
      const rest = p.rows.filter((r) => r.others);
      assert.equal(rest.length, 1, `${item.currency}: top=1 leaves one remainder`);
      assert.equal(rest[0].label, lang === "zh" ? "其他" : "Others");
      assert.deepEqual(rest[0].key, {}, "the remainder is no slice to drill into");
      const kept = p.rows.filter((r) => !r.others);
      assert.deepEqual(kept.map((r) => r.label), item.groups.filter((g) => !g.other).map((g) => g.label), "other groups keep the API's label");
      assert.ok(
        chartSeries(p).every((s) => s.name !== "others"),
        "the chart never shows the API's untranslated word",
      );
    }
  }
});

test("the recorded answer without groupBy: one group labelled total in the reader's words, not a remainder", () => {
  for (const item of fixture("explore-total").items) {
    const p = pivotExplore(item, words("zh"));
    assert.equal(p.rows.length, 1);
    assert.equal(p.rows[0].label, "合计");
    assert.equal(p.rows[0].others, false, "an empty key alone does not make a remainder");
    assert.equal(normalizeDecimal(sumDecimals(p.periodTotals)), normalizeDecimal(item.total));
  }
});

test("pivotExplore of the recorded weekly two-dimension answer adds up by row and by column", () => {
  const answer = fixture("explore-filtered");
  assert.deepEqual(answer.groupBy, ["account", "region"]);
  for (const item of answer.items) {
    const p = pivotExplore(item, words("en"));
    assert.deepEqual(p.periods, item.periods);
    for (const [i, r] of p.rows.entries()) {
      assert.equal(r.values.length, item.periods.length, "a value for every period");
      assert.equal(normalizeDecimal(sumDecimals(r.values)), normalizeDecimal(item.groups[i].total), `row ${r.label}`);
    }
    assert.equal(normalizeDecimal(sumDecimals(p.periodTotals)), normalizeDecimal(item.total), "columns add up to the total");
    assert.deepEqual(
      chartSeries(p).map((s) => s.data.length),
      p.rows.map(() => item.periods.length),
    );
  }
});

test("drilling into a recorded group filters on each of its dimension values", () => {
  const g = fixture("explore-filtered").items[0].groups.find((x) => !x.other);
  const q = parseExplorerQuery(new URLSearchParams("groupBy=account,region&filter=product:notin:oss&filter=region:in:cn-beijing"), now);
  assert.deepEqual(
    sliceQuery(q, g.key).filters.map(formatFilter),
    ["product:notin:oss", `account:in:${g.key.account}`, `region:in:${g.key.region}`],
  );
});

import { presetRange, presetOf, previousPeriod, PRESETS } from "../lib/query.mjs";

test("range presets are billing days in Asia/Shanghai, ending yesterday", () => {
  // 2025-05-20 01:30 in Shanghai is still 2025-05-19 in UTC and Los Angeles.
  const now = new Date("2025-05-19T17:30:00Z");
  const want = {
    thisMonth: ["2025-05-01", "2025-05-19"],
    lastMonth: ["2025-04-01", "2025-04-30"],
    last7: ["2025-05-13", "2025-05-19"],
    last30: ["2025-04-20", "2025-05-19"],
    last90: ["2025-02-19", "2025-05-19"],
    thisQuarter: ["2025-04-01", "2025-05-19"],
    ytd: ["2025-01-01", "2025-05-19"],
    last12Months: ["2024-06-01", "2025-05-19"],
  };
  for (const p of PRESETS) {
    const r = presetRange(p, now);
    assert.deepEqual([r.start, r.end], want[p], p);
    assert.equal(presetOf(r, now), p);
  }
  // January: last month is December of the year before; on the 1st the month is its first day.
  assert.deepEqual(presetRange("lastMonth", new Date("2025-01-10T04:00:00Z")), { start: "2024-12-01", end: "2024-12-31" });
  assert.deepEqual(presetRange("thisMonth", new Date("2025-03-01T04:00:00Z")), { start: "2025-03-01", end: "2025-03-01" });
  assert.equal(presetOf({ start: "2025-05-02", end: "2025-05-03" }, now), "");
});

test("the previous period is the months before a range of whole months, else as many days before", () => {
  assert.deepEqual(previousPeriod({ start: "2025-03-01", end: "2025-03-31" }), { start: "2025-02-01", end: "2025-02-28" });
  assert.deepEqual(previousPeriod({ start: "2025-01-01", end: "2025-03-31" }), { start: "2024-10-01", end: "2024-12-31" });
  assert.deepEqual(previousPeriod({ start: "2025-03-01", end: "2025-03-14" }), { start: "2025-02-15", end: "2025-02-28" });
  assert.deepEqual(previousPeriod({ start: "2025-05-13", end: "2025-05-19" }), { start: "2025-05-06", end: "2025-05-12" });
});
