"use client";

import Link from "next/link";
import { Card, ErrorBox, Money } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { exploreApiQuery, parseExplorerQuery } from "@/lib/query.mjs";
import { useExplore, useViews } from "@/lib/queries";
import type { Schemas } from "@/lib/api";

type View = Schemas["CostView"];

// Saved explorer views pinned to the dashboard, one card each with the view's totals (in the
// reader's own scope) and a link that reopens it in the explorer.
export function PinnedViews() {
  const { t } = useI18n();
  const views = useViews();
  const pinned = (views.data?.items ?? []).filter((v) => v.pinned);
  if (views.error) return <ErrorBox error={views.error} />;
  if (pinned.length === 0) return null;
  return (
    <div className="mb-6" data-testid="pinned-views">
      <h2 className="mb-3 text-base font-semibold text-slate-800">{t("dash.pinnedViews")}</h2>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
        {pinned.map((v) => (
          <PinnedView key={v.id} view={v} />
        ))}
      </div>
    </div>
  );
}

function PinnedView({ view }: { view: View }) {
  const { t } = useI18n();
  const q = parseExplorerQuery(new URLSearchParams(view.query), new Date());
  const explore = useExplore({ ...exploreApiQuery(q), groupBy: undefined, granularity: "month" });
  return (
    <Card
      title={view.name}
      testId="pinned-view"
      extra={
        <Link href={`/explorer/?${view.query}`} className="text-xs text-sky-700 hover:underline" data-testid="pinned-view-open">
          {t("views.open")}
        </Link>
      }
    >
      <div className="text-xs text-slate-500">
        {q.start} – {q.end}
      </div>
      <ErrorBox error={explore.error} />
      {explore.data?.items.map((it) => (
        <div key={it.currency} className="mt-1 text-lg font-semibold">
          <Money amount={it.total} currency={it.currency} testId="pinned-view-total" />
        </div>
      ))}
    </Card>
  );
}
