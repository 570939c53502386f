"use client";

import { inputClass } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import type { Account } from "@/lib/types";

// A multi-select of accounts; none selected means every account the user may see.
export function AccountPicker({
  accounts,
  selected,
  onChange,
}: {
  accounts: Account[];
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useI18n();
  const label =
    selected.length === 0
      ? t("exp.allAccounts")
      : accounts
          .filter((a) => selected.includes(String(a.id)))
          .map((a) => a.name)
          .join(", ") || selected.join(", ");
  return (
    <details className="relative" data-testid="q-accounts">
      <summary className={`${inputClass} cursor-pointer list-none truncate`}>{label}</summary>
      {/* Anchored at the right edge: the picker is the form's last field, so it opens inward. */}
      <div className="absolute right-0 z-20 mt-1 max-h-64 w-64 max-w-[calc(100vw-2rem)] overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
        {accounts.length === 0 && <div className="p-2 text-sm text-slate-500">{t("common.empty")}</div>}
        {accounts.map((a) => {
          const id = String(a.id);
          const on = selected.includes(id);
          return (
            <label key={id} className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                checked={on}
                onChange={() => onChange(on ? selected.filter((s) => s !== id) : [...selected, id])}
              />
              <span className="truncate">{a.name}</span>
            </label>
          );
        })}
      </div>
    </details>
  );
}
