"use client";

import { BudgetForm } from "@/components/budgets";
import { AppShell } from "@/components/Shell";
import { PageHeader } from "@/components/ui";
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
    return (
      <div data-testid="forbidden" className="rounded-lg border border-slate-200 bg-white p-8 text-center text-slate-600">
        {t("common.forbidden")}
      </div>
    );
  }
  return (
    <>
      <PageHeader title={t("bud.newTitle")} />
      <BudgetForm />
    </>
  );
}
