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
