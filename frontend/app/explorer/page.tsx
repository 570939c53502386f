"use client";

import { Suspense } from "react";
import { Controls } from "@/components/explorer/Controls";
import { CostsView } from "@/components/explorer/CostsView";
import { DiscountsView } from "@/components/explorer/DiscountsView";
import { CopyLink, ExportMenu } from "@/components/explorer/ExportMenu";
import { SavedViews, useOpenSaved } from "@/components/explorer/SavedViews";
import { useExplorerQuery, type ExplorerView } from "@/components/explorer/useExplorerQuery";
import { AppShell } from "@/components/Shell";
import { ErrorBox, Loading, PageHeader } from "@/components/ui";
import { useI18n } from "@/lib/i18n";

// The cost explorer. Its whole state is in the URL (useExplorerQuery); the pieces live in
// components/explorer.
export default function ExplorerPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Explorer />
      </Suspense>
    </AppShell>
  );
}

const TABS: [ExplorerView, string][] = [
  ["costs", "exp.tabCosts"],
  ["discounts", "exp.tabDiscounts"],
];

function Explorer() {
  const { t } = useI18n();
  const s = useExplorerQuery();
  const saved = useOpenSaved(s.saved);
  if (s.saved) {
    // A saved view's link: its query replaces this page's once it is read.
    return saved.error ? <ErrorBox error={saved.error} /> : <Loading />;
  }
  return (
    <>
      <PageHeader title={t("exp.title")}>
        <SavedViews q={s.q} extra={s.extra} />
        <ExportMenu q={s.q} disabled={!s.valid} />
        <CopyLink />
      </PageHeader>
      <Controls q={s.q} problems={s.problems} set={s.set} replace={s.replace} />
      <div className="mb-4 flex gap-1 border-b border-slate-200">
        {TABS.map(([v, label]) => (
          <button
            key={v}
            type="button"
            data-testid={`tab-${v}`}
            onClick={() => s.setView(v)}
            className={`-mb-px border-b-2 px-4 py-2 text-sm font-medium ${
              s.view === v ? "border-sky-600 text-sky-700" : "border-transparent text-slate-500 hover:text-slate-800"
            }`}
          >
            {t(label)}
          </button>
        ))}
      </div>
      {s.valid && s.view === "costs" && <CostsView q={s.q} drill={s.drill} setDrill={s.setDrill} onRange={(r) => s.set(r)} />}
      {s.valid && s.view === "discounts" && <DiscountsView q={s.q} group={s.discountGroup} setGroup={s.setDiscountGroup} />}
    </>
  );
}
