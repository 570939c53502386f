"use client";

import Link from "next/link";
import { AppShell } from "@/components/Shell";
import { Card, DemoBadge, Empty, ErrorBox, Loading, PageHeader, StatusBadge, td, th } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Account, List } from "@/lib/types";
import { useFetch } from "@/lib/useFetch";

export default function AccountsPage() {
  return (
    <AppShell>
      <Accounts />
    </AppShell>
  );
}

function Accounts() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const list = useFetch<List<Account>>("/accounts");
  const items = list.data?.items;

  return (
    <>
      <PageHeader title={t("acc.title")}>
        <DemoBadge show={list.data?.demo || items?.some((a) => a.demo)} />
        {canEdit(user) && (
          <Link
            href="/accounts/edit/"
            data-testid="add-account"
            className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-700"
          >
            {t("acc.add")}
          </Link>
        )}
      </PageHeader>
      <Card>
        <ErrorBox error={list.error} onRetry={list.reload} />
        {list.loading && !items && <Loading />}
        {items && items.length === 0 && <Empty>{t("acc.empty")}</Empty>}
        {items && items.length > 0 && (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-100" data-testid="accounts-table">
              <thead>
                <tr>
                  <th className={th}>{t("acc.name")}</th>
                  <th className={th}>{t("acc.accountId")}</th>
                  <th className={th}>{t("acc.site")}</th>
                  <th className={th}>{t("acc.authType")}</th>
                  <th className={th}>{t("acc.status")}</th>
                  <th className={th}>{t("acc.lastSync")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {items.map((a) => (
                  <tr key={a.id} data-testid="account-row" data-account-id={a.id} data-name={a.name} className="hover:bg-slate-50">
                    <td className={td}>
                      <Link href={`/accounts/detail/?id=${a.id}`} className="font-medium text-sky-700 hover:underline">
                        {a.name}
                      </Link>
                      {a.demo && <span className="ml-2 text-xs text-amber-700">{t("common.demo")}</span>}
                    </td>
                    <td className={`${td} font-mono text-xs`}>{a.accountId}</td>
                    <td className={td}>{t(`acc.site.${a.site}`)}</td>
                    <td className={td}>{t(`acc.auth.${a.authType}`)}</td>
                    <td className={td}>
                      <StatusBadge status={a.status} />
                      {a.statusMessage && a.status === "failing" && (
                        <div className="mt-1 max-w-xs truncate text-xs text-red-600" title={a.statusMessage}>
                          {a.statusMessage}
                        </div>
                      )}
                    </td>
                    <td className={`${td} whitespace-nowrap`}>
                      {a.lastSyncAt ? formatDateTime(a.lastSyncAt, lang) : t("acc.never")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
