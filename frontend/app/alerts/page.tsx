"use client";

import { useState } from "react";
import { AlertTabs, DeliveryBadge, SeverityBadge, StateBadge } from "@/components/alerts";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, inputClass, Loading, PageHeader } from "@/components/ui";
import { client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useAlerts, useInvalidate } from "@/lib/queries";
import type { Alert, AlertState } from "@/lib/types";

export default function AlertsPage() {
  return (
    <AppShell>
      <AlertHistory />
    </AppShell>
  );
}

// The alert's link is the public URL of the page it is about; on this site it opens in place.
function localHref(url: string): string {
  try {
    const u = new URL(url, window.location.origin);
    return u.origin === window.location.origin ? u.pathname + u.search : url;
  } catch {
    return url;
  }
}

function AlertHistory() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const [state, setState] = useState<AlertState | "">("");
  const list = useAlerts(state ? { state } : {}, lang);
  const invalidate = useInvalidate();
  const [error, setError] = useState<unknown>(null);

  const act = async (send: () => Promise<unknown>) => {
    setError(null);
    try {
      await send();
      await invalidate("/alerts");
    } catch (e) {
      setError(e);
    }
  };
  const snooze = (a: Alert, hours: number) =>
    act(() =>
      client.POST("/api/v1/alerts/{id}/snooze", {
        params: { path: { id: a.id } },
        body: { until: new Date(Date.now() + hours * 3600_000).toISOString() },
      }),
    );

  const columns: Column<Alert>[] = [
    { key: "fired", header: t("alert.firedAt"), cell: (a) => <span className="whitespace-nowrap">{formatDateTime(a.firedAt, lang)}</span> },
    { key: "severity", header: t("alert.severity"), cell: (a) => <SeverityBadge severity={a.severity} /> },
    {
      key: "state",
      header: t("common.status"),
      cell: (a) => (
        <div className="space-y-1">
          <StateBadge state={a.state} />
          {a.snoozedUntil && new Date(a.snoozedUntil) > new Date() && (
            <div className="text-xs text-slate-500">{t("alert.snoozedUntil", { time: formatDateTime(a.snoozedUntil, lang) })}</div>
          )}
        </div>
      ),
    },
    {
      key: "title",
      header: t("alert.alert"),
      cell: (a) => (
        <div className="max-w-md">
          {a.url ? (
            <a href={localHref(a.url)} className="font-medium text-sky-700 hover:underline" data-testid="alert-title">
              {a.title}
            </a>
          ) : (
            <span className="font-medium" data-testid="alert-title">
              {a.title}
            </span>
          )}
          <div className="mt-0.5 text-xs whitespace-pre-line text-slate-500">{a.text}</div>
        </div>
      ),
    },
    {
      key: "deliveries",
      header: t("alert.deliveries"),
      cell: (a) =>
        a.deliveries.length === 0 ? (
          <span className="text-xs text-slate-500">{t("alert.noDeliveries")}</span>
        ) : (
          <ul className="space-y-1">
            {a.deliveries.map((d) => (
              <li key={d.channelId} data-testid="delivery" data-channel-id={d.channelId} data-status={d.status} className="flex items-center gap-2 text-xs">
                <span>{d.channelName || t("alert.deletedChannel")}</span>
                <DeliveryBadge status={d.status} />
                {d.lastError && <span className="text-red-700" title={d.lastError}>{t("alert.attempts", { n: String(d.attempts) })}</span>}
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: "actions",
      header: t("common.actions"),
      cell: (a) =>
        canEdit(user) && a.state !== "resolved" ? (
          <div className="flex flex-wrap gap-1">
            {a.state === "firing" && (
              <Button onClick={() => void act(() => client.POST("/api/v1/alerts/{id}/ack", { params: { path: { id: a.id } } }))} data-testid="alert-ack">
                {t("alert.ack")}
              </Button>
            )}
            <Button onClick={() => void snooze(a, 24)} data-testid="alert-snooze">
              {t("alert.snooze1d")}
            </Button>
          </div>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title={t("alert.title")}>
        <div className="w-40">
          <select value={state} onChange={(e) => setState(e.target.value as AlertState | "")} className={inputClass} data-testid="alert-state-filter">
          <option value="">{t("alert.allStates")}</option>
          <option value="firing">{t("alert.state.firing")}</option>
          <option value="acknowledged">{t("alert.state.acknowledged")}</option>
          <option value="resolved">{t("alert.state.resolved")}</option>
          </select>
        </div>
        <Button onClick={() => void list.refetch()}>{t("alert.refresh")}</Button>
      </PageHeader>
      <AlertTabs />
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      <ErrorBox error={error} />
      <Card>
        {list.isLoading ? (
          <Loading />
        ) : (
          <Table
            testId="alerts-table"
            columns={columns}
            rows={list.data?.items ?? []}
            rowKey={(a) => a.id}
            rowAttrs={(a) => ({ "data-testid": "alert-row", "data-alert-id": a.id, "data-kind": a.kind })}
            empty={<Empty>{t("alert.none")}</Empty>}
          />
        )}
      </Card>
    </>
  );
}
