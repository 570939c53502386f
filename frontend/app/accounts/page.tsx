"use client";

import Link from "next/link";
import { AppShell } from "@/components/Shell";
import { AccountStatus } from "@/components/accounts";
import { Table } from "@/components/Table";
import { Card, DemoBadge, Empty, ErrorBox, Loading, PageHeader } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useAccounts } from "@/lib/queries";

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
  const list = useAccounts();
  const items = list.data?.items;

  return (
    <>
      <PageHeader title={t("acc.title")}>
        <DemoBadge show={items?.some((a) => a.demo)} />
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
        <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
        {list.isLoading && <Loading />}
        {items && items.length === 0 && <Empty>{t("acc.empty")}</Empty>}
        {items && items.length > 0 && (
          <Table
            testId="accounts-table"
            rows={items}
            rowKey={(a) => a.id}
            hover
            rowAttrs={(a) => ({ "data-testid": "account-row", "data-account-id": a.id, "data-name": a.name })}
            columns={[
              {
                key: "name",
                header: t("acc.name"),
                cell: (a) => (
                  <>
                    <Link href={`/accounts/detail/?id=${a.id}`} className="font-medium text-sky-700 hover:underline">
                      {a.name}
                    </Link>
                    {a.demo && <span className="ml-2 text-xs text-amber-700">{t("common.demo")}</span>}
                  </>
                ),
              },
              { key: "accountId", header: t("acc.accountId"), className: "font-mono text-xs", cell: (a) => a.accountId },
              { key: "site", header: t("acc.site"), cell: (a) => t(`acc.site.${a.site}`) },
              { key: "auth", header: t("acc.authType"), cell: (a) => t(`acc.auth.${a.authType}`) },
              { key: "status", header: t("acc.status"), cell: (a) => <AccountStatus account={a} /> },
              {
                key: "lastSync",
                header: t("acc.lastSync"),
                className: "whitespace-nowrap",
                cell: (a) => (a.lastSyncAt ? formatDateTime(a.lastSyncAt, lang) : t("acc.never")),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
