"use client";

import Link from "next/link";
import { useMemo } from "react";
import { ExplainButton } from "@/components/ai";
import { Chart } from "@/components/Chart";
import { trendForecastOption } from "@/components/charts";
import { Card, Empty, Money } from "@/components/ui";
import { addDays, formatMoney as formatMoneyText, formatPercent, toMicros } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { toSearchParams, defaultQuery, type ExplorerQuery } from "@/lib/query.mjs";
import type { ExploreItem, OverviewItem, TopEntry } from "@/lib/types";

// One currency's row of the dashboard, under its own heading: the month's figures, the last
// 30 days with the month-end forecast band, and the top products and accounts, each a link
// into the explorer. Totals in different currencies are never added.
export function CurrencySection({ item, asOf, trend }: { item: OverviewItem; asOf: string; trend: ExploreItem | undefined }) {
  const { t, lang } = useI18n();
  const up = toMicros(item.changeAmount) > 0n;
  // The top lists are of the month of asOf (none on the 1st, before the month has a bill).
  const monthStart = asOf.slice(0, 8) + "01";
  return (
    <section className="mb-6" data-testid="overview" data-currency={item.currency}>
      <h2 className="mb-3 text-base font-semibold text-slate-800" data-testid="currency-heading">
        {t("dash.currencyHeading", { currency: item.currency })}
      </h2>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label={t("dash.mtd")}>
          <Money amount={item.monthToDate} currency={item.currency} testId="mtd" className="text-2xl font-semibold" />
          <div className={`mt-1 text-xs ${up ? "text-red-600" : "text-emerald-600"}`} data-testid="mtd-change">
            {formatPercent(item.changePercent, lang)} {t("dash.change")}
          </div>
          <ExplainButton />
        </Stat>
        <Stat label={t("dash.lastMonthSame")}>
          <Money amount={item.lastMonthSamePeriod} currency={item.currency} testId="last-month-same" className="text-2xl font-semibold" />
        </Stat>
        <Stat label={t("dash.lastMonthTotal")}>
          <Money amount={item.lastMonthTotal} currency={item.currency} testId="last-month-total" className="text-2xl font-semibold" />
        </Stat>
        <Stat label={t("dash.forecast")}>
          <Money amount={item.forecast.value} currency={item.currency} testId="forecast" className="text-2xl font-semibold" />
          <div className="mt-1 text-xs text-slate-500" data-testid="forecast-range">
            {t("dash.forecastRange", {
              low: formatMoneyText(item.forecast.low, item.currency, lang),
              high: formatMoneyText(item.forecast.high, item.currency, lang),
            })}
          </div>
        </Stat>
      </div>
      <Card title={t("dash.trend30")} className="mt-4" testId="trend-card">
        {trend ? <TrendChart item={item} trend={trend} asOf={asOf} /> : <Empty />}
      </Card>
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title={t("dash.topProducts")} testId="top-products">
          <RankList
            items={item.topProducts}
            currency={item.currency}
            href={(key) => explorerLink({ start: monthStart, end: asOf, groupBy: ["region"], filters: [{ dimension: "product", op: "in", values: [key] }] })}
          />
        </Card>
        <Card title={t("dash.topAccounts")} testId="top-accounts">
          <RankList
            items={item.topAccounts}
            currency={item.currency}
            href={(key) => explorerLink({ start: monthStart, end: asOf, groupBy: ["product"], accountIds: [key] })}
          />
        </Card>
      </div>
    </section>
  );
}

function explorerLink(patch: Partial<ExplorerQuery>): string {
  return `/explorer/?${toSearchParams({ ...defaultQuery(new Date()), ...patch })}`;
}

// The last 30 billed days, then the days left in the month at the forecast's daily average
// (month-end forecast less month to date, spread over the days left) with its 80 % band.
function TrendChart({ item, trend, asOf }: { item: OverviewItem; trend: ExploreItem; asOf: string }) {
  const { t, lang } = useI18n();
  const option = useMemo(() => {
    const values = trend.periods.map((_, i) => trend.groups.reduce((s, g) => s + Number(g.points[i]?.cost ?? 0), 0));
    const ahead: string[] = [];
    const next = addDays(asOf, 1);
    for (let d = next; d.slice(0, 7) === next.slice(0, 7); d = addDays(d, 1)) ahead.push(d);
    const mtd = Number(item.monthToDate);
    const per = (v: string) => (ahead.length ? (Number(v) - mtd) / ahead.length : 0);
    return trendForecastOption(
      trend.periods,
      values,
      ahead,
      { mid: per(item.forecast.value), low: per(item.forecast.low), high: per(item.forecast.high) },
      { actual: t("dash.actual"), forecast: t("dash.forecastDaily"), band: t("dash.forecastBand") },
      item.currency,
      lang,
    );
  }, [trend, item, asOf, t, lang]);
  return <Chart testId="trend-chart" option={option} height={280} attrs={{ "data-currency": item.currency, "data-periods": JSON.stringify(trend.periods) }} />;
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 text-xs font-medium text-slate-500">{label}</div>
      {children}
    </div>
  );
}

function RankList({ items, currency, href }: { items: TopEntry[]; currency: string; href: (key: string) => string }) {
  if (items.length === 0) return <Empty />;
  const max = Math.max(...items.map((i) => Number(i.cost) || 0), 1);
  return (
    <ul className="space-y-2.5">
      {items.map((i) => (
        <li key={i.key} data-testid="rank-row" data-key={i.key}>
          <div className="flex items-center justify-between gap-3 text-sm">
            <Link href={href(i.key)} className="truncate text-sky-700 hover:underline" title={i.key} data-testid="rank-link">
              {i.name || i.key}
            </Link>
            <Money amount={i.cost} currency={currency} className="font-medium text-slate-900" />
          </div>
          <div className="mt-1 h-1.5 rounded-full bg-slate-100">
            <div className="h-1.5 rounded-full bg-sky-500" style={{ width: `${Math.max(2, ((Number(i.cost) || 0) / max) * 100)}%` }} />
          </div>
        </li>
      ))}
    </ul>
  );
}
