// Formatting and exact decimal arithmetic for the API's money strings. Plain JavaScript with
// JSDoc types so that Node's test runner checks it without a build step.

/** @typedef {"zh" | "en"} Lang */

/** @param {Lang} lang */
export function localeOf(lang) {
  return lang === "en" ? "en-US" : "zh-CN";
}

/** @type {Map<string, Intl.NumberFormat>} */
const moneyFormats = new Map();

/**
 * Formats a decimal money string ("1234.5") in its currency: "¥1,234.50" / "$1,234.50".
 * The string is handed to Intl as a string, so no digit is lost to binary floating point.
 * @param {string | number | null | undefined} amount
 * @param {string} currency ISO 4217 code, e.g. CNY or USD
 * @param {Lang} lang
 */
export function formatMoney(amount, currency, lang) {
  if (amount === null || amount === undefined || amount === "") return "—";
  const key = `${lang}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(localeOf(lang), {
      style: "currency",
      currency: currency || "CNY",
      // narrowSymbol gives ¥ and $ in both languages instead of "CN¥" / "US$".
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    moneyFormats.set(key, f);
  }
  return f.format(/** @type {any} */ (typeof amount === "number" ? amount : normalizeDecimal(amount)));
}

/**
 * Short money for chart axes: "¥1.2万" in Chinese, "$1.2K" in English.
 * @param {number} value
 * @param {string} currency
 * @param {Lang} lang
 */
export function formatMoneyCompact(value, currency, lang) {
  return new Intl.NumberFormat(localeOf(lang), {
    style: "currency",
    currency: currency || "CNY",
    currencyDisplay: "narrowSymbol",
    notation: "compact",
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * A percentage with its sign: "+12.3%", "-4.0%". Accepts a number or a decimal string.
 * @param {string | number | null | undefined} value percent points (12.3 means 12.3 %)
 * @param {Lang} lang
 */
export function formatPercent(value, lang) {
  if (value === null || value === undefined || value === "") return "—";
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return "—";
  return new Intl.NumberFormat(localeOf(lang), {
    signDisplay: "exceptZero",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(n) + "%";
}

/**
 * A share given as a fraction (the API's discount rate: 0.125 is 12.5%), shown unsigned with one
 * decimal.
 * @param {number} fraction
 * @param {Lang} lang
 */
export function formatRate(fraction, lang) {
  if (!Number.isFinite(fraction)) return "—";
  return new Intl.NumberFormat(localeOf(lang), {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(fraction);
}

/**
 * A plain number with thousands separators.
 * @param {number | null | undefined} value
 * @param {Lang} lang
 */
export function formatNumber(value, lang) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(localeOf(lang)).format(value);
}

const SCALE = 6;
const SCALE_FACTOR = 10n ** BigInt(SCALE);

/**
 * Parses a decimal string into integer micro-units (the backend's own unit), exactly.
 * @param {string | number} s
 * @returns {bigint}
 */
export function toMicros(s) {
  const str = String(s).trim();
  const m = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(str);
  if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
    throw new Error(`not a decimal: ${JSON.stringify(s)}`);
  }
  const neg = m[1] === "-";
  const whole = BigInt(m[2] || "0");
  const frac = (m[3] || "").slice(0, SCALE).padEnd(SCALE, "0");
  const v = whole * SCALE_FACTOR + BigInt(frac);
  return neg ? -v : v;
}

/**
 * Formats micro-units back into a decimal string with at least two fraction digits.
 * @param {bigint} micros
 */
export function fromMicros(micros) {
  const neg = micros < 0n;
  const abs = neg ? -micros : micros;
  const whole = abs / SCALE_FACTOR;
  let frac = (abs % SCALE_FACTOR).toString().padStart(SCALE, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${neg ? "-" : ""}${whole}.${frac}`;
}

/**
 * Adds decimal strings exactly.
 * @param {Array<string | number>} values
 */
export function sumDecimals(values) {
  let total = 0n;
  for (const v of values) total += toMicros(v);
  return fromMicros(total);
}

/**
 * Canonical form of a decimal string ("1234.5" → "1234.50"), used to compare API figures with
 * what the page shows.
 * @param {string | number} s
 */
export function normalizeDecimal(s) {
  return fromMicros(toMicros(s));
}

/** @type {Intl.DateTimeFormat | undefined} */
let shanghaiDay;

/**
 * The calendar date in the billing time zone (Asia/Shanghai), as YYYY-MM-DD.
 * @param {Date} now
 */
export function billingToday(now) {
  shanghaiDay ??= new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  return shanghaiDay.format(now);
}

/**
 * Adds days to a YYYY-MM-DD date.
 * @param {string} date
 * @param {number} days
 */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Whole days from a to b (b - a) for YYYY-MM-DD dates.
 * @param {string} a
 * @param {string} b
 */
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

/**
 * This month so far in the billing time zone: from the 1st to yesterday, or just the 1st on
 * the 1st (the API's own default range, made explicit so the page and the API agree).
 * @param {Date} now
 * @returns {{start: string, end: string}}
 */
export function monthToDateRange(now) {
  const today = billingToday(now);
  const start = today.slice(0, 8) + "01";
  const yesterday = addDays(today, -1);
  return { start, end: yesterday < start ? start : yesterday };
}

/**
 * A timestamp (RFC 3339) in the viewer's local time.
 * @param {string | null | undefined} iso
 * @param {Lang} lang
 */
export function formatDateTime(iso, lang) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(localeOf(lang), {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(d);
}

/**
 * Duration between two timestamps, "1m 05s" / "42s".
 * @param {string | null | undefined} startIso
 * @param {string | null | undefined} endIso
 */
export function formatDuration(startIso, endIso) {
  if (!startIso || !endIso) return "—";
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/**
 * A billing date (YYYY-MM-DD, a calendar day in Asia/Shanghai) as a date in the reader's
 * language. It is a day, not an instant: it reads the same in every browser time zone.
 * @param {string | null | undefined} date
 * @param {Lang} lang
 */
export function formatBillingDate(date, lang) {
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return "—";
  return new Intl.DateTimeFormat(localeOf(lang), {
    timeZone: "UTC",
    year: "numeric",
    month: lang === "en" ? "short" : "long",
    day: "numeric",
  }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * An instant (RFC 3339) in the viewer's time zone, with the zone named, so it is a real
 * timestamp whatever zone the reader is in.
 * @param {string | null | undefined} iso
 * @param {Lang} lang
 */
export function formatTimestamp(iso, lang) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(localeOf(lang), {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZoneName: "short",
  }).format(d);
}
