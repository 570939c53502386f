"use client";

import { useState } from "react";
import { AppShell } from "@/components/Shell";
import { Table } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, Field, inputClass, Loading, PageHeader } from "@/components/ui";
import { answer, client } from "@/lib/api";
import { isAdmin, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { APIKey, CreatedAPIKey } from "@/lib/types";
import { useApiKeys, useInvalidate, useUsers } from "@/lib/queries";

export default function APIKeysPage() {
  return (
    <AppShell>
      <APIKeys />
    </AppShell>
  );
}

function APIKeys() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const keys = useApiKeys();
  // Admins see every key: its owner by e-mail, the id in the tooltip.
  const users = useUsers(isAdmin(user));
  const email = (id: number) => users.data?.items.find((u) => u.id === id)?.email ?? String(id);
  const invalidate = useInvalidate();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Pick<CreatedAPIKey, "id" | "name" | "key"> | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setCreated(await answer(client.POST("/api/v1/api-keys", { body: { name: name.trim() } })));
      setName("");
      void invalidate("/api-keys");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: APIKey) => {
    if (!window.confirm(t("keys.confirmRevoke", { name: k.name }))) return;
    setError(null);
    try {
      await client.DELETE("/api/v1/api-keys/{id}", { params: { path: { id: k.id } } });
      if (created?.id === k.id) setCreated(null);
      void invalidate("/api-keys");
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader title={t("keys.title")} />
      <Card className="mb-5">
        <form onSubmit={create} className="flex flex-wrap items-end gap-3" data-testid="key-form">
          <div className="w-72">
            <Field label={t("keys.name")}>
              <input required data-testid="key-name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
            </Field>
          </div>
          <Button kind="primary" type="submit" disabled={busy} data-testid="key-create">
            {t("keys.add")}
          </Button>
        </form>
        {created && (
          <div className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="new-key-box">
            <div className="text-sm font-medium text-amber-900">
              {t("keys.newKey")}: {created.name}
            </div>
            <div className="mt-1 text-xs text-amber-800">{t("keys.shownOnce")}</div>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <code data-testid="new-key" className="break-all rounded bg-white px-2 py-1 font-mono text-sm text-slate-900">
                {created.key}
              </code>
              <Button
                onClick={async () => {
                  await navigator.clipboard?.writeText(created.key);
                  setCopied(true);
                }}
              >
                {copied ? t("keys.copied") : t("keys.copy")}
              </Button>
              <Button kind="ghost" onClick={() => setCreated(null)}>
                {t("common.close")}
              </Button>
            </div>
          </div>
        )}
        <ErrorBox error={error} />
      </Card>
      <Card>
        <ErrorBox error={keys.error} onRetry={() => void keys.refetch()} />
        {keys.isLoading && <Loading />}
        {keys.data && keys.data.items.length === 0 && <Empty>{t("keys.empty")}</Empty>}
        {keys.data && keys.data.items.length > 0 && (
          <Table
            testId="keys-table"
            rows={keys.data.items}
            rowKey={(k) => k.id}
            rowAttrs={(k) => ({ "data-testid": "key-row", "data-name": k.name })}
            columns={[
              { key: "name", header: t("keys.name"), cell: (k) => k.name },
              { key: "prefix", header: t("keys.prefix"), className: "font-mono text-xs", cell: (k) => `${k.prefix}…` },
              ...(isAdmin(user) ? [{ key: "owner", header: t("keys.owner"), cell: (k: APIKey) => <span title={String(k.userId)}>{email(k.userId)}</span> }] : []),
              { key: "created", header: t("common.createdAt"), className: "whitespace-nowrap", cell: (k) => formatDateTime(k.createdAt, lang) },
              {
                key: "actions",
                header: t("common.actions"),
                cell: (k) => (
                  <Button kind="danger" onClick={() => revoke(k)} data-testid="key-revoke">
                    {t("keys.revoke")}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
