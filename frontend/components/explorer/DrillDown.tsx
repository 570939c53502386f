"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { Table } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, Loading, Money } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { commonApiQuery, sliceQuery, type ExplorerQuery } from "@/lib/query.mjs";
import { useResources } from "@/lib/queries";
import { useLabels } from "./labels";
import type { Drill } from "./useExplorerQuery";

// The top resources of one group, each linking to its own cost page.
export function DrillDown({ q, drill, onClose }: { q: ExplorerQuery; drill: Drill; onClose: () => void }) {
  const { t } = useI18n();
  const res = useResources(commonApiQuery(sliceQuery(q, drill.key)));
  const product = useLabels("product", q);
  const region = useLabels("region", q);
  const account = useLabels("account", q);
  // The panel opens under the table the user clicked in; bring it into view.
  const ref = useRef<HTMLDivElement>(null);
  const keyText = JSON.stringify(drill.key);
  useEffect(() => {
    ref.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  }, [keyText, res.data !== undefined]);
  // The resource page returns to this very view: query, tab and the open drill-down.
  const back = typeof window === "undefined" ? "" : window.location.search.replace(/^\?/, "");
  return (
    <div ref={ref} className="scroll-mt-4">
    <Card
      title={t("exp.drillTitle", { label: drill.label })}
      testId="drilldown"
      extra={
        <Button kind="ghost" onClick={onClose}>
          {t("common.close")}
        </Button>
      }
    >
      <ErrorBox error={res.error} onRetry={() => void res.refetch()} />
      {res.isLoading && <Loading />}
      {res.data && res.data.items.length === 0 && <Empty>{t("exp.noResources")}</Empty>}
      {res.data && res.data.items.length > 0 && (
        <Table
          rows={res.data.items}
          rowKey={(r) => `${r.accountId}|${r.resourceId}|${r.currency}`}
          rowAttrs={(r) => ({ "data-testid": "resource-row", "data-resource-id": r.resourceId })}
          columns={[
            {
              key: "resource",
              header: t("exp.resource"),
              cell: (r) => (
                <>
                  <Link
                    href={`/explorer/resource/?${new URLSearchParams({ id: r.resourceId, start: q.start, end: q.end, metric: q.metric, back })}`}
                    className="text-sky-700 hover:underline"
                  >
                    {r.resourceName || r.resourceId}
                  </Link>
                  {r.resourceName && <div className="text-xs text-slate-400">{r.resourceId}</div>}
                </>
              ),
            },
            { key: "product", header: t("exp.product"), cell: (r) => <span title={r.product}>{product(r.product)}</span> },
            { key: "region", header: t("exp.region"), cell: (r) => <span title={r.region}>{region(r.region)}</span> },
            { key: "account", header: t("exp.account"), cell: (r) => <span title={String(r.accountId)}>{account(String(r.accountId))}</span> },
            { key: "cost", header: t("exp.cost"), numeric: true, cell: (r) => <Money amount={r.cost} currency={r.currency} /> },
          ]}
        />
      )}
    </Card>
    </div>
  );
}
