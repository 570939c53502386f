"use client";

import { useState } from "react";
import { DimensionSelect, dimensionLabel } from "@/components/DimensionSelect";
import { Badge, Button, inputClass } from "@/components/ui";
import { monthToDateRange } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Filter } from "@/lib/query.mjs";
import { useLabels, type Range } from "./labels";
import { ValuePicker } from "./ValuePicker";

// The query's include / exclude filters as chips (by name, the code in the tooltip), and a row
// to add one: a dimension, in or not in, and values picked from those with costs in the range.
export function Filters({ filters, range: given, onChange }: { filters: Filter[]; range?: Range; onChange: (f: Filter[]) => void }) {
  const { t } = useI18n();
  // Without a range of its own (a budget's filters), values come from this month so far.
  const range = given ?? monthToDateRange(new Date());
  const [dimension, setDimension] = useState("product");
  const [op, setOp] = useState<"in" | "notin">("in");
  const [values, setValues] = useState<string[]>([]);

  const add = () => {
    if (values.length === 0 || !dimension) return;
    onChange([...filters, { dimension, op, values }]);
    setValues([]);
  };

  return (
    <div className="mt-4 border-t border-slate-100 pt-3">
      <div className="mb-2 text-sm font-medium text-slate-700">{t("exp.filters")}</div>
      <div className="mb-2 flex flex-wrap gap-2" data-testid="filter-chips">
        {filters.map((f, i) => (
          <FilterChip key={i} f={f} range={range} onRemove={() => onChange(filters.filter((_, j) => j !== i))} />
        ))}
      </div>
      <div className="flex flex-wrap items-start gap-2">
        <div className="w-56">
          <DimensionSelect
            value={dimension}
            range={range}
            onChange={(d) => {
              setDimension(d);
              setValues([]);
            }}
            testId="filter-dimension"
          />
        </div>
        <div className="w-32">
          <select
            value={op}
            data-testid="filter-op"
            onChange={(e) => setOp(e.target.value === "notin" ? "notin" : "in")}
            className={inputClass}
          >
            <option value="in">{t("op.in")}</option>
            <option value="notin">{t("op.notin")}</option>
          </select>
        </div>
        <div className="w-80 max-w-full">
          <ValuePicker dimension={dimension} range={range} selected={values} onChange={setValues} testId="filter-values" />
        </div>
        <Button onClick={add} data-testid="filter-add" disabled={values.length === 0}>
          {t("exp.addFilter")}
          {values.length > 0 ? ` (${values.length})` : ""}
        </Button>
      </div>
    </div>
  );
}

function FilterChip({ f, range, onRemove }: { f: Filter; range: Range; onRemove: () => void }) {
  const { t } = useI18n();
  const label = useLabels(f.dimension, range);
  return (
    <Badge tone="sky" testId="filter-chip">
      <span title={`${f.dimension}:${f.op}:${f.values.join(",")}`}>
        {dimensionLabel(f.dimension, t)} {t(`op.${f.op}`)} {f.values.map((v) => (v === "" ? t("exp.noValue") : label(v))).join(", ")}
      </span>
      <button type="button" aria-label={t("common.delete")} className="ml-1 text-sky-900" onClick={onRemove}>
        ×
      </button>
    </Badge>
  );
}
