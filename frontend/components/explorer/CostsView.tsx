"use client";

import { useMemo } from "react";
import { Chart } from "@/components/Chart";
import { stackedBarOption } from "@/components/charts";
import { Card, DemoBadge, Empty, ErrorBox, Loading, Money } from "@/components/ui";
import { addDays, formatBillingDate, formatPercent, sumDecimals } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { chartSeries, exploreApiQuery, pivotExplore, previousPeriod, toApiParams, type ExplorerQuery } from "@/lib/query.mjs";
import { useCoverage, useExplore } from "@/lib/queries";
import type { ExploreItem } from "@/lib/types";
import { IncompleteNotice } from "@/components/IncompleteNotice";
import { DrillDown } from "./DrillDown";
import { ExploreTable } from "./ExploreTable";
import type { Drill } from "./useExplorerQuery";

// The cost tab: per currency a stacked chart and a table of the groups, and the drill-down of a
// group when one is opened.
export function CostsView({
  q,
  drill,
  setDrill,
  onRange,
}: {
  q: ExplorerQuery;
  drill: Drill | null;
  setDrill: (d: Drill | null) => void;
  onRange: (r: { start: string; end: string }) => void;
}) {
  const { t } = useI18n();
  const query = exploreApiQuery(q);
  const explore = useExplore(query, { keepPrevious: true });
  // The same slice over the previous period, ungrouped, for the comparison in each heading.
  const prev = previousPeriod(q);
  const previous = useExplore(exploreApiQuery({ ...q, ...prev, groupBy: [], granularity: "month" }));
  // The answer on screen is the previous query's while the new one loads.
  const stale = explore.isPlaceholderData;
  const loaded = explore.data && !stale ? `/costs/explore?${toApiParams(query)}` : "";
  return (
    // data-loaded names the query whose answer is on screen, so tests wait for the right one.
    <div data-testid="costs-view" data-loaded={loaded}>
      <div className="mb-3 flex items-center gap-2">
        <DemoBadge show={explore.data?.demo} />
      </div>
      <ErrorBox error={explore.error} onRetry={() => void explore.refetch()} />
      <IncompleteNotice incomplete={stale ? undefined : explore.data?.incomplete} />
      {explore.isLoading && <Loading />}
      {explore.data && explore.data.items.length === 0 && <NoData q={q} onRange={onRange} />}
      <div className={stale ? "opacity-60 transition-opacity" : ""}>
        {explore.data?.items.map((item) => (
          <ExploreResult
            key={item.currency}
            q={q}
            item={item}
            previous={previous.data?.items.find((p) => p.currency === item.currency)?.total ?? "0"}
            previousRange={prev}
            onDrill={setDrill}
            drill={drill && (drill.currency === item.currency || !drill.currency) ? drill : null}
            onCloseDrill={() => setDrill(null)}
          />
        ))}
      </div>
    </div>
  );
}

// An empty answer says where the data is: the days with bills in the chosen accounts, and a
// way to the last 30 of them; or, with no bills at all, that the first sync brings them.
function NoData({ q, onRange }: { q: ExplorerQuery; onRange: (r: { start: string; end: string }) => void }) {
  const { t, lang } = useI18n();
  const coverage = useCoverage(q.accountIds.map(Number));
  const c = coverage.data;
  return (
    <Card testId="no-data">
      <Empty>
        {t("exp.noDataIn", { start: formatBillingDate(q.start, lang), end: formatBillingDate(q.end, lang) })}{" "}
        {c?.first && c.last ? (
          <span data-testid="data-coverage" data-first={c.first} data-last={c.last}>
            {t(q.filters.length > 0 ? "exp.dataFromFiltered" : "exp.dataFrom", {
              first: formatBillingDate(c.first, lang),
              last: formatBillingDate(c.last, lang),
            })}{" "}
            <button
              type="button"
              className="text-sky-700 underline"
              data-testid="go-to-data"
              onClick={() => onRange({ start: addDays(c.last!, -29) < c.first! ? c.first! : addDays(c.last!, -29), end: c.last! })}
            >
              {t("exp.showLatest")}
            </button>
          </span>
        ) : (
          c && <span>{t("exp.noBillsYet")}</span>
        )}
      </Empty>
    </Card>
  );
}

function ExploreResult({
  q,
  item,
  previous,
  previousRange,
  onDrill,
  drill,
  onCloseDrill,
}: {
  q: ExplorerQuery;
  item: ExploreItem;
  previous: string;
  previousRange: { start: string; end: string };
  onDrill: (d: Drill) => void;
  drill: Drill | null;
  onCloseDrill: () => void;
}) {
  const { t, lang } = useI18n();
  const pivot = useMemo(() => pivotExplore(item, { others: t("common.others"), total: t("common.total") }), [item, t]);
  const series = chartSeries(pivot);
  const seriesTotals = pivot.rows.map((r) => sumDecimals(r.values));
  const option = useMemo(
    () => stackedBarOption(pivot.periods, series, item.currency, lang),
    // series is derived from pivot, so pivot and the language are the real inputs.
    [pivot, item.currency, lang],
  );

  return (
    <div className="mb-5 space-y-4" data-testid="explore-result" data-currency={item.currency}>
      <Card
        title={`${t(`metric.${q.metric}`)} · ${item.currency}`}
        extra={
          <span className="flex flex-wrap items-baseline justify-end gap-x-3 text-sm">
            <span>
              {t("common.total")}: <Money amount={item.total} currency={item.currency} testId="explorer-total" className="font-semibold" />
            </span>
            <span className="text-xs text-slate-500" data-testid="explorer-previous" title={`${previousRange.start} – ${previousRange.end}`}>
              {t("exp.previousPeriod")}: <Money amount={previous} currency={item.currency} testId="explorer-previous-total" />
              {Number(previous) !== 0 && ` (${formatPercent(((Number(item.total) - Number(previous)) / Number(previous)) * 100, lang)})`}
            </span>
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
        <ExploreTable dims={q.groupBy} range={q} pivot={pivot} currency={item.currency} onDrill={onDrill} />
      </Card>
      {drill && <DrillDown q={q} drill={drill} onClose={onCloseDrill} />}
    </div>
  );
}
