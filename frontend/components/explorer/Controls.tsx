"use client";

import { DimensionSelect } from "@/components/DimensionSelect";
import { Button, Card, Field, inputClass } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { defaultQuery, GRANULARITIES, METRICS, PRESETS, presetOf, presetRange, type ExplorerQuery } from "@/lib/query.mjs";
import { useAccounts } from "@/lib/queries";
import { AccountPicker } from "./AccountPicker";
import { Filters } from "./Filters";

// The query form: range, granularity, up to two groupings, top N, metric, accounts, filters.
export function Controls({
  q,
  problems,
  set,
  replace,
}: {
  q: ExplorerQuery;
  problems: string[];
  set: (patch: Partial<ExplorerQuery>) => void;
  replace: (q: ExplorerQuery) => void;
}) {
  const { t } = useI18n();
  const accounts = useAccounts();
  const range = { start: q.start, end: q.end };
  const preset = presetOf(range, new Date());

  return (
    <Card className="mb-5" testId="explorer-controls">
      <div className="mb-3 flex flex-wrap gap-1" role="group" aria-label={t("exp.presets")} data-testid="q-presets">
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            data-testid={`preset-${p}`}
            aria-pressed={preset === p}
            onClick={() => {
              const r = presetRange(p, new Date());
              if (r) set(r);
            }}
            className={`rounded-full border px-3 py-1 text-xs font-medium ${
              preset === p ? "border-sky-600 bg-sky-50 text-sky-700" : "border-slate-200 text-slate-600 hover:border-slate-400"
            }`}
          >
            {t(`preset.${p}`)}
          </button>
        ))}
      </div>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
        <Field label={t("exp.start")}>
          <input
            type="date"
            data-testid="q-start"
            value={q.start}
            onChange={(e) => e.target.value && set({ start: e.target.value })}
            className={inputClass}
          />
        </Field>
        <Field label={t("exp.end")}>
          <input
            type="date"
            data-testid="q-end"
            value={q.end}
            onChange={(e) => e.target.value && set({ end: e.target.value })}
            className={inputClass}
          />
        </Field>
        <Field label={t("exp.granularity")}>
          <select
            data-testid="q-granularity"
            value={q.granularity}
            onChange={(e) => set({ granularity: GRANULARITIES.find((g) => g === e.target.value) ?? q.granularity })}
            className={inputClass}
          >
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {t(`gran.${g}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("exp.groupBy")}>
          <DimensionSelect
            testId="q-groupby"
            range={range}
            value={q.groupBy[0] ?? ""}
            allowNone
            onChange={(v) => set({ groupBy: v ? [v, ...q.groupBy.slice(1).filter((d) => d !== v)] : [] })}
          />
        </Field>
        <Field label={t("exp.groupBy2")}>
          <DimensionSelect
            testId="q-groupby2"
            range={range}
            value={q.groupBy[1] ?? ""}
            allowNone
            onChange={(v) =>
              set({ groupBy: q.groupBy.length === 0 ? (v ? [v] : []) : v && v !== q.groupBy[0] ? [q.groupBy[0], v] : [q.groupBy[0]] })
            }
          />
        </Field>
        <Field label={t("exp.top")}>
          <input
            type="number"
            min={1}
            max={100}
            data-testid="q-top"
            value={q.top}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 1 && n <= 100) set({ top: n });
            }}
            className={inputClass}
          />
        </Field>
        <Field label={t("exp.metric")}>
          <select data-testid="q-metric" value={q.metric} onChange={(e) => set({ metric: METRICS.find((m) => m === e.target.value) ?? q.metric })} className={inputClass}>
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`metric.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("exp.accounts")}>
          <AccountPicker accounts={accounts.data?.items ?? []} selected={q.accountIds} onChange={(ids) => set({ accountIds: ids })} />
        </Field>
      </div>
      <Filters filters={q.filters} range={range} onChange={(filters) => set({ filters })} />
      <div className="mt-3 flex justify-end">
        <Button kind="ghost" data-testid="q-reset" onClick={() => replace(defaultQuery(new Date()))}>
          {t("exp.reset")}
        </Button>
      </div>
      {problems.map((p) => (
        <div key={p} role="alert" className="mt-2 text-sm text-red-700" data-testid="query-problem">
          {t(p)}
        </div>
      ))}
    </Card>
  );
}
