"use client";

import Link from "next/link";
import { useState } from "react";
import { AnomalyStatusBadge, anomalySubject, days, KindBadge, SeverityBadge } from "@/components/anomalies";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, DemoBadge, Empty, ErrorBox, Field, inputClass, Loading, Money, PageHeader } from "@/components/ui";
import { useAnomalies, type Anomaly, type AnomalyQuery } from "@/lib/anomalies";
import { useI18n } from "@/lib/i18n";
import { useAccounts } from "@/lib/queries";

export default function AnomaliesPage() {
  return (
    <AppShell>
      <Anomalies />
    </AppShell>
  );
}

const statuses = ["open", "acknowledged", "resolved", "dismissed"] as const;

function Anomalies() {
  const { t } = useI18n();
  const accounts = useAccounts();
  const [draft, setDraft] = useState({ status: "", accountId: "", start: "", end: "", minImpact: "" });
  const [query, setQuery] = useState<AnomalyQuery>({});
  const list = useAnomalies(query);

  const apply = () => {
    const q: AnomalyQuery = {};
    if (draft.status) q.status = draft.status as AnomalyQuery["status"];
    if (draft.accountId) q.accountId = Number(draft.accountId);
    if (draft.start) q.start = draft.start;
    if (draft.end) q.end = draft.end;
    if (draft.minImpact) q.minImpact = draft.minImpact;
    setQuery(q);
  };

  const columns: Column<Anomaly>[] = [
    {
      key: "what",
      header: t("ano.col.what"),
      cell: (a) => (
        <Link href={`/anomalies/detail/?id=${a.id}`} data-testid="anomaly-link" className="font-medium text-sky-700 hover:underline">
          {anomalySubject(a, accounts.data?.items, t)}
        </Link>
      ),
    },
    {
      key: "days",
      header: t("ano.col.days"),
      cell: (a) => (
        <span className="whitespace-nowrap" data-testid="anomaly-days">
          {days(a)}
          {a.ongoing && <span className="ml-1 text-xs text-red-600">({t("ano.ongoing")})</span>}
        </span>
      ),
    },
    { key: "kind", header: t("ano.col.kind"), cell: (a) => <KindBadge kind={a.kind} /> },
    { key: "expected", header: t("ano.col.expected"), numeric: true, cell: (a) => <Money amount={a.expected} currency={a.currency} /> },
    { key: "actual", header: t("ano.col.actual"), numeric: true, cell: (a) => <Money amount={a.actual} currency={a.currency} /> },
    {
      key: "impact",
      header: t("ano.col.impact"),
      numeric: true,
      cell: (a) => <Money amount={a.impact} currency={a.currency} testId="anomaly-impact" className="font-semibold" />,
    },
    { key: "severity", header: t("ano.col.severity"), cell: (a) => <SeverityBadge severity={a.severity} /> },
    { key: "status", header: t("ano.col.status"), cell: (a) => <AnomalyStatusBadge status={a.status} /> },
  ];

  return (
    <>
      <PageHeader title={t("ano.title")}>
        <DemoBadge show={list.data?.demo} />
        <Link href="/anomalies/monitors/" data-testid="monitors-link" className="text-sm text-sky-700 hover:underline">
          {t("ano.monitors")}
        </Link>
      </PageHeader>
      <Card className="mb-5">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-6" data-testid="anomaly-filters">
          <Field label={t("ano.filter.status")}>
            <select className={inputClass} value={draft.status} data-testid="filter-status" onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
              <option value="">{t("ano.filter.all")}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`ano.status.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("ano.filter.account")}>
            <select className={inputClass} value={draft.accountId} data-testid="filter-account" onChange={(e) => setDraft({ ...draft, accountId: e.target.value })}>
              <option value="">{t("ano.filter.all")}</option>
              {accounts.data?.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("ano.filter.start")}>
            <input type="date" className={inputClass} value={draft.start} data-testid="filter-start" onChange={(e) => setDraft({ ...draft, start: e.target.value })} />
          </Field>
          <Field label={t("ano.filter.end")}>
            <input type="date" className={inputClass} value={draft.end} data-testid="filter-end" onChange={(e) => setDraft({ ...draft, end: e.target.value })} />
          </Field>
          <Field label={t("ano.filter.minImpact")}>
            <input inputMode="decimal" className={inputClass} value={draft.minImpact} data-testid="filter-min-impact" onChange={(e) => setDraft({ ...draft, minImpact: e.target.value })} />
          </Field>
          <div className="flex items-end">
            <Button kind="primary" onClick={apply} data-testid="filter-apply">
              {t("ano.filter.apply")}
            </Button>
          </div>
        </div>
      </Card>
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.isLoading && <Loading />}
      {list.data && list.data.items.length === 0 && (
        <Card>
          <Empty>
            <span data-testid="anomalies-empty">{t("ano.none")}</span>
          </Empty>
        </Card>
      )}
      {list.data && list.data.items.length > 0 && (
        <Card>
          <Table columns={columns} rows={list.data.items} rowKey={(a) => String(a.id)} testId="anomalies-table" />
        </Card>
      )}
    </>
  );
}
