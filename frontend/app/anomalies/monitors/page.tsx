"use client";

import Link from "next/link";
import { useState } from "react";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Badge, Button, Card, DemoBadge, ErrorBox, Field, inputClass, Loading, Money, PageHeader } from "@/components/ui";
import { useAnomalyMonitors, type AnomalyMonitor, type AnomalyMonitorInput } from "@/lib/anomalies";
import { answer, client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { useAccounts, useInvalidate } from "@/lib/queries";

export default function MonitorsPage() {
  return (
    <AppShell>
      <Monitors />
    </AppShell>
  );
}

const userDims = ["tag", "costUnit", "resourceGroup", "region"] as const;

function Monitors() {
  const { t } = useI18n();
  const { user } = useAuth();
  const editable = canEdit(user);
  const list = useAnomalyMonitors();
  const accounts = useAccounts();
  const invalidate = useInvalidate();
  const [error, setError] = useState<unknown>(null);

  const change = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await invalidate("/anomaly");
    } catch (err) {
      setError(err);
    }
  };
  const accountName = (id: number) =>
    id === 0 ? t("ano.allAccounts") : (accounts.data?.items.find((a) => a.id === id)?.name ?? `#${id}`);

  const columns: Column<AnomalyMonitor>[] = [
    {
      key: "what",
      header: t("ano.monitor.name"),
      cell: (m) => (
        <span className="flex items-center gap-2">
          <span data-testid="monitor-label">{m.dimension === "account" ? t("ano.monitor.dim.account") : m.label}</span>
          {m.builtIn && <Badge tone="slate">{t("ano.monitor.builtIn")}</Badge>}
        </span>
      ),
    },
    { key: "dim", header: t("ano.monitor.dimension"), cell: (m) => t(`ano.monitor.dim.${m.dimension}`) },
    { key: "account", header: t("ano.monitor.account"), cell: (m) => accountName(m.accountId) },
    { key: "sens", header: t("ano.monitor.sensitivity"), numeric: true, cell: (m) => m.sensitivity },
    { key: "min", header: t("ano.monitor.minImpact"), numeric: true, cell: (m) => <Money amount={m.minImpact} currency="CNY" /> },
    { key: "pct", header: t("ano.monitor.minImpactPercent"), numeric: true, cell: (m) => `${m.minImpactPercent}%` },
    {
      key: "actions",
      header: "",
      cell: (m) =>
        editable && (
          <span className="flex justify-end gap-1">
            <Link href={`/anomalies/?monitorId=${m.id}`} className="sr-only">
              {m.label}
            </Link>
            <Button
              kind="ghost"
              data-testid="monitor-toggle"
              onClick={() =>
                void change(() =>
                  answer(client.PATCH("/api/v1/anomaly/monitors/{id}", { params: { path: { id: m.id } }, body: { enabled: !m.enabled } })),
                )
              }
            >
              {m.enabled ? t("ano.monitor.pause") : t("ano.monitor.resume")}
            </Button>
            {!m.builtIn && (
              <Button
                kind="danger"
                data-testid="monitor-delete"
                onClick={() => void change(() => answer(client.DELETE("/api/v1/anomaly/monitors/{id}", { params: { path: { id: m.id } } })))}
              >
                {t("ano.monitor.delete")}
              </Button>
            )}
          </span>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t("ano.monitors")}>
        <DemoBadge show={list.data?.demo} />
        <Link href="/anomalies/" className="text-sm text-sky-700 hover:underline">
          {t("ano.title")}
        </Link>
      </PageHeader>
      {editable && <NewMonitor onCreate={(body) => change(() => answer(client.POST("/api/v1/anomaly/monitors", { body })))} />}
      <ErrorBox error={error} />
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      {list.isLoading && <Loading />}
      {list.data && (
        <Card>
          <Table
            columns={columns}
            rows={list.data.items}
            rowKey={(m) => m.id}
            rowAttrs={(m) => ({ "data-testid": "monitor", "data-enabled": String(m.enabled) })}
            testId="monitors-table"
          />
        </Card>
      )}
    </>
  );
}

function NewMonitor({ onCreate }: { onCreate: (body: AnomalyMonitorInput) => Promise<void> }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const accounts = useAccounts();
  const [f, setF] = useState({ dimension: "region", key: "", value: "", accountId: "", sensitivity: "5", minImpact: "50", minImpactPercent: "20" });
  const submit = () => {
    const body: AnomalyMonitorInput = {
      dimension: f.dimension as AnomalyMonitorInput["dimension"],
      value: f.value,
      sensitivity: Number(f.sensitivity),
      minImpact: f.minImpact,
      minImpactPercent: Number(f.minImpactPercent),
    };
    if (f.dimension === "tag") body.key = f.key;
    if (f.accountId) body.accountId = Number(f.accountId);
    void onCreate(body);
  };
  return (
    <Card title={t("ano.monitor.new")} className="mb-5" testId="new-monitor">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Field label={t("ano.monitor.dimension")}>
          <select className={inputClass} value={f.dimension} data-testid="monitor-dimension" onChange={(e) => setF({ ...f, dimension: e.target.value })}>
            {userDims.map((d) => (
              <option key={d} value={d}>
                {t(`ano.monitor.dim.${d}`)}
              </option>
            ))}
          </select>
        </Field>
        {f.dimension === "tag" && (
          <Field label={t("ano.monitor.key")}>
            <input className={inputClass} value={f.key} data-testid="monitor-key" onChange={(e) => setF({ ...f, key: e.target.value })} />
          </Field>
        )}
        <Field label={t("ano.monitor.value")}>
          <input className={inputClass} value={f.value} data-testid="monitor-value" onChange={(e) => setF({ ...f, value: e.target.value })} />
        </Field>
        <Field label={t("ano.monitor.account")}>
          <select className={inputClass} value={f.accountId} data-testid="monitor-account" onChange={(e) => setF({ ...f, accountId: e.target.value })}>
            {user?.role === "admin" && <option value="">{t("ano.allAccounts")}</option>}
            {accounts.data?.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("ano.monitor.sensitivity")}>
          <input type="number" min={1} max={10} className={inputClass} value={f.sensitivity} data-testid="monitor-sensitivity" onChange={(e) => setF({ ...f, sensitivity: e.target.value })} />
        </Field>
        <Field label={t("ano.monitor.minImpact")}>
          <input inputMode="decimal" className={inputClass} value={f.minImpact} onChange={(e) => setF({ ...f, minImpact: e.target.value })} />
        </Field>
        <Field label={t("ano.monitor.minImpactPercent")}>
          <input type="number" min={0} className={inputClass} value={f.minImpactPercent} onChange={(e) => setF({ ...f, minImpactPercent: e.target.value })} />
        </Field>
        <div className="flex items-end">
          <Button kind="primary" onClick={submit} data-testid="monitor-create">
            {t("ano.monitor.create")}
          </Button>
        </div>
      </div>
    </Card>
  );
}
