"use client";

import Link from "next/link";
import { useQueries } from "@tanstack/react-query";
import { AccountStatus } from "@/components/accounts";
import { Table } from "@/components/Table";
import { Card, Empty, ErrorBox, Loading, StatusBadge } from "@/components/ui";
import { canEdit, useAuth } from "@/lib/auth";
import { formatNumber, formatTimestamp } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { syncsQuery } from "@/lib/queries";
import type { Account } from "@/lib/types";

// The billing sync of every account: its status, when it last synced and its latest run.
export function SyncStatus({ accounts, error, loading }: { accounts: Account[] | undefined; error: unknown; loading: boolean }) {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  // The latest run per account: a handful of accounts, fetched side by side (and shared with
  // the account pages' history).
  const runs = useQueries({
    queries: (accounts ?? []).map((a) => syncsQuery(a.id)),
  });

  return (
    <Card title={t("dash.syncStatus")} className="mt-5" testId="sync-status">
      <ErrorBox error={error} />
      {loading && !accounts && <Loading />}
      {accounts && accounts.length === 0 && (
        <Empty>
          {t("dash.noAccounts")}{" "}
          {canEdit(user) && (
            <Link href="/accounts/edit/" className="text-sky-700 underline">
              {t("dash.addAccount")}
            </Link>
          )}
        </Empty>
      )}
      {accounts && accounts.length > 0 && (
        <Table
          rows={accounts.map((a, i) => ({ account: a, run: runs[i]?.data?.items[0] }))}
          rowKey={(r) => r.account.id}
          rowAttrs={(r) => ({ "data-testid": "sync-row", "data-account-id": r.account.id })}
          columns={[
            {
              key: "name",
              header: t("acc.name"),
              cell: ({ account: a }) => (
                <>
                  <Link href={`/accounts/detail/?id=${a.id}`} className="text-sky-700 hover:underline">
                    {a.name}
                  </Link>
                  {a.demo && <span className="ml-2 text-xs text-amber-700">{t("common.demo")}</span>}
                </>
              ),
            },
            { key: "status", header: t("acc.status"), cell: ({ account }) => <AccountStatus account={account} /> },
            {
              key: "lastSync",
              header: t("acc.lastSync"),
              cell: ({ account: a }) => (a.lastSyncAt ? formatTimestamp(a.lastSyncAt, lang) : t("acc.never")),
            },
            { key: "lastRun", header: t("dash.lastRun"), cell: ({ run }) => (run ? <StatusBadge status={run.status} /> : "—") },
            { key: "rows", header: t("acc.rows"), numeric: true, cell: ({ run }) => (run ? formatNumber(run.rows, lang) : "—") },
          ]}
        />
      )}
    </Card>
  );
}
