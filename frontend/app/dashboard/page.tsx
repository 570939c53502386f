"use client";

import { useMemo } from "react";
import { CurrencySection } from "@/components/dashboard/CurrencySection";
import { PinnedViews } from "@/components/dashboard/PinnedViews";
import { SyncStatus } from "@/components/dashboard/SyncStatus";
import { AppShell } from "@/components/Shell";
import { OpenAnomaliesCard } from "@/components/anomalies";
import { IncompleteNotice } from "@/components/IncompleteNotice";
import { Card, DemoBadge, Empty, ErrorBox, Loading, PageHeader } from "@/components/ui";
import { addDays, billingToday, formatBillingDate, formatTimestamp } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useAccounts, useExplore, useOverview } from "@/lib/queries";

export default function DashboardPage() {
  return (
    <AppShell>
      <Dashboard />
    </AppShell>
  );
}

// The dashboard: per currency its figures, 30-day trend with the forecast band and top lists
// (components/dashboard/CurrencySection), then the cards: pinned saved views and the cards of
// other features, each its own component in components/dashboard, then the sync status.
function Dashboard() {
  const { t, lang } = useI18n();
  const overview = useOverview();
  const asOf = overview.data?.asOf ?? "";
  // The last 30 billed days, ungrouped: one series per currency.
  const range = useMemo(() => {
    const end = asOf || addDays(billingToday(new Date()), -1);
    return { start: addDays(end, -29), end };
  }, [asOf]);
  const trend = useExplore({ start: range.start, end: range.end, granularity: "day" });
  const accounts = useAccounts();
  const demo = Boolean(overview.data?.demo || trend.data?.demo || accounts.data?.items.some((a) => a.demo));
  const lastSync = (accounts.data?.items ?? [])
    .map((a) => a.lastSyncAt)
    .filter((s): s is string => Boolean(s))
    .sort()
    .at(-1);

  return (
    <>
      <PageHeader title={t("dash.title")}>
        <DemoBadge show={demo} />
        {asOf && (
          // A billing day in Asia/Shanghai: shown as the date it is, in every browser time zone.
          <span className="text-xs text-slate-500" data-testid="as-of" data-date={asOf} title={t("dash.asOfHint")}>
            {t("dash.asOf", { time: formatBillingDate(asOf, lang) })}
          </span>
        )}
        {lastSync && (
          <span className="text-xs text-slate-500" data-testid="last-sync" data-time={lastSync}>
            {t("dash.lastSynced", { time: formatTimestamp(lastSync, lang) })}
          </span>
        )}
      </PageHeader>

      <ErrorBox error={overview.error} onRetry={() => void overview.refetch()} />
      <IncompleteNotice incomplete={overview.data?.incomplete} />
      {overview.isLoading && <Loading />}
      {overview.data && overview.data.items.length === 0 && (
        <Card>
          <Empty>{t("dash.noData")}</Empty>
        </Card>
      )}
      {overview.data?.items.map((item) => (
        <CurrencySection key={item.currency} item={item} asOf={asOf} trend={trend.data?.items.find((s) => s.currency === item.currency)} />
      ))}

      <div data-testid="dashboard-cards">
        <PinnedViews />
        <OpenAnomaliesCard accounts={accounts.data?.items} />
        {/* Other features' dashboard cards go here, each a component of components/dashboard. */}
      </div>

      <SyncStatus accounts={accounts.data?.items} error={accounts.error} loading={accounts.isLoading} />
    </>
  );
}
