"use client";

import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { BudgetForm } from "@/components/budgets";
import { AppShell } from "@/components/Shell";
import { Card, Empty, ErrorBox, Forbidden, Loading, PageHeader } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { useBudget } from "@/lib/queries";

export default function EditBudgetPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <EditBudget />
      </Suspense>
    </AppShell>
  );
}

function EditBudget() {
  const { t } = useI18n();
  const { user } = useAuth();
  const id = Number(useSearchParams().get("id"));
  const valid = Number.isInteger(id) && id > 0;
  const budget = useBudget(valid ? id : null);
  if (!canEdit(user)) {
    return <Forbidden />;
  }
  if (!valid) {
    return (
      <Card>
        <Empty>{t("bud.notFound")}</Empty>
      </Card>
    );
  }
  return (
    <>
      <PageHeader title={t("bud.editTitle")} />
      <ErrorBox error={budget.error} onRetry={() => void budget.refetch()} />
      {budget.isLoading && <Loading />}
      {/* Keyed by id so the form starts from the loaded budget. */}
      {budget.data && <BudgetForm key={budget.data.id} budget={budget.data} />}
    </>
  );
}
