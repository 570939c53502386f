"use client";

import { useState } from "react";
import { AlertTabs } from "@/components/alerts";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Badge, Button, Card, Empty, ErrorBox, Field, inputClass, Loading, PageHeader } from "@/components/ui";
import { client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { useAlertChannels, useAlertRules, useBudgets, useInvalidate } from "@/lib/queries";
import type { AlertKind, Rule, RuleInput, Severity } from "@/lib/types";

export default function RulesPage() {
  return (
    <AppShell>
      <Rules />
    </AppShell>
  );
}

const kinds: AlertKind[] = ["budget", "anomaly", "idle", "sync_failure", "report"];

function Rules() {
  const { t } = useI18n();
  const { user } = useAuth();
  const rules = useAlertRules();
  const channels = useAlertChannels();
  const budgets = useBudgets();
  const invalidate = useInvalidate();
  const [error, setError] = useState<unknown>(null);
  const channelName = (id: number) => channels.data?.items.find((c) => c.id === id)?.name ?? `#${id}`;
  const budgetName = (id: number) => budgets.data?.items.find((b) => b.id === id)?.name ?? `#${id}`;

  const change = async (send: () => Promise<unknown>) => {
    setError(null);
    try {
      await send();
      await invalidate("/alerts");
    } catch (e) {
      setError(e);
    }
  };

  const columns: Column<Rule>[] = [
    { key: "name", header: t("common.name"), cell: (r) => <span className="font-medium">{r.name}</span> },
    { key: "kind", header: t("alert.kind"), cell: (r) => t(`alert.kind.${r.kind}`) },
    { key: "channels", header: t("alert.channels"), cell: (r) => r.channelIds.map(channelName).join(", ") },
    {
      key: "budgets",
      header: t("alert.budgets"),
      cell: (r) => (r.kind !== "budget" ? "—" : r.budgetIds.length === 0 ? t("alert.allBudgets") : r.budgetIds.map(budgetName).join(", ")),
    },
    { key: "severity", header: t("alert.minSeverity"), cell: (r) => (r.minSeverity ? t(`alert.severity.${r.minSeverity}`) : t("alert.anySeverity")) },
    {
      key: "enabled",
      header: t("common.status"),
      cell: (r) => <Badge tone={r.enabled ? "green" : "slate"}>{r.enabled ? t("alert.enabled") : t("alert.disabled")}</Badge>,
    },
    {
      key: "actions",
      header: t("common.actions"),
      cell: (r) =>
        canEdit(user) && (
          <div className="flex gap-1">
            <Button onClick={() => void change(() => client.PATCH("/api/v1/alerts/rules/{id}", { params: { path: { id: r.id } }, body: { enabled: !r.enabled } }))}>
              {r.enabled ? t("alert.disable") : t("alert.enable")}
            </Button>
            <Button
              kind="danger"
              onClick={() => window.confirm(t("common.confirmDelete", { name: r.name })) && void change(() => client.DELETE("/api/v1/alerts/rules/{id}", { params: { path: { id: r.id } } }))}
            >
              {t("common.delete")}
            </Button>
          </div>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t("alert.rules")} />
      <AlertTabs />
      <ErrorBox error={rules.error} onRetry={() => void rules.refetch()} />
      <ErrorBox error={error} />
      <div className="space-y-5">
        <Card>
          {rules.isLoading ? (
            <Loading />
          ) : (
            <Table
              testId="rules-table"
              columns={columns}
              rows={rules.data?.items ?? []}
              rowKey={(r) => r.id}
              rowAttrs={(r) => ({ "data-testid": "rule-row", "data-rule-id": r.id, "data-name": r.name })}
              empty={<Empty>{t("alert.noRules")}</Empty>}
            />
          )}
        </Card>
        {canEdit(user) && (
          <Card title={t("alert.addRule")} className="max-w-2xl">
            <RuleForm
              channels={channels.data?.items.map((c) => ({ id: c.id, name: c.name })) ?? []}
              budgets={budgets.data?.items.map((b) => ({ id: b.id, name: b.name })) ?? []}
              onSaved={() => void invalidate("/alerts")}
            />
          </Card>
        )}
      </div>
    </>
  );
}

interface Named {
  id: number;
  name: string;
}

function Checks({ items, selected, onChange, testId }: { items: Named[]; selected: number[]; onChange: (ids: number[]) => void; testId: string }) {
  const { t } = useI18n();
  if (items.length === 0) return <div className="text-sm text-slate-500">{t("common.empty")}</div>;
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1" data-testid={testId}>
      {items.map((it) => {
        const on = selected.includes(it.id);
        return (
          <label key={it.id} className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" checked={on} onChange={() => onChange(on ? selected.filter((s) => s !== it.id) : [...selected, it.id])} />
            {it.name}
          </label>
        );
      })}
    </div>
  );
}

function RuleForm({ channels, budgets, onSaved }: { channels: Named[]; budgets: Named[]; onSaved: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<AlertKind>("budget");
  const [channelIds, setChannelIds] = useState<number[]>([]);
  const [budgetIds, setBudgetIds] = useState<number[]>([]);
  const [minSeverity, setMinSeverity] = useState<Severity | "">("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: RuleInput = { name: name.trim(), kind, channelIds, enabled: true, minSeverity };
    if (kind === "budget") body.budgetIds = budgetIds;
    try {
      await client.POST("/api/v1/alerts/rules", { body });
      setName("");
      setChannelIds([]);
      setBudgetIds([]);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="space-y-4" data-testid="rule-form">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label={t("common.name")}>
          <input data-testid="rule-name" required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
        </Field>
        <Field label={t("alert.kind")}>
          <select data-testid="rule-kind" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)} className={inputClass}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`alert.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("alert.minSeverity")}>
          <select data-testid="rule-severity" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity | "")} className={inputClass}>
            <option value="">{t("alert.anySeverity")}</option>
            <option value="info">{t("alert.severity.info")}</option>
            <option value="warning">{t("alert.severity.warning")}</option>
            <option value="critical">{t("alert.severity.critical")}</option>
          </select>
        </Field>
      </div>
      <div>
        <div className="mb-1 text-sm font-medium text-slate-700">{t("alert.channels")}</div>
        <Checks items={channels} selected={channelIds} onChange={setChannelIds} testId="rule-channels" />
      </div>
      {kind === "budget" && (
        <div>
          <div className="mb-1 text-sm font-medium text-slate-700">{t("alert.budgets")}</div>
          <div className="mb-1 text-xs text-slate-500">{t("alert.budgetsHint")}</div>
          <Checks items={budgets} selected={budgetIds} onChange={setBudgetIds} testId="rule-budgets" />
        </div>
      )}
      <ErrorBox error={error} />
      <Button kind="primary" type="submit" disabled={busy || channelIds.length === 0} data-testid="rule-save">
        {t("common.create")}
      </Button>
    </form>
  );
}
