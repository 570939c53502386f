// The cost explorer's query: parsed from and written to the page URL (so a view can be shared
// and bookmarked) and turned into the costs API's query string. Plain JavaScript with JSDoc
// types so that Node's test runner checks it without a build step.

import { addDays, billingToday, daysBetween, monthToDateRange, sumDecimals } from "./format.mjs";

/** Dimensions the costs API groups and filters by; `tag.<key>` is open-ended. */
export const DIMENSIONS = [
  "account",
  "product",
  "region",
  "resourceGroup",
  "costUnit",
  "subscriptionType",
  "billingItem",
  "chargeCategory",
];
/** @type {readonly Granularity[]} */
export const GRANULARITIES = ["day", "week", "month"];
/** @typedef {"day" | "week" | "month"} Granularity */
/** @typedef {"billed" | "list" | "effective" | "discount"} Metric */
/** @type {readonly Metric[]} */
export const METRICS = ["billed", "list", "effective", "discount"];
export const DEFAULT_TOP = 10;
export const MAX_RANGE_DAYS = 366;

/**
 * @typedef {{dimension: string, op: "in" | "notin", values: string[]}} Filter
 * @typedef {{
 *   start: string, end: string, granularity: Granularity, groupBy: string[], top: number,
 *   metric: Metric, accountIds: string[], filters: Filter[]
 * }} ExplorerQuery
 */

/** @param {string} d */
export function isDimension(d) {
  return DIMENSIONS.includes(d) || /^tag\.[^\s:,]+$/.test(d);
}

/**
 * Parses `dimension:in:v1,v2` / `dimension:notin:v1,v2`.
 * @param {string} s
 * @returns {Filter | null}
 */
export function parseFilter(s) {
  const m = /^(.+?):(in|notin):(.*)$/.exec(s);
  if (!m || !isDimension(m[1])) return null;
  const values = m[3].split(",").map((v) => v.trim()).filter((v) => v !== "");
  if (values.length === 0) return null;
  return { dimension: m[1], op: /** @type {"in" | "notin"} */ (m[2]), values };
}

/** @param {Filter} f */
export function formatFilter(f) {
  return `${f.dimension}:${f.op}:${f.values.join(",")}`;
}

/**
 * The default view: this month so far, by day, grouped by product.
 * @param {Date} now
 * @returns {ExplorerQuery}
 */
export function defaultQuery(now) {
  const { start, end } = monthToDateRange(now);
  return {
    start,
    end,
    granularity: "day",
    groupBy: ["product"],
    top: DEFAULT_TOP,
    metric: "billed",
    accountIds: [],
    filters: [],
  };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads the explorer query from URL search params, falling back to the defaults for anything
 * missing or malformed (a hand-edited URL must still open a working view).
 * @param {URLSearchParams} sp
 * @param {Date} now
 * @returns {ExplorerQuery}
 */
export function parseExplorerQuery(sp, now) {
  const q = defaultQuery(now);
  const start = sp.get("start");
  const end = sp.get("end");
  if (start && DATE_RE.test(start)) q.start = start;
  if (end && DATE_RE.test(end)) q.end = end;
  q.granularity = GRANULARITIES.find((g) => g === sp.get("granularity")) ?? q.granularity;
  const groupBy = sp.get("groupBy");
  if (groupBy !== null) {
    const dims = [...new Set(groupBy.split(",").map((d) => d.trim()).filter(isDimension))].slice(0, 2);
    q.groupBy = dims;
  }
  const top = Number(sp.get("top"));
  if (Number.isInteger(top) && top >= 1 && top <= 100) q.top = top;
  q.metric = METRICS.find((m) => m === sp.get("metric")) ?? q.metric;
  q.accountIds = sp.getAll("accountId").filter((v) => /^[1-9]\d*$/.test(v));
  q.filters = sp.getAll("filter").map(parseFilter).filter((f) => f !== null);
  return q;
}

/**
 * The page URL's search params for a query; the same names as the API's so a shared link reads
 * like an API call.
 * @param {ExplorerQuery} q
 * @param {Record<string, string>} [extra] page-only state, such as the active tab
 */
export function toSearchParams(q, extra = {}) {
  const sp = new URLSearchParams();
  sp.set("start", q.start);
  sp.set("end", q.end);
  sp.set("granularity", q.granularity);
  sp.set("groupBy", q.groupBy.join(","));
  sp.set("top", String(q.top));
  sp.set("metric", q.metric);
  for (const id of q.accountIds) sp.append("accountId", id);
  for (const f of q.filters) sp.append("filter", formatFilter(f));
  for (const [k, v] of Object.entries(extra)) if (v !== "") sp.set(k, v);
  return sp;
}

/**
 * @typedef {{start: string, end: string, accountId: number[], filter: string[]}} RangeApiQuery
 * @typedef {RangeApiQuery & {metric: Metric}} CommonApiQuery
 * @typedef {CommonApiQuery & {granularity: Granularity, groupBy?: string, top: number, format?: "csv" | "xlsx"}} ExploreApiQuery
 * @typedef {RangeApiQuery & {format: "csv" | "parquet"}} FocusApiQuery
 */

/**
 * The range, accounts and filters every costs endpoint takes (the query parameters of
 * docs/openapi.yaml: `accountId` and `filter` repeat).
 * @param {ExplorerQuery} q
 * @returns {RangeApiQuery}
 */
export function rangeApiQuery(q) {
  return { start: q.start, end: q.end, accountId: q.accountIds.map(Number), filter: q.filters.map(formatFilter) };
}

/**
 * The range and the metric: the query of `GET /costs/resources` and its explore siblings.
 * @param {ExplorerQuery} q
 * @returns {CommonApiQuery}
 */
export function commonApiQuery(q) {
  return { ...rangeApiQuery(q), metric: q.metric };
}

/**
 * The query of `GET /costs/explore` (and, with a format, of its export).
 * @param {ExplorerQuery} q
 * @param {"csv" | "xlsx"} [format]
 * @returns {ExploreApiQuery}
 */
export function exploreApiQuery(q, format) {
  return {
    ...commonApiQuery(q),
    granularity: q.granularity,
    groupBy: q.groupBy.length > 0 ? q.groupBy.join(",") : undefined,
    top: q.top,
    format,
  };
}

/**
 * The query of `GET /costs/focus`: the same slice of line items, no grouping.
 * @param {ExplorerQuery} q
 * @param {"csv" | "parquet"} format
 * @returns {FocusApiQuery}
 */
export function focusApiQuery(q, format) {
  return { ...rangeApiQuery(q), format };
}

/**
 * An API query as a query string, in the order and spelling the typed client sends it
 * (repeated parameters for lists, none for an empty list).
 * @param {Record<string, string | number | (string | number)[] | undefined>} query
 */
export function toApiParams(query) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) sp.append(k, String(one));
  }
  return sp;
}

/** @param {ExplorerQuery} q */
export function commonApiParams(q) {
  return toApiParams(commonApiQuery(q));
}

/**
 * @param {ExplorerQuery} q
 * @param {"csv" | "xlsx"} [format]
 */
export function exploreApiParams(q, format) {
  return toApiParams(exploreApiQuery(q, format));
}

/**
 * @param {ExplorerQuery} q
 * @param {"csv" | "parquet"} format
 */
export function focusApiParams(q, format) {
  return toApiParams(focusApiQuery(q, format));
}

/**
 * Problems that the API would reject, as message keys, checked before a request is sent.
 * @param {ExplorerQuery} q
 * @returns {string[]}
 */
export function validateQuery(q) {
  /** @type {string[]} */
  const problems = [];
  if (!DATE_RE.test(q.start) || !DATE_RE.test(q.end)) problems.push("query.badDate");
  else if (q.start > q.end) problems.push("query.startAfterEnd");
  else if (daysBetween(q.start, q.end) > MAX_RANGE_DAYS) problems.push("query.rangeTooLong");
  if (q.groupBy.length > 2) problems.push("query.tooManyGroups");
  return problems;
}

/**
 * The query narrowed to one group, for drill-down: each of the group's dimension values becomes
 * an `in` filter (replacing any earlier filter on that dimension).
 * @param {ExplorerQuery} q
 * @param {Record<string, string>} key
 * @returns {ExplorerQuery}
 */
export function sliceQuery(q, key) {
  const dims = Object.keys(key);
  const filters = q.filters.filter((f) => !dims.includes(f.dimension));
  for (const d of dims) filters.push({ dimension: d, op: "in", values: [key[d]] });
  return { ...q, filters };
}

/**
 * @typedef {{period: string, cost: string}} Point
 * @typedef {{key: Record<string, string>, label: string, other?: boolean, total: string, points: Point[]}} Group
 * @typedef {{currency: string, total: string, periods: string[], groups: Group[]}} ExploreItem
 * @typedef {{key: Record<string, string>, label: string, total: string, values: string[], others: boolean}} PivotRow
 */

/**
 * Lays one currency's explore result out as a table: one row per group with its value in every
 * period (the API sends one point per period, in the order of `periods`), per-period column
 * totals (exact decimal sums) and the API's grand total.
 *
 * Two groups carry an English word from the API as their label, and take the reader's word
 * instead: the top-N remainder, marked `other: true` (key `{}`, label "others"), which is
 * flagged so that it offers no drill-down (it is not one slice); and the single group of an
 * answer without groupBy (key `{}`, label "total").
 * @param {ExploreItem} item
 * @param {{others: string, total: string}} words
 * @returns {{periods: string[], rows: PivotRow[], periodTotals: string[], total: string}}
 */
export function pivotExplore(item, words) {
  const rows = item.groups.map((g) => {
    const others = g.other === true;
    const whole = !others && Object.keys(g.key).length === 0;
    return {
      key: g.key,
      label: others ? words.others : whole ? words.total : g.label,
      total: g.total,
      values: g.points.map((p) => p.cost),
      others,
    };
  });
  const periodTotals = item.periods.map((_, i) => sumDecimals(rows.map((r) => r.values[i])));
  return { periods: item.periods, rows, periodTotals, total: item.total };
}

/**
 * Chart series for a pivoted result: one stacked series per group.
 * @param {{rows: PivotRow[]}} pivot
 * @returns {{name: string, data: number[]}[]}
 */
export function chartSeries(pivot) {
  return pivot.rows.map((r) => ({ name: r.label, data: r.values.map(Number) }));
}

/** The range presets, in the order the explorer offers them. */
export const PRESETS = ["thisMonth", "lastMonth", "last7", "last30", "last90", "thisQuarter", "ytd", "last12Months"];

/**
 * A preset range in billing days (Asia/Shanghai): bills run to yesterday, so ranges that reach
 * "now" end yesterday (or on their first day when that is today, as monthToDateRange does).
 * @param {string} preset one of PRESETS
 * @param {Date} now
 * @returns {{start: string, end: string} | null}
 */
export function presetRange(preset, now) {
  const today = billingToday(now);
  const yesterday = addDays(today, -1);
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  /** @param {number} year @param {number} month 1-12, may be out of range */
  const first = (year, month) => {
    const d = new Date(Date.UTC(year, month - 1, 1));
    return d.toISOString().slice(0, 10);
  };
  /** @param {string} start */
  const toYesterday = (start) => ({ start, end: yesterday < start ? start : yesterday });
  switch (preset) {
    case "thisMonth":
      return monthToDateRange(now);
    case "lastMonth":
      return { start: first(y, m - 1), end: addDays(first(y, m), -1) };
    case "last7":
      return { start: addDays(yesterday, -6), end: yesterday };
    case "last30":
      return { start: addDays(yesterday, -29), end: yesterday };
    case "last90":
      return { start: addDays(yesterday, -89), end: yesterday };
    case "thisQuarter":
      return toYesterday(first(y, m - ((m - 1) % 3)));
    case "ytd":
      return toYesterday(first(y, 1));
    case "last12Months":
      return toYesterday(first(y, m - 11));
  }
  return null;
}

/**
 * The preset a range is, if any (so the picker shows it as chosen).
 * @param {{start: string, end: string}} r
 * @param {Date} now
 */
export function presetOf(r, now) {
  return PRESETS.find((p) => {
    const x = presetRange(p, now);
    return x !== null && x.start === r.start && x.end === r.end;
  }) ?? "";
}

/**
 * The period a range is compared with: the same calendar months before when the range is
 * whole months (March against February), else as many days just before it.
 * @param {{start: string, end: string}} r
 * @returns {{start: string, end: string}}
 */
export function previousPeriod(r) {
  const wholeMonths = r.start.endsWith("-01") && addDays(r.end, 1).endsWith("-01");
  if (wholeMonths) {
    const months = (Number(r.end.slice(0, 4)) - Number(r.start.slice(0, 4))) * 12 + Number(r.end.slice(5, 7)) - Number(r.start.slice(5, 7)) + 1;
    const s = new Date(`${r.start}T00:00:00Z`);
    s.setUTCMonth(s.getUTCMonth() - months);
    return { start: s.toISOString().slice(0, 10), end: addDays(r.start, -1) };
  }
  const days = daysBetween(r.start, r.end) + 1;
  return { start: addDays(r.start, -days), end: addDays(r.start, -1) };
}
