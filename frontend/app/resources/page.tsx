"use client";

import Link from "next/link";
import { useState } from "react";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, DemoBadge, Empty, ErrorBox, Loading, Money, PageHeader, inputClass } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { useAccounts } from "@/lib/queries";
import { resourceTypes, useInventory, type InventoryResource } from "@/lib/resources";

export default function ResourcesPage() {
  return (
    <AppShell>
      <Resources />
    </AppShell>
  );
}

const pageSize = 50;

function Resources() {
  const { t } = useI18n();
  const accounts = useAccounts();
  // The filters being typed, and the ones applied (on submit), so each keystroke does not
  // query the inventory.
  const [draft, setDraft] = useState({ q: "", accountId: "", type: "", region: "", status: "", tag: "" });
  const [applied, setApplied] = useState(draft);
  // Cursors of the pages before the one shown, for "previous".
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const query = {
    limit: pageSize,
    ...(applied.q && { q: applied.q }),
    ...(applied.accountId && { accountId: Number(applied.accountId) }),
    ...(applied.type && { type: applied.type as (typeof resourceTypes)[number] }),
    ...(applied.region && { region: applied.region }),
    ...(applied.status && { status: applied.status }),
    ...(applied.tag && { tag: applied.tag }),
    ...(cursor && { cursor }),
  };
  const list = useInventory(query);
  const data = list.data;

  const columns: Column<InventoryResource>[] = [
    {
      key: "resourceId",
      header: t("res.resourceId"),
      cell: (r) => (
        <Link href={`/resources/detail/?id=${r.id}`} data-testid="resource-link" className="font-mono text-xs text-sky-700 hover:underline">
          {r.resourceId}
        </Link>
      ),
    },
    { key: "name", header: t("common.name"), cell: (r) => r.name },
    { key: "type", header: t("res.type"), cell: (r) => t(`res.type.${r.type}`) },
    { key: "region", header: t("res.region"), cell: (r) => r.region },
    { key: "status", header: t("common.status"), cell: (r) => <span data-testid="resource-status">{r.status}</span> },
    { key: "charge", header: t("res.chargeType"), cell: (r) => (r.chargeType ? t(`res.charge.${r.chargeType}`) : "—") },
    {
      key: "tags",
      header: t("res.tags"),
      cell: (r) => (
        <span className="text-xs text-slate-500">
          {Object.entries(r.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}
        </span>
      ),
    },
    {
      key: "cost",
      header: t("res.monthlyCost"),
      numeric: true,
      cell: (r) => <Money amount={r.monthlyCost} currency={r.currency} testId="resource-cost" />,
    },
  ];

  const set = (k: keyof typeof draft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft({ ...draft, [k]: e.target.value });
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    setCursors([]);
  };

  return (
    <>
      <PageHeader title={t("res.title")}>
        <DemoBadge show={data?.demo} />
      </PageHeader>
      <Card>
        <form onSubmit={apply} className="mb-4 grid grid-cols-2 gap-2 md:grid-cols-4 lg:grid-cols-7" data-testid="resource-filters">
          <input className={inputClass} placeholder={t("res.search")} value={draft.q} onChange={set("q")} data-testid="resource-search" />
          <select className={inputClass} value={draft.accountId} onChange={set("accountId")} data-testid="resource-account">
            <option value="">{t("exp.allAccounts")}</option>
            {(accounts.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <select className={inputClass} value={draft.type} onChange={set("type")} data-testid="resource-type">
            <option value="">{t("res.allTypes")}</option>
            {resourceTypes.map((ty) => (
              <option key={ty} value={ty}>
                {t(`res.type.${ty}`)}
              </option>
            ))}
          </select>
          <input className={inputClass} placeholder={t("res.region")} value={draft.region} onChange={set("region")} data-testid="resource-region" />
          <input className={inputClass} placeholder={t("common.status")} value={draft.status} onChange={set("status")} data-testid="resource-status-filter" />
          <input className={inputClass} placeholder={t("res.tagFilter")} value={draft.tag} onChange={set("tag")} data-testid="resource-tag" />
          <Button kind="primary" type="submit" data-testid="resource-apply">
            {t("res.apply")}
          </Button>
        </form>
        <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
        {list.isLoading ? (
          <Loading />
        ) : (
          <>
            <div className="mb-2 text-xs text-slate-500">{data && t("res.costWindow", { start: data.costStart, end: data.costEnd })}</div>
            <Table
              testId="resources-table"
              columns={columns}
              rows={data?.items ?? []}
              rowKey={(r) => r.id}
              rowAttrs={(r) => ({ "data-testid": "resource-row", "data-resource-id": r.resourceId })}
              empty={<Empty>{t("res.none")}</Empty>}
            />
            <div className="mt-3 flex justify-end gap-2">
              <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))} data-testid="resource-prev">
                {t("res.prev")}
              </Button>
              <Button
                disabled={!data?.nextCursor}
                onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
                data-testid="resource-next"
              >
                {t("res.next")}
              </Button>
            </div>
          </>
        )}
      </Card>
    </>
  );
}
