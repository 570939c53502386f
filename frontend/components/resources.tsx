"use client";

// Pieces the resources, resource detail and savings pages share: the findings table with its
// dismiss / snooze / reopen actions, and the chart options of a resource's metrics.

import Link from "next/link";
import { useState } from "react";
import type { EChartsCoreOption } from "echarts/core";
import { Table, type Column } from "@/components/Table";
import { Badge, Button, ErrorBox, Field, Modal, Money, inputClass } from "@/components/ui";
import { client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { formatNumber } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Lang } from "@/lib/messages.mjs";
import { useInvalidate } from "@/lib/queries";
import type { Finding } from "@/lib/resources";

const statusTone = { open: "amber", dismissed: "slate", snoozed: "sky", resolved: "green" } as const;

export function FindingStatus({ status }: { status: Finding["status"] }) {
  const { t } = useI18n();
  return (
    <Badge tone={statusTone[status]} testId="finding-status">
      {t(`res.status.${status}`)}
    </Badge>
  );
}

// The findings of a list, largest savings first as the API sorts them.
export function FindingsTable({
  findings,
  showResource = true,
  testId = "findings-table",
  empty,
}: {
  findings: Finding[];
  showResource?: boolean;
  testId?: string;
  empty: React.ReactNode;
}) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const invalidate = useInvalidate();
  const [dismissing, setDismissing] = useState<Finding | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reopen = async (f: Finding) => {
    setError(null);
    try {
      await client.POST("/api/v1/resources/findings/{id}/reopen", { params: { path: { id: f.id } } });
      void invalidate("/resources");
    } catch (e) {
      setError(e);
    }
  };

  const columns: Column<Finding>[] = [
    {
      key: "rule",
      header: t("res.rule"),
      cell: (f) => (
        <span data-testid="finding-rule" data-rule={f.rule}>
          {t(`res.rule.${f.rule}`)}
        </span>
      ),
    },
  ];
  if (showResource) {
    columns.push({
      key: "resource",
      header: t("res.resource"),
      cell: (f) =>
        f.inventoryId > 0 ? (
          <Link
            href={`/resources/detail/?id=${f.inventoryId}`}
            data-testid="finding-resource"
            className="font-mono text-xs text-sky-700 hover:underline"
          >
            {f.resourceId}
          </Link>
        ) : (
          <span className="font-mono text-xs">{f.resourceId}</span>
        ),
    });
    columns.push({ key: "name", header: t("common.name"), cell: (f) => f.name });
  }
  columns.push(
    {
      key: "reason",
      header: t("res.reason"),
      cell: (f) => (
        <span data-testid="finding-reason" className="text-xs">
          {lang === "zh" ? f.reasonZh : f.reason}
          {f.prices && (
            <span className="block text-slate-500">
              {f.prices.current} → {f.prices.proposed}
            </span>
          )}
        </span>
      ),
    },
    {
      key: "savings",
      header: t("res.monthlySavings"),
      numeric: true,
      cell: (f) => (
        <span>
          <Money amount={f.monthlySavings} currency={f.currency} testId="finding-savings" />
          {f.estimate && (
            <span className="ml-1 text-xs text-slate-500" data-testid="finding-estimate">
              {t("res.estimate")}
            </span>
          )}
          <span className="block text-xs text-slate-400" title={t("res.basisHint")}>
            {f.basis.start} – {f.basis.end}
          </span>
        </span>
      ),
    },
    {
      key: "status",
      header: t("common.status"),
      cell: (f) => (
        <span>
          <FindingStatus status={f.status} />
          {f.dismissal && (
            <span className="block text-xs text-slate-500" data-testid="finding-dismissal">
              {f.dismissal.reason}
              {f.dismissal.until && ` · ${t("res.until", { date: f.dismissal.until.slice(0, 10) })}`}
            </span>
          )}
        </span>
      ),
    },
  );
  if (canEdit(user)) {
    columns.push({
      key: "actions",
      header: t("common.actions"),
      cell: (f) =>
        f.status === "open" ? (
          <Button kind="ghost" data-testid="dismiss-finding" onClick={() => setDismissing(f)}>
            {t("res.dismiss")}
          </Button>
        ) : f.status === "resolved" ? null : (
          <Button kind="ghost" data-testid="reopen-finding" onClick={() => void reopen(f)}>
            {t("res.reopen")}
          </Button>
        ),
    });
  }
  return (
    <>
      <ErrorBox error={error} />
      <Table
        testId={testId}
        columns={columns}
        rows={findings}
        rowKey={(f) => f.id}
        rowAttrs={(f) => ({ "data-testid": "finding-row", "data-finding-id": f.id, "data-rule": f.rule })}
        empty={empty}
      />
      {dismissing && <DismissModal finding={dismissing} onClose={() => setDismissing(null)} />}
    </>
  );
}

// Dismissing a finding for good, or snoozing it until a day, with a reason.
function DismissModal({ finding, onClose }: { finding: Finding; onClose: () => void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.POST("/api/v1/resources/findings/{id}/dismiss", {
        params: { path: { id: finding.id } },
        body: until ? { reason, until } : { reason },
      });
      void invalidate("/resources");
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t("res.dismissTitle", { id: finding.resourceId })} onClose={onClose}>
      <form onSubmit={submit} className="space-y-3" data-testid="dismiss-form">
        <Field label={t("res.dismissReason")}>
          <input
            className={inputClass}
            value={reason}
            required
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            data-testid="dismiss-reason"
          />
        </Field>
        <Field label={t("res.snoozeUntil")} hint={t("res.snoozeHint")}>
          <input type="date" className={inputClass} value={until} onChange={(e) => setUntil(e.target.value)} data-testid="dismiss-until" />
        </Field>
        <ErrorBox error={error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button kind="primary" type="submit" disabled={busy || reason.trim() === ""} data-testid="dismiss-submit">
            {until ? t("res.snooze") : t("res.dismiss")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

// The daily max, p95 and mean of one metric.
export function metricOption(
  days: { date: string; max: number; p95: number; mean: number }[],
  labels: { max: string; p95: string; mean: string },
  unit: (v: number) => string,
): EChartsCoreOption {
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => unit(Number(v)) },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: days.map((d) => d.date) },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => unit(v) } },
    series: [
      { name: labels.max, type: "line", data: days.map((d) => d.max) },
      { name: labels.p95, type: "line", data: days.map((d) => d.p95) },
      { name: labels.mean, type: "line", areaStyle: { opacity: 0.12 }, data: days.map((d) => d.mean) },
    ],
  };
}

// How a metric's values read: CPU and memory in percent, rates per second, counts as they are.
export function metricUnit(metric: string, lang: Lang): (v: number) => string {
  if (metric === "cpu" || metric === "memory") return (v) => `${formatNumber(Math.round(v * 10) / 10, lang)} %`;
  if (["net_in", "net_out", "traffic", "disk"].includes(metric)) {
    return (v) => {
      if (v >= 1e6) return `${formatNumber(Math.round(v / 1e5) / 10, lang)} MB/s`;
      if (v >= 1e3) return `${formatNumber(Math.round(v / 1e2) / 10, lang)} KB/s`;
      return `${formatNumber(Math.round(v * 10) / 10, lang)} B/s`;
    };
  }
  return (v) => formatNumber(Math.round(v * 10) / 10, lang);
}
