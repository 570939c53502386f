"use client";

// Picks a cost dimension; "tag" then offers the tag keys with costs in the range (largest
// first, from the API) and yields `tag.<key>`. The key list sits under the dimension, at full
// width, so long keys stay readable.

import { useEffect, useState } from "react";
import { useI18n } from "@/lib/i18n";
import { monthToDateRange } from "@/lib/format.mjs";
import { DIMENSIONS } from "@/lib/query.mjs";
import { useDimensionValues } from "@/lib/queries";
import { inputClass } from "./ui";

export function DimensionSelect({
  value,
  onChange,
  allowNone = false,
  testId,
  range,
}: {
  value: string;
  onChange: (v: string) => void;
  allowNone?: boolean;
  testId?: string;
  range?: { start: string; end: string };
}) {
  const { t } = useI18n();
  const isTag = value.startsWith("tag.");
  const [tagMode, setTagMode] = useState(isTag);
  const r = range ?? monthToDateRange(new Date());
  const keys = useDimensionValues(tagMode ? "tag" : "", { start: r.start, end: r.end, limit: 200 });
  const tagKey = isTag ? value.slice(4) : "";
  // One key per currency in the answer: list each key once.
  const keyList = [...new Set((keys.data?.items ?? []).map((k) => k.value))];
  if (tagKey && !keyList.includes(tagKey)) keyList.unshift(tagKey);

  useEffect(() => {
    if (value.startsWith("tag.")) setTagMode(true);
    else if (value !== "") setTagMode(false);
  }, [value]);

  return (
    <div className="flex min-w-0 flex-col gap-1">
      <select
        data-testid={testId}
        value={tagMode ? "tag" : value}
        onChange={(e) => {
          const v = e.target.value;
          if (v === "tag") {
            setTagMode(true);
          } else {
            setTagMode(false);
            onChange(v);
          }
        }}
        className={inputClass}
      >
        {allowNone && <option value="">{t("exp.none")}</option>}
        {DIMENSIONS.map((d) => (
          <option key={d} value={d}>
            {t(`dim.${d}`)}
          </option>
        ))}
        <option value="tag">{t("dim.tag")}…</option>
      </select>
      {tagMode && (
        <select
          aria-label={t("dim.tagKey")}
          data-testid={testId ? `${testId}-tagkey` : undefined}
          value={tagKey}
          onChange={(e) => e.target.value && onChange(`tag.${e.target.value}`)}
          className={inputClass}
        >
          <option value="">{keys.isLoading ? t("common.loading") : t("dim.tagKeyPick")}</option>
          {keyList.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

export function dimensionLabel(d: string, t: (k: string) => string): string {
  return d.startsWith("tag.") ? `${t("dim.tag")}:${d.slice(4)}` : t(`dim.${d}`);
}
