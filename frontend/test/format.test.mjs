import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  addDays,
  billingToday,
  daysBetween,
  formatDuration,
  formatMoney,
  formatPercent,
  formatRate,
  fromMicros,
  monthToDateRange,
  normalizeDecimal,
  sumDecimals,
  toMicros,
} from "../lib/format.mjs";

test("formatMoney uses the currency's symbol and thousands separators", () => {
  const cases = [
    ["1234567.891", "CNY", "zh", "¥1,234,567.89"],
    ["1234567.891", "CNY", "en", "¥1,234,567.89"],
    ["1234.5", "USD", "en", "$1,234.50"],
    ["1234.5", "USD", "zh", "$1,234.50"],
    ["0", "CNY", "zh", "¥0.00"],
    ["-42.005", "CNY", "en", "-¥42.01"],
    // Beyond double precision: the string is formatted exactly, not through a float.
    ["12345678901234567.89", "CNY", "en", "¥12,345,678,901,234,567.89"],
    [null, "CNY", "zh", "—"],
  ];
  for (const [amount, currency, lang, want] of cases) {
    assert.equal(formatMoney(amount, currency, lang), want, `${amount} ${currency} ${lang}`);
  }
});

test("formatRate shows a fraction as an unsigned percentage", () => {
  // The recorded discounts answer sends the rate as a 0..1 fraction (0.0771 = 7.71 %).
  const discounts = JSON.parse(readFileSync(new URL("./fixtures/discounts.json", import.meta.url), "utf8"));
  assert.equal(formatRate(discounts.items[0].discountRate, "en"), "7.7%");
  assert.equal(formatRate(0.1234, "en"), "12.3%");
  assert.equal(formatRate(0, "zh"), "0.0%");
  assert.equal(formatRate(1, "en"), "100.0%");
  assert.equal(formatRate(Number.NaN, "en"), "—");
});

test("formatPercent shows the sign and one decimal", () => {
  assert.equal(formatPercent(12.345, "en"), "+12.3%");
  assert.equal(formatPercent("-4", "zh"), "-4.0%");
  assert.equal(formatPercent(0, "en"), "0.0%");
  assert.equal(formatPercent(null, "en"), "—");
  assert.equal(formatPercent("n/a", "en"), "—");
});

test("decimal strings convert to micro-units exactly", () => {
  const cases = [
    ["1234.56", 1234560000n],
    ["0.000001", 1n],
    ["-0.5", -500000n],
    ["7", 7000000n],
    [".25", 250000n],
    ["1.1234567", 1123456n],
  ];
  for (const [s, want] of cases) assert.equal(toMicros(s), want, s);
  assert.throws(() => toMicros("abc"));
  assert.throws(() => toMicros(""));
  assert.equal(fromMicros(1234560000n), "1234.56");
  assert.equal(fromMicros(1n), "0.000001");
  assert.equal(fromMicros(-500000n), "-0.50");
  assert.equal(normalizeDecimal("12.3"), "12.30");
  assert.equal(normalizeDecimal("12.300000"), "12.30");
});

test("sumDecimals adds without floating-point error", () => {
  assert.equal(sumDecimals(["0.1", "0.2"]), "0.30");
  assert.equal(sumDecimals(["1234.56", "-34.56", "0.000001"]), "1200.000001");
  assert.equal(sumDecimals([]), "0.00");
  // 0.1 added ten thousand times is exactly 1000 here, not 1000.0000000001588.
  assert.equal(sumDecimals(Array(10000).fill("0.1")), "1000.00");
});

test("dates are taken in the billing time zone", () => {
  // 2025-03-31T17:30Z is already 1 April in Shanghai (UTC+8).
  assert.equal(billingToday(new Date("2025-03-31T17:30:00Z")), "2025-04-01");
  assert.equal(billingToday(new Date("2025-03-31T15:59:00Z")), "2025-03-31");
  assert.deepEqual(monthToDateRange(new Date("2025-03-15T04:00:00Z")), { start: "2025-03-01", end: "2025-03-14" });
  // On the 1st, yesterday is last month: the range is the 1st alone.
  assert.deepEqual(monthToDateRange(new Date("2025-03-31T17:30:00Z")), { start: "2025-04-01", end: "2025-04-01" });
  assert.equal(addDays("2024-02-28", 1), "2024-02-29");
  assert.equal(addDays("2024-03-01", -1), "2024-02-29");
  assert.equal(daysBetween("2024-01-01", "2024-12-31"), 365);
});

test("formatDuration", () => {
  assert.equal(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T00:00:42Z"), "42s");
  assert.equal(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T00:01:05Z"), "1m 05s");
  assert.equal(formatDuration("2025-01-01T00:00:00Z", null), "—");
});

import { formatBillingDate } from "../lib/format.mjs";

test("a billing date is a day, the same in every time zone", () => {
  assert.equal(formatBillingDate("2025-03-14", "zh"), "2025年3月14日");
  assert.equal(formatBillingDate("2025-03-14", "en"), "Mar 14, 2025");
  assert.equal(formatBillingDate("2025-01-01", "en"), "Jan 1, 2025");
  assert.equal(formatBillingDate("", "en"), "—");
  assert.equal(formatBillingDate("2025-03-14T00:00:00Z", "en"), "—");
});
