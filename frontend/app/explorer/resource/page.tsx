"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useLabels } from "@/components/explorer/labels";
import { Suspense, useMemo } from "react";
import { Chart } from "@/components/Chart";
import { lineOption } from "@/components/charts";
import { AppShell } from "@/components/Shell";
import { Table } from "@/components/Table";
import { Card, DemoBadge, Empty, ErrorBox, Loading, Money, PageHeader } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { METRICS } from "@/lib/query.mjs";
import { useResource } from "@/lib/queries";

// One resource's daily cost: the end of a drill-down from the explorer. The id travels as a
// query parameter because a static export cannot have a page per unknown resource id.
export default function ResourcePage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Resource />
      </Suspense>
    </AppShell>
  );
}

function Resource() {
  const { t, lang } = useI18n();
  const sp = useSearchParams();
  const id = sp.get("id") || "";
  const params = new URLSearchParams();
  for (const k of ["start", "end", "metric"]) {
    const v = sp.get(k);
    if (v) params.set(k, v);
  }
  // The explorer's range and metric; one the API does not know is left to its default.
  const res = useResource(id, {
    start: sp.get("start") || undefined,
    end: sp.get("end") || undefined,
    metric: METRICS.find((m) => m === sp.get("metric")),
  });
  const d = res.data;
  const points = useMemo(() => d?.points ?? [], [d]);
  const option = useMemo(
    () => lineOption(points.map((p) => p.period), points.map((p) => Number(p.cost)), t("exp.dailyCost"), d?.currency || "CNY", lang),
    [points, d?.currency, lang, t],
  );
  // The explorer view the resource was opened from (its whole query string), else its range.
  const from = sp.get("back");
  const back = from !== null && !/[#/\\]/.test(from) ? from : String(new URLSearchParams(params));
  const range = { start: d?.points[0]?.period ?? sp.get("start") ?? "", end: sp.get("end") ?? "" };
  const product = useLabels("product", range);
  const region = useLabels("region", range);
  const account = useLabels("account", range);

  return (
    <>
      <PageHeader title={t("exp.resourceTitle")}>
        <DemoBadge show={d?.demo} />
        <Link href={`/explorer/?${back}`} data-testid="resource-back" className="text-sm text-sky-700 hover:underline">
          ← {t("common.back")}
        </Link>
      </PageHeader>
      {!id && <Empty />}
      <ErrorBox error={res.error} onRetry={() => void res.refetch()} />
      {res.isLoading && <Loading />}
      {d && (
        <div className="space-y-4" data-testid="resource-detail">
          <Card>
            <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2 lg:grid-cols-5">
              <Item label={t("exp.resource")} value={d.resourceName ? `${d.resourceName} (${d.resourceId})` : d.resourceId} />
              <Item label={t("exp.product")} value={product(d.product)} title={d.product} />
              <Item label={t("exp.region")} value={region(d.region)} title={d.region} />
              <Item label={t("exp.account")} value={account(String(d.accountId))} title={String(d.accountId)} />
              <div>
                <dt className="text-xs text-slate-500">{t("common.total")}</dt>
                <dd className="mt-0.5 font-semibold">
                  <Money amount={d.total} currency={d.currency} testId="resource-total" />
                </dd>
              </div>
            </dl>
          </Card>
          <Card title={t("exp.dailyCost")}>
            {points.length === 0 ? <Empty /> : <Chart option={option} testId="resource-chart" />}
          </Card>
          {points.length > 0 && (
            <Card>
              <div className="max-h-96 overflow-y-auto">
                <Table
                  rows={points}
                  rowKey={(p) => p.period}
                  columns={[
                    { key: "date", header: t("exp.date"), cell: (p) => p.period },
                    { key: "cost", header: t("exp.cost"), numeric: true, cell: (p) => <Money amount={p.cost} currency={d.currency} /> },
                  ]}
                />
              </div>
            </Card>
          )}
        </div>
      )}
    </>
  );
}

function Item({ label, value, title }: { label: string; value: string | undefined; title?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-all text-slate-900" title={title}>
        {value || "—"}
      </dd>
    </div>
  );
}
