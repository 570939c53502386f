"use client";

import Link from "next/link";
import { BudgetProgress } from "@/components/budgets";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Card, Empty, ErrorBox, Loading, Money, PageHeader } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { useBudgets } from "@/lib/queries";
import type { Budget } from "@/lib/types";

export default function BudgetsPage() {
  return (
    <AppShell>
      <Budgets />
    </AppShell>
  );
}

function Budgets() {
  const { t } = useI18n();
  const { user } = useAuth();
  const list = useBudgets();

  const columns: Column<Budget>[] = [
    {
      key: "name",
      header: t("bud.name"),
      cell: (b) => (
        <Link href={`/budgets/detail/?id=${b.id}`} data-testid="budget-link" className="font-medium text-sky-700 hover:underline">
          {b.name}
        </Link>
      ),
    },
    { key: "period", header: t("bud.period"), cell: (b) => t(`bud.period.${b.period}`) },
    { key: "amount", header: t("bud.amount"), numeric: true, cell: (b) => <Money amount={b.status.amount} currency={b.currency} testId="budget-amount" /> },
    { key: "spent", header: t("bud.spent"), numeric: true, cell: (b) => <Money amount={b.status.spent} currency={b.currency} testId="budget-spent" /> },
    { key: "progress", header: t("bud.progress"), cell: (b) => <BudgetProgress status={b.status} /> },
    {
      key: "remaining",
      header: t("bud.remaining"),
      numeric: true,
      cell: (b) => <Money amount={b.status.remaining} currency={b.currency} testId="budget-remaining" />,
    },
    {
      key: "burnDown",
      header: t("bud.burnDownDate"),
      cell: (b) => <span data-testid="budget-burn-down">{b.status.burnDownDate ?? t("bud.noBurnDown")}</span>,
    },
  ];

  return (
    <>
      <PageHeader title={t("bud.title")}>
        {canEdit(user) && (
          <Link
            href="/budgets/new/"
            data-testid="new-budget"
            className="rounded-md border border-sky-600 bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-700"
          >
            {t("bud.new")}
          </Link>
        )}
      </PageHeader>
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      <Card>
        {list.isLoading ? (
          <Loading />
        ) : (
          <Table
            testId="budgets-table"
            columns={columns}
            rows={list.data?.items ?? []}
            rowKey={(b) => b.id}
            rowAttrs={(b) => ({ "data-testid": "budget-row", "data-budget-id": b.id })}
            empty={<Empty>{t("bud.none")}</Empty>}
          />
        )}
      </Card>
    </>
  );
}
