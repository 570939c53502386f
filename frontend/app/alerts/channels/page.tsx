"use client";

import { useState } from "react";
import { AlertTabs } from "@/components/alerts";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Badge, Button, Card, Empty, ErrorBox, Field, inputClass, Loading, PageHeader } from "@/components/ui";
import { answer, client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { useAlertChannels, useInvalidate } from "@/lib/queries";
import type { Channel, ChannelInput, ChannelTest, ChannelType } from "@/lib/types";

export default function ChannelsPage() {
  return (
    <AppShell>
      <Channels />
    </AppShell>
  );
}

const types: ChannelType[] = ["dingtalk", "feishu", "wecom", "slack", "email", "webhook"];
// The types whose requests are signed with a secret (the API's own list).
const signed: ChannelType[] = ["dingtalk", "feishu", "webhook"];

function Channels() {
  const { t, lang } = useI18n();
  const { user } = useAuth();
  const list = useAlertChannels();
  const invalidate = useInvalidate();
  const [tests, setTests] = useState<Record<number, ChannelTest | "running">>({});
  const [error, setError] = useState<unknown>(null);

  const test = async (c: Channel) => {
    setTests((s) => ({ ...s, [c.id]: "running" }));
    try {
      const r = await answer(client.POST("/api/v1/alerts/channels/{id}/test", { params: { path: { id: c.id } } }));
      setTests((s) => ({ ...s, [c.id]: r }));
    } catch (e) {
      setTests((s) => ({ ...s, [c.id]: { ok: false, message: e instanceof Error ? e.message : String(e) } }));
    }
  };
  const remove = async (c: Channel) => {
    if (!window.confirm(t("common.confirmDelete", { name: c.name }))) return;
    try {
      await client.DELETE("/api/v1/alerts/channels/{id}", { params: { path: { id: c.id } } });
      await invalidate("/alerts");
    } catch (e) {
      setError(e);
    }
  };

  const columns: Column<Channel>[] = [
    { key: "name", header: t("common.name"), cell: (c) => <span className="font-medium">{c.name}</span> },
    { key: "type", header: t("alert.channelType"), cell: (c) => t(`alert.type.${c.type}`) },
    {
      key: "target",
      header: t("alert.target"),
      cell: (c) => <span className="break-all text-xs">{c.type === "email" ? c.recipients.join(", ") : c.url}</span>,
    },
    { key: "lang", header: t("alert.language"), cell: (c) => (c.language === "en" ? "English" : "中文") },
    { key: "created", header: t("common.createdAt"), cell: (c) => formatDateTime(c.createdAt, lang) },
    {
      key: "actions",
      header: t("common.actions"),
      cell: (c) => {
        const r = tests[c.id];
        return (
          <div className="space-y-1">
            <div className="flex gap-1">
              <Button onClick={() => void test(c)} disabled={r === "running"} data-testid="channel-test">
                {t("alert.test")}
              </Button>
              {canEdit(user) && (
                <Button kind="danger" onClick={() => void remove(c)} data-testid="channel-delete">
                  {t("common.delete")}
                </Button>
              )}
            </div>
            {r && r !== "running" && (
              <div data-testid="channel-test-result" data-ok={r.ok ? "1" : "0"} className="flex max-w-sm items-start gap-1 text-xs">
                <Badge tone={r.ok ? "green" : "red"}>{r.ok ? t("alert.testOk") : t("alert.testFailed")}</Badge>
                <span className="break-words text-slate-600">{r.message}</span>
              </div>
            )}
          </div>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader title={t("alert.channels")} />
      <AlertTabs />
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      <ErrorBox error={error} />
      <div className="space-y-5">
        <Card>
          {list.isLoading ? (
            <Loading />
          ) : (
            <Table
              testId="channels-table"
              columns={columns}
              rows={list.data?.items ?? []}
              rowKey={(c) => c.id}
              rowAttrs={(c) => ({ "data-testid": "channel-row", "data-channel-id": c.id, "data-name": c.name })}
              empty={<Empty>{t("alert.noChannels")}</Empty>}
            />
          )}
        </Card>
        {canEdit(user) && (
          <Card title={t("alert.addChannel")} className="max-w-2xl">
            <ChannelForm onSaved={() => void invalidate("/alerts")} />
          </Card>
        )}
      </div>
    </>
  );
}

function ChannelForm({ onSaved }: { onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [type, setType] = useState<ChannelType>("dingtalk");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [recipients, setRecipients] = useState("");
  const [language, setLanguage] = useState<"zh" | "en">(lang);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: ChannelInput = { type, name: name.trim(), language };
    if (type === "email") {
      body.recipients = recipients
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean);
    } else {
      body.url = url.trim();
      if (signed.includes(type) && secret !== "") body.secret = secret;
    }
    try {
      await client.POST("/api/v1/alerts/channels", { body });
      setName("");
      setUrl("");
      setSecret("");
      setRecipients("");
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="space-y-4" data-testid="channel-form">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field label={t("alert.channelType")}>
          <select data-testid="channel-type" value={type} onChange={(e) => setType(e.target.value as ChannelType)} className={inputClass}>
            {types.map((ty) => (
              <option key={ty} value={ty}>
                {t(`alert.type.${ty}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("common.name")}>
          <input data-testid="channel-name" required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
        </Field>
        {type === "email" ? (
          <div className="sm:col-span-2">
            <Field label={t("alert.recipients")} hint={t("alert.recipientsHint")}>
              <input data-testid="channel-recipients" required value={recipients} onChange={(e) => setRecipients(e.target.value)} className={inputClass} />
            </Field>
          </div>
        ) : (
          <div className="sm:col-span-2">
            <Field label={t("alert.url")} hint={t(`alert.urlHint.${type}`)}>
              <input data-testid="channel-url" required type="url" value={url} onChange={(e) => setUrl(e.target.value)} className={inputClass} />
            </Field>
          </div>
        )}
        {signed.includes(type) && (
          <Field label={t("alert.secret")} hint={t("alert.secretHint")}>
            <input
              data-testid="channel-secret"
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              className={inputClass}
            />
          </Field>
        )}
        <Field label={t("alert.language")}>
          <select data-testid="channel-language" value={language} onChange={(e) => setLanguage(e.target.value === "en" ? "en" : "zh")} className={inputClass}>
            <option value="zh">中文</option>
            <option value="en">English</option>
          </select>
        </Field>
      </div>
      <ErrorBox error={error} />
      <Button kind="primary" type="submit" disabled={busy} data-testid="channel-save">
        {t("common.create")}
      </Button>
    </form>
  );
}
