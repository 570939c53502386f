"use client";

import { Table } from "@/components/Table";
import { Card, DemoBadge, Empty, ErrorBox, inputClass, Loading, Money } from "@/components/ui";
import { formatRate } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { rangeApiQuery, type ExplorerQuery } from "@/lib/query.mjs";
import { useDiscounts } from "@/lib/queries";
import { DISCOUNT_GROUPS, type DiscountGroup } from "./useExplorerQuery";

// The discount tab: list price against what was billed, per currency and per group.
export function DiscountsView({ q, group, setGroup }: { q: ExplorerQuery; group: DiscountGroup; setGroup: (g: DiscountGroup) => void }) {
  const { t, lang } = useI18n();
  const res = useDiscounts({ ...rangeApiQuery(q), groupBy: group });
  return (
    <div data-testid="discounts">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <span className="text-sm text-slate-600">{t("exp.discountGroupBy")}</span>
        <div className="w-44">
          <select
            data-testid="discount-groupby"
            value={group}
            onChange={(e) => setGroup(DISCOUNT_GROUPS.find((g) => g === e.target.value) ?? "product")}
            className={inputClass}
          >
            {DISCOUNT_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`dim.${g}`)}
              </option>
            ))}
          </select>
        </div>
        <DemoBadge show={res.data?.demo} />
      </div>
      <ErrorBox error={res.error} onRetry={() => void res.refetch()} />
      {res.isLoading && <Loading />}
      {res.data && res.data.items.length === 0 && (
        <Card>
          <Empty />
        </Card>
      )}
      {res.data?.items.map((d) => (
        <div key={d.currency} className="mb-5 space-y-4" data-testid="discount-item" data-currency={d.currency}>
          <div className="grid grid-cols-2 gap-4 md:grid-cols-4 xl:grid-cols-8">
            {(
              [
                ["exp.listCost", d.listCost],
                ["exp.billedCost", d.billedCost],
                ["exp.discount", d.discount],
                ["exp.coupons", d.coupons],
                ["exp.cashCoupons", d.cashCoupons],
                ["bills.prepaidCard", d.prepaidCard],
                ["bills.resourcePackage", d.resourcePackage],
              ] as const
            ).map(([k, v]) => (
              <div key={k} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <div className="text-xs text-slate-500">{t(k)}</div>
                <Money amount={v} currency={d.currency} className="mt-1 block text-lg font-semibold" />
              </div>
            ))}
            <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <div className="text-xs text-slate-500">{t("exp.discountRate")}</div>
              <div className="mt-1 text-lg font-semibold tabular-nums" data-testid="discount-rate">
                {formatRate(d.discountRate, lang)}
              </div>
            </div>
          </div>
          <Card>
            <Table
              rows={d.groups}
              rowKey={(g) => g.key}
              rowAttrs={(g) => ({ "data-testid": "discount-row", "data-key": g.key })}
              columns={[
                { key: "group", header: t(`dim.${group}`), cell: (g) => g.label },
                { key: "list", header: t("exp.listCost"), numeric: true, cell: (g) => <Money amount={g.listCost} currency={d.currency} /> },
                { key: "billed", header: t("exp.billedCost"), numeric: true, cell: (g) => <Money amount={g.billedCost} currency={d.currency} /> },
                { key: "discount", header: t("exp.discount"), numeric: true, cell: (g) => <Money amount={g.discount} currency={d.currency} /> },
                { key: "rate", header: t("exp.discountRate"), numeric: true, cell: (g) => formatRate(g.discountRate, lang) },
                { key: "coupons", header: t("exp.coupons"), numeric: true, cell: (g) => <Money amount={g.coupons} currency={d.currency} /> },
                {
                  key: "cash",
                  header: t("exp.cashCoupons"),
                  numeric: true,
                  cell: (g) => <Money amount={g.cashCoupons} currency={d.currency} />,
                },
                {
                  key: "prepaid",
                  header: t("bills.prepaidCard"),
                  numeric: true,
                  cell: (g) => <Money amount={g.prepaidCard} currency={d.currency} />,
                },
                {
                  key: "package",
                  header: t("bills.resourcePackage"),
                  numeric: true,
                  cell: (g) => <Money amount={g.resourcePackage} currency={d.currency} />,
                },
              ]}
            />
          </Card>
        </div>
      ))}
    </div>
  );
}
