"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useMemo, useState } from "react";
import { AnomalyExplainButton } from "@/components/ai";
import { AnomalyStatusBadge, anomalySubject, days, KindBadge, SeverityBadge } from "@/components/anomalies";
import { Chart } from "@/components/Chart";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, DemoBadge, Empty, ErrorBox, inputClass, Loading, Money, PageHeader } from "@/components/ui";
import { anomalyChartOption, contributorLink, useAnomaly, type AnomalyDetail, type Contributor } from "@/lib/anomalies";
import { ApiError, answer, client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { useAccounts, useInvalidate } from "@/lib/queries";

export default function AnomalyDetailPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Detail />
      </Suspense>
    </AppShell>
  );
}

const verdicts = ["confirmed", "expected", "not_anomaly"] as const;

function Detail() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const id = Number(useSearchParams().get("id"));
  const valid = Number.isInteger(id) && id > 0;
  const q = useAnomaly(valid ? id : null);
  const accounts = useAccounts();
  const a = q.data;

  const option = useMemo(
    () => a && anomalyChartOption(a, lang, { actual: t("ano.chart.actual"), expected: t("ano.chart.expected"), band: t("ano.chart.band") }),
    [a, lang, t],
  );

  if (!valid || (q.error instanceof ApiError && q.error.status === 404)) {
    return (
      <Card>
        <Empty>
          <span data-testid="anomaly-not-found">{t("ano.notFound")}</span>
        </Empty>
      </Card>
    );
  }
  if (q.error) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  if (!a || !option) return <Loading />;

  return (
    <>
      <PageHeader title={anomalySubject(a, accounts.data?.items, t)}>
        <DemoBadge show={a.demo} />
        <AnomalyExplainButton anomalyId={a.id} />
        <Link href="/anomalies/" className="text-sm text-sky-700 hover:underline">
          {t("ano.title")}
        </Link>
      </PageHeader>
      <div className="mb-5 grid grid-cols-2 gap-4 md:grid-cols-5" data-testid="anomaly-figures">
        <Figure label={t("ano.col.days")}>
          <span data-testid="anomaly-days">{days(a)}</span>
        </Figure>
        <Figure label={t("ano.col.expected")}>
          <Money amount={a.expected} currency={a.currency} testId="anomaly-expected" />
        </Figure>
        <Figure label={t("ano.col.actual")}>
          <Money amount={a.actual} currency={a.currency} testId="anomaly-actual" />
        </Figure>
        <Figure label={t("ano.col.impact")}>
          <Money amount={a.impact} currency={a.currency} testId="anomaly-impact" className="font-semibold" />
        </Figure>
        <Figure label={t("ano.col.status")}>
          <span className="flex flex-wrap gap-1">
            <KindBadge kind={a.kind} />
            <SeverityBadge severity={a.severity} />
            <AnomalyStatusBadge status={a.status} />
          </span>
        </Figure>
      </div>
      <Card title={t("ano.chart")} testId="anomaly-chart-card">
        <Chart
          option={option}
          testId="anomaly-chart"
          attrs={{ "data-points": String(a.series.length), "data-start": a.startDate, "data-end": a.endDate }}
        />
      </Card>
      <Contributors a={a} />
      <Feedback a={a} editable={canEdit(user)} />
    </>
  );
}

function Figure({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="mt-1 text-sm text-slate-900">{children}</div>
    </div>
  );
}

function Contributors({ a }: { a: AnomalyDetail }) {
  const { t } = useI18n();
  const columns: Column<Contributor>[] = [
    { key: "dim", header: t("ano.contrib.dimension"), cell: (c) => t(`ano.dim.${c.dimension}`) },
    {
      key: "key",
      header: t("ano.contrib.key"),
      cell: (c) => {
        const href = contributorLink(a, c);
        return href ? (
          <Link href={href} title={t("ano.contrib.open")} data-testid="contributor-link" className="text-sky-700 hover:underline">
            {c.label || "—"}
          </Link>
        ) : (
          <span>{c.label || "—"}</span>
        );
      },
    },
    { key: "expected", header: t("ano.col.expected"), numeric: true, cell: (c) => <Money amount={c.expected} currency={a.currency} /> },
    { key: "actual", header: t("ano.col.actual"), numeric: true, cell: (c) => <Money amount={c.actual} currency={a.currency} /> },
    {
      key: "delta",
      header: t("ano.contrib.delta"),
      numeric: true,
      cell: (c) => <Money amount={c.delta} currency={a.currency} testId="contributor-delta" className="font-medium" />,
    },
    { key: "share", header: t("ano.contrib.share"), numeric: true, cell: (c) => `${(c.share * 100).toFixed(1)}%` },
  ];
  return (
    <Card title={t("ano.contributors")} className="mt-5" testId="contributors">
      {a.contributors.length === 0 ? (
        <Empty>{t("ano.contributors.none")}</Empty>
      ) : (
        <Table
          columns={columns}
          rows={a.contributors}
          rowKey={(c, i) => `${c.dimension}:${c.key}:${i}`}
          rowAttrs={(c) => ({ "data-testid": "contributor", "data-dimension": c.dimension, "data-key": c.key })}
          testId="contributors-table"
        />
      )}
    </Card>
  );
}

function Feedback({ a, editable }: { a: AnomalyDetail; editable: boolean }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [note, setNote] = useState(a.note);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async (verdict: (typeof verdicts)[number]) => {
    setBusy(true);
    setError(null);
    try {
      await answer(client.POST("/api/v1/anomaly/{id}/feedback", { params: { path: { id: a.id } }, body: { verdict, note } }));
      await invalidate("/anomaly");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t("ano.feedback")} className="mt-5" testId="feedback">
      {a.verdict && (
        <p className="mb-3 text-sm text-slate-700" data-testid="feedback-given">
          {t("ano.feedback.given", { verdict: t(`ano.feedback.${a.verdict}`) })}
          {a.note && <span className="ml-2 text-slate-500">“{a.note}”</span>}
        </p>
      )}
      {editable && (
        <>
          <label className="mb-3 block text-sm">
            <span className="mb-1 block font-medium text-slate-700">{t("ano.feedback.note")}</span>
            <input className={inputClass} value={note} maxLength={2000} data-testid="feedback-note" onChange={(e) => setNote(e.target.value)} />
          </label>
          <div className="flex flex-wrap gap-2">
            {verdicts.map((v) => (
              <Button key={v} kind={a.verdict === v ? "primary" : "secondary"} disabled={busy} data-testid={`feedback-${v}`} onClick={() => void send(v)}>
                {t(`ano.feedback.${v}`)}
              </Button>
            ))}
          </div>
          <p className="mt-2 text-xs text-slate-500">{t("ano.feedback.hint")}</p>
          <ErrorBox error={error} />
        </>
      )}
    </Card>
  );
}
