"use client";

import { useState } from "react";
import { DimensionSelect, dimensionLabel } from "@/components/DimensionSelect";
import { Badge, Button, inputClass } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import type { Filter } from "@/lib/query.mjs";

// The query's include / exclude filters as chips, and a row to add one.
export function Filters({ filters, onChange }: { filters: Filter[]; onChange: (f: Filter[]) => void }) {
  const { t } = useI18n();
  const [dimension, setDimension] = useState("product");
  const [op, setOp] = useState<"in" | "notin">("in");
  const [values, setValues] = useState("");

  const add = () => {
    const vals = values
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean);
    if (vals.length === 0 || !dimension) return;
    onChange([...filters, { dimension, op, values: vals }]);
    setValues("");
  };

  return (
    <div className="mt-4 border-t border-slate-100 pt-3">
      <div className="mb-2 text-sm font-medium text-slate-700">{t("exp.filters")}</div>
      <div className="mb-2 flex flex-wrap gap-2" data-testid="filter-chips">
        {filters.map((f, i) => (
          <Badge key={i} tone="sky" testId="filter-chip">
            {dimensionLabel(f.dimension, t)} {t(`op.${f.op}`)} {f.values.join(", ")}
            <button
              type="button"
              aria-label={t("common.delete")}
              className="ml-1 text-sky-900"
              onClick={() => onChange(filters.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </Badge>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <div className="w-48">
          <DimensionSelect value={dimension} onChange={setDimension} testId="filter-dimension" />
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
        <div className="w-56">
          <input
            value={values}
            data-testid="filter-values"
            placeholder={t("exp.filterValues")}
            onChange={(e) => setValues(e.target.value)}
            onKeyDown={(e) => e.key === "Enter" && add()}
            className={inputClass}
          />
        </div>
        <Button onClick={add} data-testid="filter-add">
          {t("exp.addFilter")}
        </Button>
      </div>
    </div>
  );
}
