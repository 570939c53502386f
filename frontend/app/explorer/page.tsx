"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo, useState } from "react";
import { Chart } from "@/components/Chart";
import { stackedBarOption } from "@/components/charts";
import { DimensionSelect, dimensionLabel } from "@/components/DimensionSelect";
import { AppShell } from "@/components/Shell";
import {
  Badge,
  Button,
  Card,
  DemoBadge,
  Empty,
  ErrorBox,
  Field,
  inputClass,
  Loading,
  Money,
  PageHeader,
  td,
  tdNum,
  th,
  thNum,
} from "@/components/ui";
import { download } from "@/lib/api";
import { formatPercent, sumDecimals } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import {
  chartSeries,
  commonApiParams,
  defaultQuery,
  exploreApiParams,
  focusApiParams,
  GRANULARITIES,
  METRICS,
  parseExplorerQuery,
  pivotExplore,
  sliceQuery,
  toSearchParams,
  validateQuery,
  type ExplorerQuery,
  type Filter,
} from "@/lib/query.mjs";
import type { Account, Discounts, Explore, ExploreItem, List, ResourceCost } from "@/lib/types";
import { useFetch } from "@/lib/useFetch";

export default function ExplorerPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Explorer />
      </Suspense>
    </AppShell>
  );
}

const DISCOUNT_GROUPS = ["product", "region", "subscriptionType", "month"];

function Explorer() {
  const { t } = useI18n();
  const router = useRouter();
  const sp = useSearchParams();
  const spKey = sp.toString();
  const q = useMemo(() => parseExplorerQuery(new URLSearchParams(spKey), new Date()), [spKey]);
  const view = sp.get("view") === "discounts" ? "discounts" : "costs";
  const discountGroup = DISCOUNT_GROUPS.includes(sp.get("dgroup") || "") ? sp.get("dgroup")! : "product";
  const [drill, setDrill] = useState<{ key: Record<string, string>; label: string } | null>(null);

  const problems = validateQuery(q);
  const valid = problems.length === 0;

  const navigate = (next: ExplorerQuery, extra: Record<string, string> = {}) => {
    setDrill(null);
    const params = toSearchParams(next, { view, dgroup: view === "discounts" ? discountGroup : "", ...extra });
    router.replace(`/explorer/?${params}`, { scroll: false });
  };
  const set = (patch: Partial<ExplorerQuery>) => navigate({ ...q, ...patch });

  const accounts = useFetch<List<Account>>("/accounts");

  return (
    <>
      <PageHeader title={t("exp.title")}>
        <ExportMenu q={q} disabled={!valid} />
        <CopyLink />
      </PageHeader>

      <Card className="mb-5" testId="explorer-controls">
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
              onChange={(e) => set({ granularity: e.target.value })}
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
              value={q.groupBy[0] ?? ""}
              allowNone
              onChange={(v) => set({ groupBy: v ? [v, ...q.groupBy.slice(1).filter((d) => d !== v)] : [] })}
            />
          </Field>
          <Field label={t("exp.groupBy2")}>
            <DimensionSelect
              testId="q-groupby2"
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
            <select
              data-testid="q-metric"
              value={q.metric}
              onChange={(e) => set({ metric: e.target.value })}
              className={inputClass}
            >
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {t(`metric.${m}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("exp.accounts")}>
            <AccountPicker
              accounts={accounts.data?.items ?? []}
              selected={q.accountIds}
              onChange={(ids) => set({ accountIds: ids })}
            />
          </Field>
        </div>
        <Filters filters={q.filters} onChange={(filters) => set({ filters })} />
        <div className="mt-3 flex justify-end">
          <Button kind="ghost" data-testid="q-reset" onClick={() => navigate(defaultQuery(new Date()))}>
            {t("exp.reset")}
          </Button>
        </div>
        {problems.map((p) => (
          <div key={p} role="alert" className="mt-2 text-sm text-red-700" data-testid="query-problem">
            {t(p)}
          </div>
        ))}
      </Card>

      <div className="mb-4 flex gap-1 border-b border-slate-200">
        {(["costs", "discounts"] as const).map((v) => (
          <button
            key={v}
            type="button"
            data-testid={`tab-${v}`}
            onClick={() => router.replace(`/explorer/?${toSearchParams(q, { view: v })}`, { scroll: false })}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
              view === v ? "border-sky-600 text-sky-700" : "border-transparent text-slate-500 hover:text-slate-800"
            }`}
          >
            {t(v === "costs" ? "exp.tabCosts" : "exp.tabDiscounts")}
          </button>
        ))}
      </div>

      {valid && view === "costs" && <CostsView q={q} drill={drill} setDrill={setDrill} />}
      {valid && view === "discounts" && (
        <DiscountsView
          q={q}
          group={discountGroup}
          setGroup={(g) => router.replace(`/explorer/?${toSearchParams(q, { view, dgroup: g })}`, { scroll: false })}
        />
      )}
    </>
  );
}

function CostsView({
  q,
  drill,
  setDrill,
}: {
  q: ExplorerQuery;
  drill: { key: Record<string, string>; label: string } | null;
  setDrill: (d: { key: Record<string, string>; label: string } | null) => void;
}) {
  const { t } = useI18n();
  const explore = useFetch<Explore>(`/costs/explore?${exploreApiParams(q)}`);
  return (
    <div data-testid="costs-view" data-loaded={explore.loading ? "" : (explore.dataPath ?? "")}>
      <div className="mb-3 flex items-center gap-2">
        <DemoBadge show={explore.data?.demo} />
      </div>
      <ErrorBox error={explore.error} onRetry={explore.reload} />
      {explore.loading && !explore.data && <Loading />}
      {explore.data && explore.data.items.length === 0 && (
        <Card>
          <Empty />
        </Card>
      )}
      <div className={explore.loading ? "opacity-60 transition-opacity" : ""}>
        {explore.data?.items.map((item) => (
          <ExploreResult key={item.currency} q={q} item={item} onDrill={setDrill} />
        ))}
      </div>
      {drill && <DrillDown q={q} drill={drill} onClose={() => setDrill(null)} />}
      {!explore.data && !explore.loading && !explore.error && <Empty>{t("common.empty")}</Empty>}
    </div>
  );
}

function ExploreResult({
  q,
  item,
  onDrill,
}: {
  q: ExplorerQuery;
  item: ExploreItem;
  onDrill: (d: { key: Record<string, string>; label: string }) => void;
}) {
  const { t, lang } = useI18n();
  const pivot = useMemo(() => {
    // The API's own label for the top-N remainder is replaced by the translated word.
    const p = pivotExplore(item);
    return { ...p, rows: p.rows.map((r) => (r.others ? { ...r, label: t("common.others") } : r)) };
  }, [item, t]);
  const series = chartSeries(pivot);
  const seriesTotals = pivot.rows.map((r) => sumDecimals(r.values));
  const option = useMemo(
    () => stackedBarOption(pivot.periods, series, item.currency, lang),
    // series is derived from pivot, so pivot and the language are the real inputs.
    [pivot, item.currency, lang],
  );
  const dims = q.groupBy;

  return (
    <div className="mb-5 space-y-4" data-testid="explore-result" data-currency={item.currency}>
      <Card
        title={`${t(`metric.${q.metric}`)} · ${item.currency}`}
        extra={
          <span className="text-sm">
            {t("common.total")}:{" "}
            <Money amount={item.total} currency={item.currency} testId="explorer-total" className="font-semibold" />
          </span>
        }
      >
        {pivot.periods.length === 0 ? (
          <Empty />
        ) : (
          <Chart
            testId="explorer-chart"
            option={option}
            height={360}
            attrs={{
              "data-currency": item.currency,
              "data-series": JSON.stringify(series.map((s) => s.name)),
              "data-series-totals": JSON.stringify(seriesTotals),
              "data-periods": JSON.stringify(pivot.periods),
            }}
          />
        )}
      </Card>
      <Card>
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200" data-testid="explorer-table" data-currency={item.currency}>
            <thead className="bg-slate-50">
              <tr>
                {dims.length === 0 ? (
                  <th className={`${th} sticky left-0 bg-slate-50`}>{t("exp.group")}</th>
                ) : (
                  dims.map((d, i) => (
                    <th key={d} className={`${th} ${i === 0 ? "sticky left-0 bg-slate-50" : ""}`}>
                      {dimensionLabel(d, t)}
                    </th>
                  ))
                )}
                <th className={thNum}>{t("common.total")}</th>
                <th className={thNum}>%</th>
                {pivot.periods.map((p) => (
                  <th key={p} className={`${thNum} whitespace-nowrap`}>
                    {p}
                  </th>
                ))}
                <th className={th} />
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {pivot.rows.length === 0 && (
                <tr>
                  <td colSpan={pivot.periods.length + 4 + dims.length}>
                    <Empty />
                  </td>
                </tr>
              )}
              {pivot.rows.map((r, idx) => {
                const share = Number(item.total) ? (Number(r.total) / Number(item.total)) * 100 : null;
                return (
                  <tr
                    key={idx}
                    data-testid="explorer-row"
                    data-label={r.label}
                    data-key={JSON.stringify(r.key)}
                    data-total={r.total}
                    className="hover:bg-slate-50"
                  >
                    {dims.length <= 1 ? (
                      <td className={`${td} sticky left-0 whitespace-nowrap bg-white font-medium`}>{r.label}</td>
                    ) : (
                      dims.map((d, i) => (
                        <td key={d} className={`${td} ${i === 0 ? "sticky left-0 bg-white font-medium" : ""}`}>
                          {r.others ? (i === 0 ? r.label : "") : r.key[d] ?? ""}
                        </td>
                      ))
                    )}
                    <td className={`${tdNum} font-medium`}>
                      <Money amount={r.total} currency={item.currency} testId="row-total" />
                    </td>
                    <td className={`${tdNum} text-slate-500`}>{share === null ? "—" : `${share.toFixed(1)}%`}</td>
                    {r.values.map((v, i) => (
                      <td key={i} className={`${tdNum} whitespace-nowrap`}>
                        <Money amount={v} currency={item.currency} />
                      </td>
                    ))}
                    <td className={td}>
                      {!r.others && (
                        <button
                          type="button"
                          data-testid="drill"
                          onClick={() => onDrill({ key: r.key, label: r.label })}
                          className="whitespace-nowrap text-xs font-medium text-sky-700 hover:underline"
                        >
                          {t("exp.drill")}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot className="bg-slate-50 font-medium">
              <tr data-testid="explorer-footer">
                <td className={`${td} sticky left-0 bg-slate-50`} colSpan={Math.max(1, dims.length)}>
                  {t("common.total")}
                </td>
                <td className={tdNum}>
                  <Money amount={pivot.total} currency={item.currency} testId="table-total" />
                </td>
                <td className={tdNum}>100%</td>
                {pivot.periodTotals.map((v, i) => (
                  <td key={i} className={`${tdNum} whitespace-nowrap`}>
                    <Money amount={v} currency={item.currency} />
                  </td>
                ))}
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      </Card>
    </div>
  );
}

function DrillDown({
  q,
  drill,
  onClose,
}: {
  q: ExplorerQuery;
  drill: { key: Record<string, string>; label: string };
  onClose: () => void;
}) {
  const { t } = useI18n();
  const slice = sliceQuery(q, drill.key);
  const res = useFetch<List<ResourceCost>>(`/costs/resources?${commonApiParams(slice)}`);
  return (
    <Card
      title={t("exp.drillTitle", { label: drill.label })}
      testId="drilldown"
      extra={
        <Button kind="ghost" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
    >
      <ErrorBox error={res.error} onRetry={res.reload} />
      {res.loading && !res.data && <Loading />}
      {res.data && res.data.items.length === 0 && <Empty>{t("exp.noResources")}</Empty>}
      {res.data && res.data.items.length > 0 && (
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-100">
            <thead>
              <tr>
                <th className={th}>{t("exp.resource")}</th>
                <th className={th}>{t("exp.product")}</th>
                <th className={th}>{t("exp.region")}</th>
                <th className={th}>{t("exp.account")}</th>
                <th className={thNum}>{t("exp.cost")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {res.data.items.map((r) => (
                <tr key={`${r.resourceId}|${r.currency}`} data-testid="resource-row" data-resource-id={r.resourceId}>
                  <td className={td}>
                    <Link
                      href={`/explorer/resource/?${new URLSearchParams({
                        id: r.resourceId,
                        start: q.start,
                        end: q.end,
                        metric: q.metric,
                      })}`}
                      className="text-sky-700 hover:underline"
                    >
                      {r.resourceName || r.resourceId}
                    </Link>
                    {r.resourceName && <div className="text-xs text-slate-400">{r.resourceId}</div>}
                  </td>
                  <td className={td}>{r.product}</td>
                  <td className={td}>{r.region}</td>
                  <td className={td}>{String(r.accountId)}</td>
                  <td className={tdNum}>
                    <Money amount={r.cost} currency={r.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function DiscountsView({ q, group, setGroup }: { q: ExplorerQuery; group: string; setGroup: (g: string) => void }) {
  const { t, lang } = useI18n();
  const params = commonApiParams(q);
  params.delete("metric");
  params.set("groupBy", group);
  const res = useFetch<Discounts>(`/costs/discounts?${params}`);
  return (
    <div data-testid="discounts">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <span className="text-sm text-slate-600">{t("exp.discountGroupBy")}</span>
        <div className="w-44">
          <select
            data-testid="discount-groupby"
            value={group}
            onChange={(e) => setGroup(e.target.value)}
            className={inputClass}
          >
            {DISCOUNT_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`dim.${g}`)}
              </option>
            ))}
          </select>
        </div>
        <DemoBadge show={res.data?.demo} />
      </div>
      <ErrorBox error={res.error} onRetry={res.reload} />
      {res.loading && !res.data && <Loading />}
      {res.data && res.data.items.length === 0 && (
        <Card>
          <Empty />
        </Card>
      )}
      {res.data?.items.map((d) => (
        <div key={d.currency} className="mb-5 space-y-4">
          <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">
            {(
              [
                ["exp.listCost", d.listCost],
                ["exp.billedCost", d.billedCost],
                ["exp.discount", d.discount],
                ["exp.coupons", d.coupons],
                ["exp.cashCoupons", d.cashCoupons],
              ] as const
            ).map(([k, v]) => (
              <div key={k} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <div className="text-xs text-slate-500">{t(k)}</div>
                <Money amount={v} currency={d.currency} className="mt-1 block text-lg font-semibold" />
              </div>
            ))}
            <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="text-xs text-slate-500">{t("exp.discountRate")}</div>
              <div className="mt-1 text-lg font-semibold tabular-nums">{rate(d.discountRate, lang)}</div>
            </div>
          </div>
          <Card>
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-100">
                <thead>
                  <tr>
                    <th className={th}>{t(`dim.${group}`)}</th>
                    <th className={thNum}>{t("exp.listCost")}</th>
                    <th className={thNum}>{t("exp.billedCost")}</th>
                    <th className={thNum}>{t("exp.discount")}</th>
                    <th className={thNum}>{t("exp.discountRate")}</th>
                    <th className={thNum}>{t("exp.coupons")}</th>
                    <th className={thNum}>{t("exp.cashCoupons")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {(d.groups ?? []).map((g) => (
                    <tr key={g.key} data-testid="discount-row">
                      <td className={td}>{g.label || g.name || g.key}</td>
                      <td className={tdNum}>
                        <Money amount={g.listCost} currency={d.currency} />
                      </td>
                      <td className={tdNum}>
                        <Money amount={g.billedCost} currency={d.currency} />
                      </td>
                      <td className={tdNum}>
                        <Money amount={g.discount} currency={d.currency} />
                      </td>
                      <td className={tdNum}>{rate(g.discountRate, lang)}</td>
                      <td className={tdNum}>
                        <Money amount={g.coupons ?? null} currency={d.currency} />
                      </td>
                      <td className={tdNum}>
                        <Money amount={g.cashCoupons ?? null} currency={d.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        </div>
      ))}
    </div>
  );
}

// The API gives the discount rate as a fraction (0.125) or in percent points (12.5); a value
// above 1 can only be percent points.
function rate(v: string | number | null | undefined, lang: "zh" | "en"): string {
  if (v === null || v === undefined || v === "") return "—";
  const n = Number(v);
  if (!Number.isFinite(n)) return "—";
  return formatPercent(Math.abs(n) <= 1 ? n * 100 : n, lang).replace(/^\+/, "");
}

function AccountPicker({
  accounts,
  selected,
  onChange,
}: {
  accounts: Account[];
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useI18n();
  const label =
    selected.length === 0
      ? t("exp.allAccounts")
      : accounts
          .filter((a) => selected.includes(String(a.id)))
          .map((a) => a.name)
          .join(", ") || selected.join(", ");
  return (
    <details className="relative" data-testid="q-accounts">
      <summary className={`${inputClass} cursor-pointer list-none truncate`}>{label}</summary>
      <div className="absolute z-20 mt-1 max-h-64 w-64 overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        {accounts.length === 0 && <div className="p-2 text-sm text-slate-500">{t("common.empty")}</div>}
        {accounts.map((a) => {
          const id = String(a.id);
          const on = selected.includes(id);
          return (
            <label key={id} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                checked={on}
                onChange={() => onChange(on ? selected.filter((s) => s !== id) : [...selected, id])}
              />
              <span className="truncate">{a.name}</span>
            </label>
          );
        })}
      </div>
    </details>
  );
}

function Filters({ filters, onChange }: { filters: Filter[]; onChange: (f: Filter[]) => void }) {
  const { t } = useI18n();
  const [dimension, setDimension] = useState("product");
  const [op, setOp] = useState<"in" | "notin">("in");
  const [values, setValues] = useState("");

  const add = () => {
    const vals = values
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    if (vals.length === 0 || !dimension) return;
    onChange([...filters, { dimension, op, values: vals }]);
    setValues("");
  };

  return (
    <div className="mt-4 border-t border-slate-100 pt-3">
      <div className="mb-2 text-sm font-medium text-slate-700">{t("exp.filters")}</div>
      <div className="mb-2 flex flex-wrap gap-2" data-testid="filter-chips">
        {filters.map((f, i) => (
          <Badge key={i} tone="sky" testId="filter-chip">
            {dimensionLabel(f.dimension, t)} {t(`op.${f.op}`)} {f.values.join(", ")}
            <button
              type="button"
              aria-label={t("common.delete")}
              className="ml-1 text-sky-900"
              onClick={() => onChange(filters.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </Badge>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <div className="w-48">
          <DimensionSelect value={dimension} onChange={setDimension} testId="filter-dimension" />
        </div>
        <div className="w-32">
          <select
            value={op}
            data-testid="filter-op"
            onChange={(e) => setOp(e.target.value as "in" | "notin")}
            className={inputClass}
          >
            <option value="in">{t("op.in")}</option>
            <option value="notin">{t("op.notin")}</option>
          </select>
        </div>
        <div className="w-56">
          <input
            value={values}
            data-testid="filter-values"
            placeholder={t("exp.filterValues")}
            onChange={(e) => setValues(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
            className={inputClass}
          />
        </div>
        <Button onClick={add} data-testid="filter-add">
          {t("exp.addFilter")}
        </Button>
      </div>
    </div>
  );
}

function ExportMenu({ q, disabled }: { q: ExplorerQuery; disabled: boolean }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const name = `cloudlens-${q.start}-${q.end}`;
  const run = async (path: string, file: string) => {
    setBusy(true);
    setError(null);
    try {
      await download(path, file);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-1">
      <span className="text-sm text-slate-500">{busy ? t("exp.exporting") : t("exp.export")}</span>
      <Button disabled={disabled || busy} data-testid="export-csv" onClick={() => run(`/costs/explore?${exploreApiParams(q, "csv")}`, `${name}.csv`)}>
        {t("exp.exportCsv")}
      </Button>
      <Button disabled={disabled || busy} data-testid="export-xlsx" onClick={() => run(`/costs/explore?${exploreApiParams(q, "xlsx")}`, `${name}.xlsx`)}>
        {t("exp.exportXlsx")}
      </Button>
      <Button disabled={disabled || busy} data-testid="export-focus" onClick={() => run(`/costs/focus?${focusApiParams(q, "csv")}`, `${name}-focus.csv`)}>
        {t("exp.exportFocus")}
      </Button>
      <Button
        disabled={disabled || busy}
        data-testid="export-focus-parquet"
        onClick={() => run(`/costs/focus?${focusApiParams(q, "parquet")}`, `${name}-focus.parquet`)}
      >
        {t("exp.exportFocusParquet")}
      </Button>
      {error !== null && (
        <div className="w-full">
          <ErrorBox error={error} />
        </div>
      )}
    </div>
  );
}

function CopyLink() {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      kind="ghost"
      onClick={async () => {
        await navigator.clipboard?.writeText(window.location.href);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? t("exp.copied") : t("exp.copyLink")}
    </Button>
  );
}
