"use client";

// Picks a cost dimension; "tag" asks for the tag key and yields `tag.<key>`.

import { useEffect, useState } from "react";
import { useI18n } from "@/lib/i18n";
import { DIMENSIONS } from "@/lib/query.mjs";
import { inputClass } from "./ui";

export function DimensionSelect({
  value,
  onChange,
  allowNone = false,
  testId,
}: {
  value: string;
  onChange: (v: string) => void;
  allowNone?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const isTag = value.startsWith("tag.");
  const [tagKey, setTagKey] = useState(isTag ? value.slice(4) : "");
  const [tagMode, setTagMode] = useState(isTag);

  useEffect(() => {
    setTagMode(value.startsWith("tag."));
    if (value.startsWith("tag.")) setTagKey(value.slice(4));
  }, [value]);

  return (
    <div className="flex gap-1">
      <select
        data-testid={testId}
        value={tagMode ? "tag" : value}
        onChange={(e) => {
          const v = e.target.value;
          if (v === "tag") {
            setTagMode(true);
            if (tagKey) onChange(`tag.${tagKey}`);
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
        <input
          aria-label={t("dim.tagKey")}
          placeholder={t("dim.tagKey")}
          value={tagKey}
          onChange={(e) => setTagKey(e.target.value.trim())}
          onBlur={() => tagKey && onChange(`tag.${tagKey}`)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && tagKey) onChange(`tag.${tagKey}`);
          }}
          className={`${inputClass} max-w-28`}
        />
      )}
    </div>
  );
}

export function dimensionLabel(d: string, t: (k: string) => string): string {
  return d.startsWith("tag.") ? `${t("dim.tag")}:${d.slice(4)}` : t(`dim.${d}`);
}
