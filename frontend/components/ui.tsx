"use client";

// Small presentational pieces shared by the pages: cards, figures, states and form controls.

import { ApiError } from "@/lib/api";
import { formatMoney, normalizeDecimal } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { errorText } from "@/lib/messages.mjs";

export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mb-5 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      <div className="flex flex-wrap items-center gap-2">{children}</div>
    </div>
  );
}

export function Card({
  title,
  extra,
  children,
  className = "",
  testId,
}: {
  title?: React.ReactNode;
  extra?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section
      data-testid={testId}
      className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}
    >
      {(title || extra) && (
        <header className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
          <h2 className="text-sm font-medium text-slate-700">{title}</h2>
          {extra}
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

// A money figure. data-value carries the API's decimal string in canonical form so tests can
// compare what the page shows with what the API answered.
export function Money({
  amount,
  currency,
  testId,
  className = "",
}: {
  amount: string | number | null | undefined;
  currency: string;
  testId?: string;
  className?: string;
}) {
  const { lang } = useI18n();
  let canonical = "";
  if (amount !== null && amount !== undefined && amount !== "") {
    try {
      canonical = normalizeDecimal(amount);
    } catch {
      canonical = String(amount);
    }
  }
  return (
    <span
      data-testid={testId}
      data-value={canonical}
      data-currency={currency}
      className={`tabular-nums ${className}`}
    >
      {formatMoney(amount, currency, lang)}
    </span>
  );
}

export function DemoBadge({ show }: { show: boolean | undefined }) {
  const { t } = useI18n();
  if (!show) return null;
  return (
    <span
      data-testid="demo-badge"
      title={t("common.demoHint")}
      className="inline-flex items-center rounded-full border border-amber-300 bg-amber-50 px-2.5 py-0.5 text-xs font-medium text-amber-800"
    >
      {t("common.demo")}
    </span>
  );
}

// What a page shows a user whose role may not use it.
export function Forbidden() {
  const { t } = useI18n();
  return (
    <div data-testid="forbidden" className="rounded-lg border border-slate-200 bg-white p-8 text-center text-slate-600">
      {t("common.forbidden")}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div data-testid="loading" className="flex items-center gap-2 py-8 text-sm text-slate-500">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-sky-600" />
      {t("common.loading")}
    </div>
  );
}

export function Empty({ children }: { children?: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <div data-testid="empty" className="py-8 text-center text-sm text-slate-500">
      {children ?? t("common.empty")}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const message = e ? errorText(lang, e) : error instanceof Error ? error.message : String(error);
  return (
    <div
      role="alert"
      data-testid="error"
      data-code={e?.code ?? ""}
      className="my-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
    >
      <div className="font-medium">
        {t("common.error")}
        {e ? ` (${e.status} ${e.code})` : ""}
      </div>
      <div data-testid="error-message" className="mt-1 break-words">
        {message}
      </div>
      {e?.requestId && (
        <div className="mt-1 text-xs text-red-700">
          {t("common.requestId")}: <code data-testid="error-request-id">{e.requestId}</code>
        </div>
      )}
      {onRetry && (
        <button type="button" onClick={onRetry} className="mt-2 text-xs font-medium underline">
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

type ButtonKind = "primary" | "secondary" | "danger" | "ghost";

const buttonKinds: Record<ButtonKind, string> = {
  primary: "bg-sky-600 text-white hover:bg-sky-700 border-sky-600",
  secondary: "bg-white text-slate-700 hover:bg-slate-50 border-slate-300",
  danger: "bg-white text-red-700 hover:bg-red-50 border-red-300",
  ghost: "bg-transparent text-sky-700 hover:bg-sky-50 border-transparent",
};

export function Button({
  kind = "secondary",
  className = "",
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { kind?: ButtonKind }) {
  return (
    <button
      type="button"
      {...props}
      className={`inline-flex items-center justify-center gap-1 rounded-md border px-3 py-1.5 text-sm font-medium transition disabled:cursor-not-allowed disabled:opacity-50 ${buttonKinds[kind]} ${className}`}
    />
  );
}

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500";

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium text-slate-700">{label}</span>
      {children}
      {hint && <span className="mt-1 block text-xs text-slate-500">{hint}</span>}
    </label>
  );
}

const badgeTones = {
  green: "bg-emerald-50 text-emerald-700 border-emerald-200",
  red: "bg-red-50 text-red-700 border-red-200",
  amber: "bg-amber-50 text-amber-700 border-amber-200",
  slate: "bg-slate-50 text-slate-600 border-slate-200",
  sky: "bg-sky-50 text-sky-700 border-sky-200",
};

export function Badge({
  tone,
  children,
  testId,
}: {
  tone: keyof typeof badgeTones;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium ${badgeTones[tone]}`}
    >
      {children}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const tone =
    status === "ok" || status === "succeeded"
      ? "green"
      : status === "failing" || status === "failed"
        ? "red"
        : status === "running" || status === "queued"
          ? "sky"
          : "slate";
  const key = ["ok", "new", "failing"].includes(status) ? `acc.status.${status}` : `acc.run.${status}`;
  return (
    <Badge tone={tone} testId="status">
      {t(key)}
    </Badge>
  );
}

export function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: React.ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div
      className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-slate-900/40 p-4 sm:items-center"
      role="dialog"
      aria-modal="true"
    >
      <div className="w-full max-w-lg rounded-lg bg-white shadow-xl">
        <header className="flex items-center justify-between border-b border-slate-100 px-5 py-3">
          <h2 className="font-medium text-slate-900">{title}</h2>
          <button
            type="button"
            onClick={onClose}
            aria-label={t("common.close")}
            className="text-xl leading-none text-slate-400 hover:text-slate-700"
          >
            ×
          </button>
        </header>
        <div className="px-5 py-4">{children}</div>
      </div>
    </div>
  );
}
