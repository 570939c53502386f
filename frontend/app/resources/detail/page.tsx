"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useMemo } from "react";
import { Figure } from "@/components/budgets";
import { Chart } from "@/components/Chart";
import { lineOption } from "@/components/charts";
import { FindingsTable, metricOption, metricUnit } from "@/components/resources";
import { AppShell } from "@/components/Shell";
import { Card, DemoBadge, Empty, ErrorBox, Loading, Money, PageHeader } from "@/components/ui";
import { ApiError } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { useInventoryResource } from "@/lib/resources";

export default function ResourceDetailPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Detail />
      </Suspense>
    </AppShell>
  );
}

function Detail() {
  const { t, lang } = useI18n();
  const id = Number(useSearchParams().get("id"));
  const valid = Number.isInteger(id) && id > 0;
  const q = useInventoryResource(valid ? id : null);
  const r = q.data;

  const costOption = useMemo(
    () =>
      r &&
      lineOption(
        r.costs.points.map((p) => p.date),
        r.costs.points.map((p) => Number(p.cost)),
        t("res.dailyCost"),
        r.costs.currency,
        lang,
      ),
    [r, lang, t],
  );
  const metricOptions = useMemo(
    () =>
      (r?.metrics ?? []).map((m) => ({
        metric: m.metric,
        days: m.days.length,
        option: metricOption(m.days, { max: t("res.max"), p95: t("res.p95"), mean: t("res.mean") }, metricUnit(m.metric, lang)),
      })),
    [r, lang, t],
  );

  if (!valid || (q.error instanceof ApiError && q.error.status === 404)) {
    return (
      <Card>
        <Empty>
          <span data-testid="resource-not-found">{t("res.notFound")}</span>
        </Empty>
      </Card>
    );
  }

  return (
    <>
      <PageHeader title={r ? r.name || r.resourceId : t("res.detail")}>
        <DemoBadge show={r?.demo} />
        <Link href="/resources/" className="text-sm text-sky-700 hover:underline">
          ← {t("common.back")}
        </Link>
      </PageHeader>
      <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
      {q.isLoading && <Loading />}
      {r && (
        <div className="space-y-5" data-testid="resource-detail" data-resource-id={r.resourceId}>
          <Card>
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-6">
              <Figure label={t("res.resourceId")}>
                <span className="font-mono text-xs">{r.resourceId}</span>
              </Figure>
              <Figure label={t("res.type")}>{t(`res.type.${r.type}`)}</Figure>
              <Figure label={t("res.region")}>{r.zone || r.region}</Figure>
              <Figure label={t("common.status")}>
                <span data-testid="detail-status">{r.status}</span>
              </Figure>
              <Figure label={t("res.chargeType")}>{r.chargeType ? t(`res.charge.${r.chargeType}`) : "—"}</Figure>
              <Figure label={t("res.monthlyCost")}>
                <Money amount={r.monthlyCost} currency={r.currency} testId="detail-monthly-cost" />
              </Figure>
            </dl>
            <div className="mt-3 text-xs text-slate-500">
              {r.spec && `${r.spec} · `}
              {r.attachedTo && `${t("res.attachedTo")} ${r.attachedTo} · `}
              {r.expiresAt && `${t("res.expires")} ${r.expiresAt.slice(0, 10)}${r.autoRenew ? ` (${t("res.autoRenew")})` : ""} · `}
              {Object.entries(r.tags)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}
            </div>
          </Card>
          <Card title={t("res.findings")}>
            <FindingsTable findings={r.findings} showResource={false} testId="detail-findings" empty={<Empty>{t("res.noFindings")}</Empty>} />
          </Card>
          <Card title={t("res.costChart", { start: r.costs.start, end: r.costs.end })}>
            {costOption && (
              <Chart option={costOption} testId="cost-chart" attrs={{ "data-points": String(r.costs.points.length), "data-total": r.costs.total }} />
            )}
          </Card>
          {metricOptions.length === 0 ? (
            <Card title={t("res.metrics")}>
              <Empty>{t("res.noMetrics")}</Empty>
            </Card>
          ) : (
            metricOptions.map((m) => (
              <Card key={m.metric} title={t(`res.metric.${m.metric}`)}>
                <Chart option={m.option} height={240} testId="metric-chart" attrs={{ "data-metric": m.metric, "data-points": String(m.days) }} />
              </Card>
            ))
          )}
        </div>
      )}
    </>
  );
}
