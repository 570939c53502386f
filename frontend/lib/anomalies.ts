"use client";

// Reads of the anomaly API and what the anomaly pages build from them. The cache keys follow
// lib/queries.ts ("api", path, query) so useInvalidate("/anomaly") refreshes them all.

import { useQuery } from "@tanstack/react-query";
import type { EChartsCoreOption } from "echarts/core";
import { answer, client, type Schemas } from "./api";
import type { operations } from "./api-schema";
import { formatMoney, formatMoneyCompact } from "./format.mjs";
import type { Lang } from "./messages.mjs";

export type Anomaly = Schemas["AnomalySummary"];
export type AnomalyDetail = Schemas["AnomalyDetail"];
export type AnomalyMonitor = Schemas["AnomalyMonitor"];
export type AnomalyMonitorInput = Schemas["AnomalyMonitorInput"];
export type Contributor = Schemas["AnomalyContributor"];
export type AnomalyQuery = NonNullable<operations["listAnomalies"]["parameters"]["query"]>;

export function useAnomalies(query: AnomalyQuery) {
  return useQuery({
    queryKey: ["api", "/anomaly", query],
    queryFn: () => answer(client.GET("/api/v1/anomaly", { params: { query } })),
  });
}

// `id` null: the page has no valid id, nothing is fetched.
export function useAnomaly(id: number | null) {
  return useQuery({
    queryKey: ["api", `/anomaly/${id}`],
    queryFn: () => answer(client.GET("/api/v1/anomaly/{id}", { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
}

export function useAnomalyMonitors() {
  return useQuery({
    queryKey: ["api", "/anomaly/monitors"],
    queryFn: () => answer(client.GET("/api/v1/anomaly/monitors")),
  });
}

// Micro-units of a decimal money string, for charting (never for sums shown as money).
function num(v: string | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

// The anomaly's days drawn as the actual cost over the expected band (lower edge stacked with
// the band's width) and the expected line; the anomaly's own days are shaded.
export function anomalyChartOption(
  a: AnomalyDetail,
  lang: Lang,
  names: { actual: string; expected: string; band: string },
): EChartsCoreOption {
  const dates = a.series.map((p) => p.date);
  const lower = a.series.map((p) => num(p.lower));
  const width = a.series.map((p) => (p.upper === null || p.lower === null ? null : Number(p.upper) - Number(p.lower)));
  return {
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: unknown) => (v === null || v === undefined ? "—" : formatMoney(Number(v), a.currency, lang)),
    },
    legend: { bottom: 0, data: [names.actual, names.expected, names.band] },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatMoneyCompact(v, a.currency, lang) } },
    series: [
      { name: "lower", type: "line", stack: "band", data: lower, lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
      {
        name: names.band,
        type: "line",
        stack: "band",
        data: width,
        lineStyle: { opacity: 0 },
        symbol: "none",
        areaStyle: { color: "rgba(2,132,199,0.15)" },
        tooltip: { show: false },
      },
      { name: names.expected, type: "line", data: a.series.map((p) => num(p.expected)), lineStyle: { type: "dashed" }, symbol: "none", color: "#64748b" },
      {
        name: names.actual,
        type: "line",
        data: a.series.map((p) => num(p.actual)),
        color: "#0284c7",
        markArea: {
          itemStyle: { color: a.impact.startsWith("-") ? "rgba(16,185,129,0.12)" : "rgba(239,68,68,0.12)" },
          data: [[{ xAxis: a.startDate }, { xAxis: a.endDate }]],
        },
      },
    ],
  };
}

// The explorer dimension a contributor dimension is grouped by there ("" when the explorer
// has none: resources open their own page).
function explorerDim(c: Contributor): string {
  switch (c.dimension) {
    case "tag":
      return `tag.${c.key.split(":")[0]}`;
    case "resource":
      return "";
    default:
      return c.dimension;
  }
}

// The filters that keep what the anomaly's monitor watches.
function monitorFilters(a: Anomaly): string[] {
  switch (a.dimension) {
    case "account_product":
    case "product":
      return [`product:in:${a.value}`];
    case "tag":
      return [`tag.${a.key}:in:${a.value}`];
    case "region":
    case "costUnit":
    case "resourceGroup":
      return [`${a.dimension}:in:${a.value}`];
  }
  return [];
}

// A link into the explorer (or a resource's page) over the anomaly's days and the 28 before,
// grouped by the contributor's dimension and limited to what the monitor watches.
export function contributorLink(a: AnomalyDetail, c: Contributor): string | null {
  if (c.key === "(other)") return null;
  const start = a.series.length > 0 ? a.series[0].date : a.startDate;
  const end = a.series.length > 0 ? a.series[a.series.length - 1].date : a.endDate;
  if (c.dimension === "resource") {
    if (c.key === "") return null;
    return `/explorer/resource/?${new URLSearchParams({ id: c.key, start, end })}`;
  }
  const sp = new URLSearchParams({ start, end, granularity: "day", groupBy: explorerDim(c), top: "10", metric: "billed" });
  if (a.accountId !== 0) sp.append("accountId", String(a.accountId));
  for (const f of monitorFilters(a)) sp.append("filter", f);
  return `/explorer/?${sp}`;
}
