"use client";

import { useState } from "react";
import { Button, ErrorBox } from "@/components/ui";
import { download } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { exploreApiParams, focusApiParams, type ExplorerQuery } from "@/lib/query.mjs";

// Downloads of the current query: the explorer table (CSV, Excel) and its line items (FOCUS).
export function ExportMenu({ q, disabled }: { q: ExplorerQuery; disabled: boolean }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const name = `cloudlens-${q.start}-${q.end}`;
  const run = async (path: string, file: string) => {
    setBusy(true);
    setError(null);
    try {
      await download(path, file);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const exports = [
    // Headers and notes in the page's language.
    ["export-csv", "exp.exportCsv", `/costs/explore?${exploreApiParams(q, "csv")}&lang=${lang}`, `${name}.csv`],
    ["export-csv-wide", "bills.exportCsvWide", `/costs/explore?${exploreApiParams(q, "csv")}&layout=wide&lang=${lang}`, `${name}-wide.csv`],
    ["export-xlsx", "exp.exportXlsx", `/costs/explore?${exploreApiParams(q, "xlsx")}&lang=${lang}`, `${name}.xlsx`],
    ["export-focus", "exp.exportFocus", `/costs/focus?${focusApiParams(q, "csv")}`, `${name}-focus.csv`],
    ["export-focus-parquet", "exp.exportFocusParquet", `/costs/focus?${focusApiParams(q, "parquet")}`, `${name}-focus.parquet`],
  ] as const;
  return (
    <div className="flex flex-wrap items-center gap-1">
      <span className="text-sm text-slate-500">{busy ? t("exp.exporting") : t("exp.export")}</span>
      {exports.map(([testId, label, path, file]) => (
        <Button key={testId} disabled={disabled || busy} data-testid={testId} onClick={() => run(path, file)}>
          {t(label)}
        </Button>
      ))}
      {error !== null && (
        <div className="w-full">
          <ErrorBox error={error} />
        </div>
      )}
    </div>
  );
}

// Copies the page URL, which holds the whole query.
export function CopyLink() {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      kind="ghost"
      onClick={async () => {
        await navigator.clipboard?.writeText(window.location.href);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? t("exp.copied") : t("exp.copyLink")}
    </Button>
  );
}
