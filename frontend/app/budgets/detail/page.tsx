"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useMemo, useState } from "react";
import { BudgetProgress, burnDownOption, Figure } from "@/components/budgets";
import { Chart } from "@/components/Chart";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, Loading, Money, PageHeader } from "@/components/ui";
import { IncompleteNotice } from "@/components/IncompleteNotice";
import { ApiError, client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useBudget, useInvalidate } from "@/lib/queries";
import type { BudgetDetail } from "@/lib/types";

export default function BudgetDetailPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Detail />
      </Suspense>
    </AppShell>
  );
}

type Past = NonNullable<BudgetDetail["history"]>[number];

function Detail() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const router = useRouter();
  const id = Number(useSearchParams().get("id"));
  const valid = Number.isInteger(id) && id > 0;
  const q = useBudget(valid ? id : null);
  const invalidate = useInvalidate();
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const b = q.data;

  const option = useMemo(
    () =>
      b &&
      burnDownOption(b.status, b.series ?? [], b.currency, lang, {
        actual: t("bud.chart.actual"),
        forecast: t("bud.chart.forecast"),
        amount: t("bud.chart.amount"),
      }),
    [b, lang, t],
  );

  if (!valid || (q.error instanceof ApiError && q.error.status === 404)) {
    return (
      <Card>
        <Empty>
          <span data-testid="budget-not-found">{t("bud.notFound")}</span>
        </Empty>
      </Card>
    );
  }

  const remove = async () => {
    if (!b || !window.confirm(t("common.confirmDelete", { name: b.name }))) return;
    try {
      await client.DELETE("/api/v1/budgets/{id}", { params: { path: { id: b.id } } });
      void invalidate("/budgets");
      router.replace("/budgets/");
    } catch (e) {
      setDeleteError(e);
    }
  };

  const historyColumns: Column<Past>[] = [
    { key: "period", header: t("bud.period"), cell: (h) => h.period },
    { key: "start", header: t("bud.start"), cell: (h) => h.start },
    { key: "amount", header: t("bud.amount"), numeric: true, cell: (h) => <Money amount={h.amount} currency={b?.currency ?? ""} /> },
    { key: "spent", header: t("bud.spent"), numeric: true, cell: (h) => <Money amount={h.spent} currency={b?.currency ?? ""} testId="history-spent" /> },
    {
      key: "pct",
      header: t("bud.percentSpent"),
      numeric: true,
      cell: (h) => (Number(h.amount) > 0 ? `${((Number(h.spent) / Number(h.amount)) * 100).toFixed(1)}%` : "—"),
    },
  ];

  return (
    <>
      <PageHeader title={b ? b.name : t("bud.detail")}>
        <Link href="/budgets/" className="text-sm text-sky-700 hover:underline">
          ← {t("common.back")}
        </Link>
        {b && canEdit(user) && (
          <>
            <Link
              href={`/budgets/edit/?id=${b.id}`}
              data-testid="edit-budget"
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              {t("common.edit")}
            </Link>
            <Button kind="danger" onClick={remove} data-testid="delete-budget">
              {t("common.delete")}
            </Button>
          </>
        )}
      </PageHeader>
      <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
      <ErrorBox error={deleteError} />
      {q.isLoading && <Loading />}
      {b && (
        <div className="space-y-5" data-testid="budget-detail" data-budget-id={b.id}>
          <IncompleteNotice incomplete={b.incomplete} />
          <Card>
            <div className="mb-3 text-xs text-slate-500">
              {t(`bud.period.${b.period}`)} · {b.status.periodStart} – {b.status.periodEnd} · {t("bud.asOf", { date: b.status.asOf })}
              {b.status.evaluatedAt && ` · ${t("bud.evaluatedAt", { time: formatDateTime(b.status.evaluatedAt, lang) })}`}
            </div>
            <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-5">
              <Figure label={t("bud.amount")}>
                <Money amount={b.status.amount} currency={b.currency} testId="detail-amount" />
              </Figure>
              <Figure label={t("bud.spent")}>
                <Money amount={b.status.spent} currency={b.currency} testId="detail-spent" />
              </Figure>
              <Figure label={t("bud.forecast")}>
                <Money amount={b.status.forecast} currency={b.currency} testId="detail-forecast" />
              </Figure>
              <Figure label={t("bud.remaining")}>
                <Money amount={b.status.remaining} currency={b.currency} testId="detail-remaining" />
              </Figure>
              <Figure label={t("bud.burnDownDate")}>
                <span data-testid="detail-burn-down">{b.status.burnDownDate ?? t("bud.noBurnDown")}</span>
              </Figure>
            </dl>
            <div className="mt-4 max-w-xl">
              <BudgetProgress status={b.status} />
            </div>
            <div className="mt-3 text-xs text-slate-500">
              {t("bud.scope")}: {b.allAccounts || b.accountIds.length === 0 ? t("exp.allAccounts") : b.accountIds.join(", ")}
              {b.filters.length > 0 && ` · ${b.filters.join("; ")}`}
            </div>
          </Card>
          <Card title={t("bud.burnDown")}>
            {option && <Chart option={option} testId="burn-down-chart" attrs={{ "data-points": String(b.series?.length ?? 0) }} />}
          </Card>
          <Card title={t("bud.history")}>
            <Table
              testId="budget-history"
              columns={historyColumns}
              rows={b.history ?? []}
              rowKey={(h) => h.period}
              empty={<Empty>{t("bud.noHistory")}</Empty>}
            />
          </Card>
        </div>
      )}
    </>
  );
}
