import assert from "node:assert/strict";
import { test } from "node:test";
import { errorText, messages } from "../lib/messages.mjs";

// Error answers as the API sends them (messageCode and params, shared/errs/field.go), and how
// the web app words them.
const answer = (messageCode, params, message = "english from the server") => ({ code: "invalid", message, messageCode, params });

test("validation errors read in Chinese, field names and reasons included", () => {
  const cases = [
    [answer("bad_date", { field: "start", value: "2025-13-01" }), "开始日期“2025-13-01”不是有效日期（YYYY-MM-DD）。"],
    [answer("date_order", { start: "2025-03-10", end: "2025-03-01" }), "结束日期 2025-03-01 早于开始日期 2025-03-10。"],
    [answer("out_of_range", { field: "limit", min: "1", max: "200" }), "条数须在 1 到 200 之间。"],
    [answer("unknown_value", { field: "period", value: "week", allowed: "month, quarter, year" }), "周期不支持“week”，可选：month, quarter, year。"],
    [answer("unknown_value", { field: "rule", value: "nope", allowed: "" }), "规则不支持“nope”。"],
    [answer("required", { field: "name" }), "请填写名称。"],
    [answer("too_long", { field: "note", max: "2000" }), "备注最多 2000 个字符。"],
    [answer("invalid_field", { field: "amount", reason: "amount" }), "预算金额须为金额，如 1000.00。"],
    [answer("invalid_field", { field: "url", reason: "https" }), "网址须使用 https。"],
    [answer("bad_cursor", { field: "cursor" }), "分页位置不是此列表给出的分页位置，请从第一页重新加载。"],
    [answer("unknown_field", { field: "colour" }), "请求含有不支持的字段 colour。"],
    [answer("bad_body", { reason: "json" }), "请求内容不是有效的 JSON。"],
    [answer("not_allowed", { field: "accountIds", value: "7" }), "账号范围中的 7 不存在或您无权使用。"],
    [answer("range_too_long", { days: "1888", max: "1100" }), "时间范围共 1888 天，最多 1100 天。"],
  ];
  for (const [e, want] of cases) assert.equal(errorText("zh", e), want, e.messageCode);
});

test("the same answers in English", () => {
  assert.equal(errorText("en", answer("bad_date", { field: "start", value: "x" })), "Start date “x” is not a date (YYYY-MM-DD).");
  assert.equal(errorText("en", answer("invalid_field", { field: "email", reason: "format" })), "E-mail is not in the expected format.");
});

test("a field or reason the app has no words for shows as the API names it", () => {
  assert.equal(errorText("zh", answer("out_of_range", { field: "params.minDays", min: "1", max: "90" })), "params.minDays须在 1 到 90 之间。");
  assert.equal(errorText("zh", answer("invalid_field", { field: "name", reason: "brand_new" })), "名称brand_new。");
});

test("an unknown code falls back to the server's English message", () => {
  assert.equal(errorText("zh", answer("from_the_future", { field: "x" }, "x is wrong")), "x is wrong");
});

test("every reason and field wording exists in both languages", () => {
  for (const k of Object.keys(messages.zh).filter((k) => k.startsWith("err."))) assert.ok(k in messages.en, k);
});
