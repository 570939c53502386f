"use client";

import Link from "next/link";
import { useMemo } from "react";
import { Chart } from "@/components/Chart";
import { stackedBarOption } from "@/components/charts";
import { AppShell } from "@/components/Shell";
import {
  Card,
  DemoBadge,
  Empty,
  ErrorBox,
  Loading,
  Money,
  PageHeader,
  StatusBadge,
} from "@/components/ui";
import { AccountStatus } from "@/components/accounts";
import { OpenAnomaliesCard } from "@/components/anomalies";
import { IncompleteNotice } from "@/components/IncompleteNotice";
import { ExplainButton } from "@/components/ai";
import { Table } from "@/components/Table";
import { canEdit, useAuth } from "@/lib/auth";
import {
  formatDateTime,
  formatNumber,
  formatMoney as formatMoneyText,
  formatPercent,
  monthToDateRange,
  toMicros,
} from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { chartSeries, pivotExplore } from "@/lib/query.mjs";
import type { Account, OverviewItem, TopEntry } from "@/lib/types";
import { useQueries } from "@tanstack/react-query";
import { syncsQuery, useAccounts, useExplore, useOverview } from "@/lib/queries";

export default function DashboardPage() {
  return (
    <AppShell>
      <Dashboard />
    </AppShell>
  );
}

function Dashboard() {
  const { t, lang } = useI18n();
  const range = useMemo(() => monthToDateRange(new Date()), []);
  const overview = useOverview();
  const trend = useExplore({ start: range.start, end: range.end, granularity: "day", groupBy: "product" });
  const accounts = useAccounts();
  const demo = Boolean(overview.data?.demo || trend.data?.demo || accounts.data?.items.some((a) => a.demo));

  return (
    <>
      <PageHeader title={t("dash.title")}>
        <DemoBadge show={demo} />
        {overview.data?.asOf && (
          <span className="text-xs text-slate-500" data-testid="as-of">
            {t("dash.asOf", { time: formatDateTime(overview.data.asOf, lang) })}
          </span>
        )}
      </PageHeader>

      <ErrorBox error={overview.error} onRetry={() => void overview.refetch()} />
      <IncompleteNotice incomplete={overview.data?.incomplete} />
      {overview.isLoading && <Loading />}
      {overview.data && overview.data.items.length === 0 && (
        <Card>
          <Empty />
        </Card>
      )}
      {overview.data?.items.map((item) => (
        <CurrencyOverview key={item.currency} item={item} />
      ))}

      <Card title={t("dash.trend")} className="mt-5" testId="trend-card">
        <ErrorBox error={trend.error} onRetry={() => void trend.refetch()} />
        {trend.isLoading && <Loading />}
        {trend.data && trend.data.items.length === 0 && <Empty />}
        {trend.data?.items.map((item) => {
          const pivot = pivotExplore(item, { others: t("common.others"), total: t("common.total") });
          const series = chartSeries(pivot);
          return (
            <div key={item.currency} className="mb-2">
              {trend.data!.items.length > 1 && <div className="text-xs text-slate-500">{item.currency}</div>}
              <Chart
                testId="trend-chart"
                option={stackedBarOption(pivot.periods, series, item.currency, lang)}
                attrs={{ "data-currency": item.currency, "data-series": JSON.stringify(series.map((s) => s.name)) }}
              />
            </div>
          );
        })}
      </Card>

      <OpenAnomaliesCard accounts={accounts.data?.items} />

      <SyncStatus accounts={accounts.data?.items} error={accounts.error} loading={accounts.isLoading} />
    </>
  );
}

function CurrencyOverview({ item }: { item: OverviewItem }) {
  const { t, lang } = useI18n();
  const up = toMicros(item.changeAmount) > 0n;
  return (
    <div className="mb-5" data-testid="overview" data-currency={item.currency}>
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
      <div className="mt-4 grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title={t("dash.topProducts")} testId="top-products">
          <RankList items={item.topProducts} currency={item.currency} />
        </Card>
        <Card title={t("dash.topAccounts")} testId="top-accounts">
          <RankList items={item.topAccounts} currency={item.currency} />
        </Card>
      </div>
    </div>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-2 text-xs font-medium text-slate-500">{label}</div>
      {children}
    </div>
  );
}

function RankList({ items, currency }: { items: TopEntry[]; currency: string }) {
  if (items.length === 0) return <Empty />;
  const max = Math.max(...items.map((i) => Number(i.cost) || 0), 1);
  return (
    <ul className="space-y-2.5">
      {items.map((i) => (
        <li key={i.key} data-testid="rank-row" data-key={i.key}>
          <div className="flex items-center justify-between gap-3 text-sm">
            <span className="truncate text-slate-700" title={i.key}>
              {i.name}
            </span>
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

function SyncStatus({
  accounts,
  error,
  loading,
}: {
  accounts: Account[] | undefined;
  error: unknown;
  loading: boolean;
}) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  // The latest run per account: a handful of accounts, fetched side by side (and shared with
  // the account pages' history).
  const runs = useQueries({
    queries: (accounts ?? []).map((a) => syncsQuery(a.id)),
  });

  return (
    <Card title={t("dash.syncStatus")} className="mt-5" testId="sync-status">
      <ErrorBox error={error} />
      {loading && !accounts && <Loading />}
      {accounts && accounts.length === 0 && (
        <Empty>
          {t("dash.noAccounts")}{" "}
          {canEdit(user) && (
            <Link href="/accounts/edit/" className="text-sky-700 underline">
              {t("dash.addAccount")}
            </Link>
          )}
        </Empty>
      )}
      {accounts && accounts.length > 0 && (
        <Table
          rows={accounts.map((a, i) => ({ account: a, run: runs[i]?.data?.items[0] }))}
          rowKey={(r) => r.account.id}
          rowAttrs={(r) => ({ "data-testid": "sync-row", "data-account-id": r.account.id })}
          columns={[
            {
              key: "name",
              header: t("acc.name"),
              cell: ({ account: a }) => (
                <>
                  <Link href={`/accounts/detail/?id=${a.id}`} className="text-sky-700 hover:underline">
                    {a.name}
                  </Link>
                  {a.demo && <span className="ml-2 text-xs text-amber-700">{t("common.demo")}</span>}
                </>
              ),
            },
            { key: "status", header: t("acc.status"), cell: ({ account }) => <AccountStatus account={account} /> },
            {
              key: "lastSync",
              header: t("acc.lastSync"),
              cell: ({ account: a }) => (a.lastSyncAt ? formatDateTime(a.lastSyncAt, lang) : t("acc.never")),
            },
            { key: "lastRun", header: t("dash.lastRun"), cell: ({ run }) => (run ? <StatusBadge status={run.status} /> : "—") },
            { key: "rows", header: t("acc.rows"), numeric: true, cell: ({ run }) => (run ? formatNumber(run.rows, lang) : "—") },
          ]}
        />
      )}
    </Card>
  );
}
