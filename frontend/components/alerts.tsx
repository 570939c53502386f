"use client";

// Pieces shared by the alert pages: badges for severity, state and delivery status, and the
// links between the three pages.

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Badge } from "@/components/ui";
import { useI18n } from "@/lib/i18n";
import type { AlertState, DeliveryStatus, Severity } from "@/lib/types";

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  const tone = severity === "critical" ? "red" : severity === "warning" ? "amber" : "sky";
  return (
    <Badge tone={tone} testId="alert-severity">
      {t(`alert.severity.${severity}`)}
    </Badge>
  );
}

export function StateBadge({ state }: { state: AlertState }) {
  const { t } = useI18n();
  const tone = state === "firing" ? "red" : state === "acknowledged" ? "amber" : "green";
  return (
    <Badge tone={tone} testId="alert-state">
      {t(`alert.state.${state}`)}
    </Badge>
  );
}

export function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useI18n();
  const tone = status === "sent" ? "green" : status === "failed" ? "red" : "slate";
  return <Badge tone={tone}>{t(`alert.delivery.${status}`)}</Badge>;
}

const tabs = [
  { href: "/alerts/", key: "alert.tab.history" },
  { href: "/alerts/channels/", key: "alert.tab.channels" },
  { href: "/alerts/rules/", key: "alert.tab.rules" },
];

export function AlertTabs() {
  const { t } = useI18n();
  const path = (usePathname() || "/").replace(/\/?$/, "/");
  return (
    <div className="mb-4 flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          data-testid={`alert-tab-${tab.key.slice(10)}`}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${
            path === tab.href ? "border-sky-600 font-medium text-sky-700" : "border-transparent text-slate-600 hover:text-slate-900"
          }`}
        >
          {t(tab.key)}
        </Link>
      ))}
    </div>
  );
}
