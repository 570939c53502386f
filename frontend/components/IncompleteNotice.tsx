"use client";

import { useI18n } from "@/lib/i18n";
import { useAccounts } from "@/lib/queries";
import type { Schemas } from "@/lib/api";

type IncompleteList = Schemas["IncompleteList"];

// Beside a figure that covers days whose bills CloudLens could not store whole: which account,
// which days, and why, so nobody reads a short figure as the whole one. Nothing when every day
// the figure covers is complete.
export function IncompleteNotice({ incomplete, testId = "incomplete-notice" }: { incomplete: IncompleteList | undefined; testId?: string }) {
  const { t } = useI18n();
  const accounts = useAccounts();
  if (!incomplete || incomplete.length === 0) return null;
  const names = new Map((accounts.data?.items ?? []).map((a) => [a.id, a.name]));
  const days = incomplete.reduce((n, g) => n + g.dates.length, 0);
  return (
    <div
      role="status"
      data-testid={testId}
      data-days={days}
      className="mb-4 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <div className="font-medium">
        <span className="mr-2 inline-flex items-center rounded-full border border-amber-400 bg-amber-100 px-2 py-0.5 text-xs font-semibold">
          {t("bills.incompleteBadge")}
        </span>
        {t("bills.incompleteTitle", { days: String(days) })}
      </div>
      <ul className="mt-2 space-y-1">
        {incomplete.map((g) => (
          <li key={g.accountId} data-testid="incomplete-row" data-account-id={g.accountId} data-dates={g.dates.join(",")}>
            <span className="font-medium">{names.get(g.accountId) ?? `#${g.accountId}`}</span>
            {": "}
            <span className="tabular-nums">{g.dates.join(", ")}</span>
            <span className="text-amber-800"> — {t("bills.incompleteReason", { reason: g.reason })}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
