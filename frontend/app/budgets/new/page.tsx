"use client";

import { BudgetForm } from "@/components/budgets";
import { AppShell } from "@/components/Shell";
import { Forbidden, PageHeader } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";

export default function NewBudgetPage() {
  return (
    <AppShell>
      <NewBudget />
    </AppShell>
  );
}

function NewBudget() {
  const { t } = useI18n();
  const { user } = useAuth();
  if (!canEdit(user)) {
    return <Forbidden />;
  }
  return (
    <>
      <PageHeader title={t("bud.newTitle")} />
      <BudgetForm />
    </>
  );
}
