// ECharts options shared by the pages, built from the API's shapes.

import type { EChartsCoreOption } from "echarts/core";
import { formatMoney, formatMoneyCompact } from "@/lib/format.mjs";
import type { Lang } from "@/lib/messages.mjs";

// Stacked bars, one series per group, over the periods of an explore answer.
export function stackedBarOption(
  periods: string[],
  series: { name: string; data: number[] }[],
  currency: string,
  lang: Lang,
): EChartsCoreOption {
  return {
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: unknown) => formatMoney(Number(v), currency, lang),
    },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: periods, axisTick: { alignWithLabel: true } },
    yAxis: {
      type: "value",
      axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, lang) },
    },
    series: series.map((s) => ({
      name: s.name,
      type: "bar",
      stack: "total",
      emphasis: { focus: "series" },
      data: s.data,
    })),
  };
}

// One line for a single series (a resource's daily cost).
export function lineOption(
  periods: string[],
  values: number[],
  name: string,
  currency: string,
  lang: Lang,
): EChartsCoreOption {
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => formatMoney(Number(v), currency, lang) },
    grid: { left: 8, right: 16, top: 16, bottom: 24, containLabel: true },
    xAxis: { type: "category", data: periods },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, lang) } },
    series: [{ name, type: "line", smooth: true, areaStyle: { opacity: 0.15 }, data: values }],
  };
}

// The last days' cost as a line, then the rest of the month as the forecast's daily average
// with its interval as a shaded band (a transparent base at the low end, the band stacked on it).
export function trendForecastOption(
  days: string[],
  values: number[],
  ahead: string[],
  forecast: { mid: number; low: number; high: number },
  names: { actual: string; forecast: string; band: string },
  currency: string,
  lang: Lang,
): EChartsCoreOption {
  const pad = (n: number) => Array<number | null>(n).fill(null);
  const n = days.length;
  const m = ahead.length;
  return {
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : formatMoney(Number(v), currency, lang)),
    },
    legend: { bottom: 0, data: [names.actual, names.forecast, names.band] },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: [...days, ...ahead], boundaryGap: false },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, lang) } },
    series: [
      { name: names.actual, type: "line", smooth: true, showSymbol: false, areaStyle: { opacity: 0.12 }, data: [...values, ...pad(m)] },
      {
        name: "low",
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
        data: [...pad(n), ...Array(m).fill(Math.max(0, forecast.low))],
      },
      {
        name: names.band,
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.2, color: "#f59e0b" },
        color: "#f59e0b",
        data: [...pad(n), ...Array(m).fill(Math.max(0, forecast.high - Math.max(0, forecast.low)))],
      },
      {
        name: names.forecast,
        type: "line",
        symbol: "none",
        lineStyle: { type: "dashed" },
        color: "#d97706",
        data: [...pad(n), ...Array(m).fill(Math.max(0, forecast.mid))],
      },
    ],
  };
}
