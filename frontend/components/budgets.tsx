"use client";

// Pieces of the budget pages: the progress bar with its forecast marker, the burn-down chart's
// option, and the create / edit form with its live preview.

import type { EChartsCoreOption } from "echarts/core";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { AccountPicker } from "@/components/explorer/AccountPicker";
import { Filters } from "@/components/explorer/Filters";
import { Button, Card, ErrorBox, Field, inputClass, Money } from "@/components/ui";
import { answer, client } from "@/lib/api";
import { addDays, daysBetween, formatMoney, formatMoneyCompact } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Lang } from "@/lib/messages.mjs";
import { useAccounts, useBudgetPreview, useInvalidate } from "@/lib/queries";
import { formatFilter, parseFilter, type Filter } from "@/lib/query.mjs";
import type { Budget, BudgetInput, BudgetPeriod, BudgetPoint, BudgetStatus, BudgetThreshold } from "@/lib/types";

// Spent against the amount as a bar, the forecast as a marker on it. Past 100 % the bar is full
// and red; the marker stays at the bar's end when the forecast overshoots.
export function BudgetProgress({ status }: { status: BudgetStatus }) {
  const { t, lang } = useI18n();
  const spent = Math.min(100, Math.max(0, status.percentSpent));
  const forecast = Math.min(100, Math.max(0, status.percentForecast));
  const tone = status.percentSpent >= 100 ? "bg-red-500" : status.percentForecast >= 100 ? "bg-amber-500" : "bg-sky-600";
  const pct = (n: number) => `${new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 1 }).format(n)}%`;
  return (
    <div
      className="min-w-40"
      data-testid="budget-progress"
      data-percent-spent={status.percentSpent}
      data-percent-forecast={status.percentForecast}
      title={t("bud.progressHint", { spent: pct(status.percentSpent), forecast: pct(status.percentForecast) })}
    >
      <div className="relative h-2.5 rounded-full bg-slate-200">
        <div className={`h-2.5 rounded-full ${tone}`} style={{ width: `${spent}%` }} />
        <div
          data-testid="forecast-marker"
          className="absolute -top-1 h-4.5 w-0.5 bg-slate-900"
          style={{ left: `calc(${forecast}% - 1px)` }}
        />
      </div>
      <div className="mt-1 flex justify-between text-xs text-slate-500 tabular-nums">
        <span data-testid="percent-spent">{pct(status.percentSpent)}</span>
        <span>
          {t("bud.forecast")} {pct(status.percentForecast)}
        </span>
      </div>
    </div>
  );
}

// The period's days with cumulative actual spend up to asOf, the forecast pace from asOf's
// spend to the forecast at the period's end, and the amount as a flat line.
export function burnDownOption(
  status: BudgetStatus,
  series: BudgetPoint[],
  currency: string,
  lang: Lang,
  names: { actual: string; forecast: string; amount: string },
): EChartsCoreOption {
  const n = daysBetween(status.periodStart, status.periodEnd) + 1;
  const dates = Array.from({ length: n }, (_, i) => addDays(status.periodStart, i));
  const byDate = new Map(series.map((p) => [p.date, Number(p.cumulative)]));
  const actual = dates.map((d) => (d <= status.asOf ? (byDate.get(d) ?? null) : null));
  const spent = Number(status.spent);
  const left = daysBetween(status.asOf, status.periodEnd);
  const step = left > 0 ? (Number(status.forecast) - spent) / left : 0;
  const forecast = dates.map((d) => {
    if (d < status.asOf) return null;
    return spent + step * daysBetween(status.asOf, d);
  });
  const amount = dates.map(() => Number(status.amount));
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: unknown) => formatMoney(Number(v), currency, lang) },
    legend: { bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, lang) } },
    series: [
      // Early in a period the actual line is a single day: its dot is what shows it.
      { name: names.actual, type: "line", data: actual, showSymbol: series.length < 2, areaStyle: { opacity: 0.1 } },
      { name: names.forecast, type: "line", data: forecast, showSymbol: false, lineStyle: { type: "dashed" } },
      { name: names.amount, type: "line", data: amount, showSymbol: false, lineStyle: { type: "dotted", color: "#ef4444" }, itemStyle: { color: "#ef4444" } },
    ],
  };
}

interface Form {
  name: string;
  period: BudgetPeriod;
  amount: string;
  currency: "" | "CNY" | "USD";
  accountIds: string[];
  filters: Filter[];
  thresholds: BudgetThreshold[];
}

const defaultThresholds: BudgetThreshold[] = [
  { percent: 50, basis: "actual" },
  { percent: 80, basis: "actual" },
  { percent: 100, basis: "actual" },
  { percent: 100, basis: "forecast" },
];

function formOf(b: Budget | undefined): Form {
  if (!b) return { name: "", period: "month", amount: "", currency: "", accountIds: [], filters: [], thresholds: defaultThresholds };
  return {
    name: b.name,
    period: b.period,
    amount: b.amount,
    currency: b.currency,
    accountIds: b.allAccounts ? [] : b.accountIds.map(String),
    filters: b.filters.map(parseFilter).filter((f): f is Filter => f !== null),
    thresholds: b.thresholds,
  };
}

function bodyOf(f: Form): BudgetInput {
  const body: BudgetInput = {
    name: f.name.trim(),
    period: f.period,
    amount: f.amount.trim(),
    accountIds: f.accountIds.map(Number),
    filters: f.filters.map(formatFilter),
    thresholds: f.thresholds,
  };
  if (f.currency) body.currency = f.currency;
  return body;
}

// A value that follows `value` once it has stopped changing for `ms`.
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function BudgetForm({ budget }: { budget?: Budget }) {
  const { t } = useI18n();
  const router = useRouter();
  const accounts = useAccounts();
  const invalidate = useInvalidate();
  const [form, setForm] = useState<Form>(() => formOf(budget));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  // The preview asks only for a form the API can read: a positive amount (the name does not
  // change the figures, so a placeholder stands in until one is typed).
  const debounced = useDebounced(form, 400);
  const previewBody = useMemo(() => {
    const amount = Number(debounced.amount);
    if (!debounced.amount.trim() || !Number.isFinite(amount) || amount <= 0) return null;
    const body = bodyOf(debounced);
    body.name = body.name || "preview";
    return body;
  }, [debounced]);
  const preview = useBudgetPreview(previewBody);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = bodyOf(form);
    try {
      const saved = await answer(
        budget
          ? client.PATCH("/api/v1/budgets/{id}", { params: { path: { id: budget.id } }, body })
          : client.POST("/api/v1/budgets", { body }),
      );
      await invalidate("/budgets");
      router.replace(`/budgets/detail/?id=${saved.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const p = preview.data;
  return (
    <div className="grid grid-cols-1 gap-5 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <form onSubmit={submit} className="space-y-4" data-testid="budget-form">
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Field label={t("bud.name")}>
              <input data-testid="bud-name" required value={form.name} onChange={(e) => set("name", e.target.value)} className={inputClass} />
            </Field>
            <Field label={t("bud.period")}>
              <select data-testid="bud-period" value={form.period} onChange={(e) => set("period", e.target.value as BudgetPeriod)} className={inputClass}>
                <option value="month">{t("bud.period.month")}</option>
                <option value="quarter">{t("bud.period.quarter")}</option>
                <option value="year">{t("bud.period.year")}</option>
              </select>
            </Field>
            <Field label={t("bud.amount")}>
              <input
                data-testid="bud-amount"
                required
                inputMode="decimal"
                pattern="[0-9]+(\.[0-9]{1,6})?"
                value={form.amount}
                onChange={(e) => set("amount", e.target.value)}
                className={inputClass}
              />
            </Field>
            <Field label={t("bud.currency")} hint={t("bud.currencyHint")}>
              <select data-testid="bud-currency" value={form.currency} onChange={(e) => set("currency", e.target.value as Form["currency"])} className={inputClass}>
                <option value="">{t("bud.currencyAuto")}</option>
                <option value="CNY">CNY</option>
                <option value="USD">USD</option>
              </select>
            </Field>
            <div className="sm:col-span-2">
              <span className="mb-1 block text-sm font-medium text-slate-700">{t("bud.accounts")}</span>
              <AccountPicker accounts={accounts.data?.items ?? []} selected={form.accountIds} onChange={(ids) => set("accountIds", ids)} />
            </div>
          </div>
          <Filters filters={form.filters} onChange={(f) => set("filters", f)} />
          <Thresholds value={form.thresholds} onChange={(v) => set("thresholds", v)} />
          <ErrorBox error={error} />
          <div className="flex gap-2">
            <Button kind="primary" type="submit" disabled={busy} data-testid="bud-save">
              {t("common.save")}
            </Button>
            <Button onClick={() => router.back()}>{t("common.cancel")}</Button>
          </div>
        </form>
      </Card>
      <Card title={t("bud.preview")} testId="budget-preview">
        {!previewBody && <div className="text-sm text-slate-500">{t("bud.previewHint")}</div>}
        <ErrorBox error={preview.error} />
        {previewBody && p && (
          <dl className="space-y-3 text-sm" data-testid="preview-figures" data-stale={preview.isPlaceholderData || preview.isFetching ? "1" : "0"}>
            <div className="text-xs text-slate-500">
              {p.status.periodStart} – {p.status.periodEnd} · {t("bud.asOf", { date: p.status.asOf })}
            </div>
            <Figure label={t("bud.spent")}>
              <Money amount={p.status.spent} currency={p.currency} testId="preview-spent" />
            </Figure>
            <Figure label={t("bud.forecast")}>
              <Money amount={p.status.forecast} currency={p.currency} testId="preview-forecast" />
            </Figure>
            <BudgetProgress status={p.status} />
          </dl>
        )}
      </Card>
    </div>
  );
}

export function Figure({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold text-slate-900">{children}</dd>
    </div>
  );
}

function Thresholds({ value, onChange }: { value: BudgetThreshold[]; onChange: (v: BudgetThreshold[]) => void }) {
  const { t } = useI18n();
  const put = (i: number, th: BudgetThreshold) => onChange(value.map((x, j) => (j === i ? th : x)));
  return (
    <div className="border-t border-slate-100 pt-3" data-testid="bud-thresholds">
      <div className="mb-2 text-sm font-medium text-slate-700">{t("bud.thresholds")}</div>
      <div className="space-y-2">
        {value.map((th, i) => (
          <div key={i} className="flex items-center gap-2" data-testid="bud-threshold">
            <div className="w-24">
              <input
                type="number"
                min={1}
                max={1000}
                value={th.percent}
                onChange={(e) => put(i, { ...th, percent: Number(e.target.value) })}
                className={inputClass}
              />
            </div>
            <span className="text-sm text-slate-500">%</span>
            <div className="w-40">
              <select
                value={th.basis}
                onChange={(e) => put(i, { ...th, basis: e.target.value === "forecast" ? "forecast" : "actual" })}
                className={inputClass}
              >
                <option value="actual">{t("bud.basis.actual")}</option>
                <option value="forecast">{t("bud.basis.forecast")}</option>
              </select>
            </div>
            <button type="button" className="shrink-0 text-sm text-red-700" onClick={() => onChange(value.filter((_, j) => j !== i))}>
              {t("common.delete")}
            </button>
          </div>
        ))}
      </div>
      <Button className="mt-2" onClick={() => onChange([...value, { percent: 100, basis: "actual" }])}>
        {t("bud.addThreshold")}
      </Button>
    </div>
  );
}
