"use client";

import { dimensionLabel } from "@/components/DimensionSelect";
import { Table, td, tdNum, type Column } from "@/components/Table";
import { Empty, Money } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import type { PivotRow } from "@/lib/query.mjs";
import { useLabels, type Range } from "./labels";
import type { Drill } from "./useExplorerQuery";

const sticky = "sticky left-0 whitespace-nowrap bg-white font-medium";

// One currency's groups: a row per group with its total, share and a value per period; the
// footer adds up each column. The top-N remainder row offers no drill-down: it is no one slice.
export function ExploreTable({
  dims,
  range,
  pivot,
  currency,
  onDrill,
}: {
  dims: string[];
  range: Range;
  pivot: { periods: string[]; rows: PivotRow[]; periodTotals: string[]; total: string };
  currency: string;
  onDrill: (d: Drill) => void;
}) {
  const { t } = useI18n();
  const grand = Number(pivot.total);
  // Two dimensions show a column each, by name; the code stays in the tooltip.
  const label0 = useLabels(dims.length === 2 ? dims[0] : "", range);
  const label1 = useLabels(dims.length === 2 ? dims[1] : "", range);

  const groupColumns: Column<PivotRow>[] =
    dims.length <= 1
      ? [
          {
            key: "group",
            header: dims.length === 0 ? t("exp.group") : dimensionLabel(dims[0], t),
            headerClassName: "sticky left-0 bg-slate-50",
            className: sticky,
            cell: (r) => <span title={dims.length === 1 && !r.others ? r.key[dims[0]] : undefined}>{r.label}</span>,
          },
        ]
      : dims.map((d, i) => ({
          key: `dim-${d}`,
          header: dimensionLabel(d, t),
          headerClassName: i === 0 ? "sticky left-0 bg-slate-50" : "",
          className: i === 0 ? sticky : "",
          // The remainder has no dimension values: its label stands in the first column.
          cell: (r: PivotRow) =>
            r.others ? (i === 0 ? r.label : "") : <span title={r.key[d]}>{(i === 0 ? label0 : label1)(r.key[d] ?? "")}</span>,
        }));

  const columns: Column<PivotRow>[] = [
    ...groupColumns,
    {
      key: "total",
      header: t("common.total"),
      numeric: true,
      className: "font-medium",
      cell: (r) => <Money amount={r.total} currency={currency} testId="row-total" />,
    },
    {
      key: "share",
      header: "%",
      numeric: true,
      className: "text-slate-500",
      cell: (r) => (grand ? `${((Number(r.total) / grand) * 100).toFixed(1)}%` : "—"),
    },
    ...pivot.periods.map(
      (p, i): Column<PivotRow> => ({
        key: `period-${p}`,
        header: p,
        numeric: true,
        headerClassName: "whitespace-nowrap",
        className: "whitespace-nowrap",
        cell: (r) => <Money amount={r.values[i]} currency={currency} />,
      }),
    ),
    {
      key: "drill",
      header: "",
      cell: (r) =>
        !r.others && (
          <button
            type="button"
            data-testid="drill"
            onClick={() => onDrill({ key: r.key, label: r.label, currency })}
            className="whitespace-nowrap text-xs font-medium text-sky-700 hover:underline"
          >
            {t("exp.drill")}
          </button>
        ),
    },
  ];

  return (
    <Table
      testId="explorer-table"
      attrs={{ "data-currency": currency }}
      columns={columns}
      rows={pivot.rows}
      rowKey={(_, i) => i}
      empty={<Empty />}
      hover
      rowAttrs={(r) => ({
        "data-testid": "explorer-row",
        "data-label": r.label,
        "data-key": JSON.stringify(r.key),
        "data-other": r.others ? "true" : undefined,
        "data-total": r.total,
      })}
      footer={
        <tr data-testid="explorer-footer">
          <td className={`${td} sticky left-0 bg-slate-50`} colSpan={groupColumns.length}>
            {t("common.total")}
          </td>
          <td className={tdNum}>
            <Money amount={pivot.total} currency={currency} testId="table-total" />
          </td>
          <td className={tdNum}>100%</td>
          {pivot.periodTotals.map((v, i) => (
            <td key={i} className={`${tdNum} whitespace-nowrap`}>
              <Money amount={v} currency={currency} />
            </td>
          ))}
          <td />
        </tr>
      }
    />
  );
}
