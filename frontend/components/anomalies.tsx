"use client";

// Pieces the anomaly pages and the dashboard share: what an anomaly is about, its kind and
// status badges, and the dashboard's card of open anomalies.

import Link from "next/link";
import { Badge, Card, Empty, ErrorBox, Loading, Money } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import { useAnomalies, type Anomaly } from "@/lib/anomalies";
import type { Account } from "@/lib/types";

export function anomalySubject(a: Anomaly, accounts: Account[] | undefined, t: (k: string) => string): string {
  const acct = a.accountId === 0 ? t("ano.allAccounts") : (accounts?.find((x) => x.id === a.accountId)?.name ?? `#${a.accountId}`);
  const what =
    a.dimension === "account" ? t("ano.monitor.dim.account") : a.dimension === "tag" ? `${a.key}=${a.value}` : a.value;
  return a.monitor.name && a.dimension !== "account_product" && a.dimension !== "product" && a.dimension !== "account"
    ? `${a.monitor.name} · ${acct}`
    : `${what} · ${acct}`;
}

export function days(a: Anomaly): string {
  return a.startDate === a.endDate ? a.startDate : `${a.startDate} – ${a.endDate}`;
}

export function KindBadge({ kind }: { kind: string }) {
  const { t } = useI18n();
  const tone = kind === "drop" ? "green" : kind === "spike" ? "red" : "amber";
  return (
    <Badge tone={tone} testId="anomaly-kind">
      {t(`ano.kind.${kind}`)}
    </Badge>
  );
}

export function AnomalyStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const tone = status === "open" ? "red" : status === "acknowledged" ? "sky" : "slate";
  return (
    <Badge tone={tone} testId="anomaly-status">
      {t(`ano.status.${status}`)}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useI18n();
  const tone = severity === "critical" ? "red" : severity === "warning" ? "amber" : "slate";
  return <Badge tone={tone}>{t(`ano.severity.${severity}`)}</Badge>;
}

// The dashboard's card: the five largest open anomalies.
export function OpenAnomaliesCard({ accounts }: { accounts: Account[] | undefined }) {
  const { t } = useI18n();
  const q = useAnomalies({ status: "open", limit: 5 });
  return (
    <Card title={t("ano.dash.title")} className="mt-5" testId="open-anomalies">
      <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
      {q.isLoading && <Loading />}
      {q.data && q.data.items.length === 0 && <Empty>{t("ano.dash.none")}</Empty>}
      {q.data && q.data.items.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {q.data.items.map((a) => (
            <li key={a.id} className="flex items-center justify-between gap-3 py-2 text-sm" data-testid="open-anomaly">
              <Link href={`/anomalies/detail/?id=${a.id}`} className="min-w-0 truncate text-sky-700 hover:underline">
                {anomalySubject(a, accounts, t)}
              </Link>
              <span className="flex shrink-0 items-center gap-2">
                <KindBadge kind={a.kind} />
                <span className="text-xs text-slate-500">{days(a)}</span>
                <Money amount={a.impact} currency={a.currency} className="font-medium" testId="open-anomaly-impact" />
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-2 text-right text-sm">
        <Link href="/anomalies/" className="text-sky-700 hover:underline">
          {t("ano.dash.all")}
        </Link>
      </div>
    </Card>
  );
}
