"use client";

import Link from "next/link";
import { Table } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, Loading, Money } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { commonApiQuery, sliceQuery, type ExplorerQuery } from "@/lib/query.mjs";
import { useResources } from "@/lib/queries";
import type { Drill } from "./useExplorerQuery";

// The top resources of one group, each linking to its own cost page.
export function DrillDown({ q, drill, onClose }: { q: ExplorerQuery; drill: Drill; onClose: () => void }) {
  const { t } = useI18n();
  const res = useResources(commonApiQuery(sliceQuery(q, drill.key)));
  return (
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
                    href={`/explorer/resource/?${new URLSearchParams({ id: r.resourceId, start: q.start, end: q.end, metric: q.metric })}`}
                    className="text-sky-700 hover:underline"
                  >
                    {r.resourceName || r.resourceId}
                  </Link>
                  {r.resourceName && <div className="text-xs text-slate-400">{r.resourceId}</div>}
                </>
              ),
            },
            { key: "product", header: t("exp.product"), cell: (r) => r.product },
            { key: "region", header: t("exp.region"), cell: (r) => r.region },
            { key: "account", header: t("exp.account"), cell: (r) => String(r.accountId) },
            { key: "cost", header: t("exp.cost"), numeric: true, cell: (r) => <Money amount={r.cost} currency={r.currency} /> },
          ]}
        />
      )}
    </Card>
  );
}
