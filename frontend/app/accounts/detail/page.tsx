"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { isNotFound, SyncHistory, SyncNow, TestConnection } from "@/components/accounts";
import { AppShell } from "@/components/Shell";
import { Button, Card, DemoBadge, Empty, ErrorBox, Loading, PageHeader, StatusBadge } from "@/components/ui";
import { client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useAccount, useInvalidate, useSyncs } from "@/lib/queries";

export default function AccountDetailPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <AccountDetail />
      </Suspense>
    </AppShell>
  );
}

function AccountDetail() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const router = useRouter();
  const id = Number(useSearchParams().get("id"));
  const valid = Number.isInteger(id) && id > 0;
  const acc = useAccount(valid ? id : null);
  const syncs = useSyncs(valid ? id : null);
  const invalidate = useInvalidate();
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const a = acc.data;

  if (!valid || (acc.error && isNotFound(acc.error))) {
    return (
      <Card>
        <Empty>
          <span data-testid="account-not-found">{t("acc.notFound")}</span>
        </Empty>
      </Card>
    );
  }

  const remove = async () => {
    if (!a || !window.confirm(t("common.confirmDelete", { name: a.name }))) return;
    try {
      await client.DELETE("/api/v1/accounts/{id}", { params: { path: { id: a.id } } });
      // The account and its costs are gone from every list and figure.
      void invalidate("/accounts");
      void invalidate("/costs");
      router.replace("/accounts/");
    } catch (e) {
      setDeleteError(e);
    }
  };

  return (
    <>
      <PageHeader title={a ? a.name : t("acc.detail")}>
        <DemoBadge show={a?.demo} />
        <Link href="/accounts/" className="text-sm text-sky-700 hover:underline">
          ← {t("common.back")}
        </Link>
        {a && canEdit(user) && (
          <>
            <Link
              href={`/accounts/edit/?id=${a.id}`}
              data-testid="edit-account"
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              {t("common.edit")}
            </Link>
            <Button kind="danger" onClick={remove} data-testid="delete-account">
              {t("common.delete")}
            </Button>
          </>
        )}
      </PageHeader>
      <ErrorBox error={acc.error} onRetry={() => void acc.refetch()} />
      <ErrorBox error={deleteError} />
      {acc.isLoading && <Loading />}
      {a && (
        <div className="space-y-5" data-testid="account-detail" data-account-id={a.id}>
          <Card>
            <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
              <Item label={t("acc.accountId")} value={a.accountId} />
              <Item label={t("acc.site")} value={t(`acc.site.${a.site}`)} />
              <Item label={t("acc.authType")} value={t(`acc.auth.${a.authType}`)} />
              <Item label={t("acc.currency")} value={a.currency} />
              {a.authType === "access_key" ? (
                <>
                  <Item label={t("acc.accessKeyId")} value={a.accessKeyId} />
                  <Item label={t("acc.accessKeySecret")} value={a.hasSecret ? t("acc.secretSet") : t("acc.secretNotSet")} />
                </>
              ) : (
                <Item label={t("acc.roleArn")} value={a.roleArn} />
              )}
              <Item label={t("acc.regions")} value={a.regions.join(", ")} />
              <div>
                <dt className="text-xs text-slate-500">{t("acc.status")}</dt>
                <dd className="mt-1">
                  <StatusBadge status={a.status} />
                  {a.statusMessage && <div className="mt-1 text-xs text-slate-600">{a.statusMessage}</div>}
                </dd>
              </div>
              <Item label={t("acc.lastSync")} value={a.lastSyncAt ? formatDateTime(a.lastSyncAt, lang) : t("acc.never")} />
              <Item label={t("common.createdAt")} value={formatDateTime(a.createdAt, lang)} />
            </dl>
          </Card>
          <div className="grid grid-cols-1 gap-5 md:grid-cols-2">
            <Card title={t("acc.test")}>
              <TestConnection accountId={a.id} />
            </Card>
            {canEdit(user) && (
              <Card title={t("acc.sync")}>
                <SyncNow
                  accountId={a.id}
                  onFinished={() => {
                    // A sync changes the account's status and every cost figure.
                    void invalidate("/accounts");
                    void invalidate("/costs");
                  }}
                />
              </Card>
            )}
          </div>
          <Card title={t("acc.history")}>
            <SyncHistory runs={syncs.data?.items} loading={syncs.isLoading} error={syncs.error} />
          </Card>
        </div>
      )}
    </>
  );
}

function Item({ label, value }: { label: string; value: string | undefined | null }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-1 break-all text-slate-900">{value || "—"}</dd>
    </div>
  );
}
