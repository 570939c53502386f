"use client";

import { useEffect, useMemo, useState } from "react";
import { inputClass } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { useDimensionValuePages } from "@/lib/queries";
import { Money } from "@/components/ui";
import type { Range } from "./labels";
import { mergeValuePages } from "./valuePages.mjs";

// Picks values of a dimension from the ones with costs in the range, by name: a search box
// (matching names and codes) over a list, largest cost first, paged with "more". The codes stay
// visible in each option's tooltip. "More" appends the page after the last one loaded (by its
// cursor) and is gone at the end of the list.
export function ValuePicker({
  dimension,
  range,
  selected,
  onChange,
  testId = "value-picker",
  pageSize = 20,
}: {
  dimension: string;
  range: Range;
  selected: string[];
  onChange: (values: string[]) => void;
  testId?: string;
  pageSize?: number;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [typed, setTyped] = useState("");
  // The search is sent once typing pauses, not per key.
  useEffect(() => {
    const id = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(id);
  }, [typed]);
  const values = useDimensionValuePages(dimension, { start: range.start, end: range.end, q: search || undefined, limit: pageSize });
  // One option per value: a value billed in two currencies has a cost in each.
  const items = useMemo(() => mergeValuePages(values.data?.pages ?? []), [values.data]);
  const toggle = (v: string) => onChange(selected.includes(v) ? selected.filter((s) => s !== v) : [...selected, v]);

  return (
    <div className="w-full" data-testid={testId}>
      <input
        value={typed}
        data-testid={`${testId}-search`}
        placeholder={t("exp.searchValues")}
        aria-label={t("exp.searchValues")}
        onChange={(e) => setTyped(e.target.value)}
        className={inputClass}
      />
      <div
        className="mt-1 max-h-56 overflow-y-auto rounded-md border border-slate-200 bg-white"
        data-testid={`${testId}-list`}
        data-loaded={values.data && !values.isPlaceholderData ? `${dimension}|${search}` : ""}
        data-pages={values.isPlaceholderData ? 0 : (values.data?.pages.length ?? 0)}
      >
        {values.isLoading && <div className="p-2 text-sm text-slate-500">{t("common.loading")}</div>}
        {values.data && items.length === 0 && <div className="p-2 text-sm text-slate-500">{t("exp.noValues")}</div>}
        {items.map((it) => {
          const on = selected.includes(it.value);
          const name = it.value === "" ? t("exp.noValue") : it.label;
          return (
            <label
              key={it.value}
              title={it.value}
              data-testid="value-option"
              data-value={it.value}
              data-label={it.label}
              className={`flex cursor-pointer items-center gap-2 px-2 py-1 text-sm hover:bg-slate-50 ${on ? "bg-sky-50" : ""}`}
            >
              <input type="checkbox" checked={on} onChange={() => toggle(it.value)} />
              <span className="min-w-0 flex-1 truncate">{name}</span>
              {it.costs.map((c) => (
                <Money key={c.currency} amount={c.cost} currency={c.currency} className="text-xs text-slate-500" />
              ))}
            </label>
          );
        })}
        {values.hasNextPage && !values.isPlaceholderData && (
          <button
            type="button"
            className="w-full p-1 text-xs text-sky-700 hover:underline disabled:text-slate-400"
            data-testid={`${testId}-more`}
            disabled={values.isFetchingNextPage}
            onClick={() => void values.fetchNextPage()}
          >
            {t("exp.moreValues")}
          </button>
        )}
      </div>
    </div>
  );
}
