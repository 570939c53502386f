"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState } from "react";
import { AppShell } from "@/components/Shell";
import { Button, Card, ErrorBox, Field, Forbidden, inputClass, Loading, PageHeader } from "@/components/ui";
import { answer, client } from "@/lib/api";
import { canEdit, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import type { AccountInput, AuthType, Site } from "@/lib/types";
import { useAccount, useInvalidate } from "@/lib/queries";

// Adds an account (no id) or edits one (?id=3). The AccessKey secret is write-only: the field
// starts empty, and an empty field on edit keeps the stored secret.
export default function AccountEditPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <AccountEdit />
      </Suspense>
    </AppShell>
  );
}

interface Form {
  name: string;
  accountId: string;
  site: Site;
  authType: AuthType;
  accessKeyId: string;
  accessKeySecret: string;
  roleArn: string;
  regions: string;
}

const empty: Form = {
  name: "",
  accountId: "",
  site: "china",
  authType: "access_key",
  accessKeyId: "",
  accessKeySecret: "",
  roleArn: "",
  regions: "",
};

function AccountEdit() {
  const { t } = useI18n();
  const { user } = useAuth();
  const router = useRouter();
  const idParam = useSearchParams().get("id");
  const id = idParam ? Number(idParam) : null;
  const existing = useAccount(id);
  const invalidate = useInvalidate();
  const [form, setForm] = useState<Form>(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const a = existing.data;
    if (!a) return;
    setForm({
      name: a.name,
      accountId: a.accountId,
      site: a.site,
      authType: a.authType,
      accessKeyId: a.accessKeyId || "",
      accessKeySecret: "",
      roleArn: a.roleArn || "",
      regions: a.regions.join(", "),
    });
  }, [existing.data]);

  if (!canEdit(user)) {
    return <Forbidden />;
  }

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body: AccountInput = {
      name: form.name.trim(),
      accountId: form.accountId.trim(),
      site: form.site,
      authType: form.authType,
      accessKeyId: form.authType === "access_key" ? form.accessKeyId.trim() : "",
      roleArn: form.authType === "ram_role" ? form.roleArn.trim() : "",
      regions: form.regions
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean),
    };
    // Only a typed secret is sent: on edit, leaving the field empty keeps the stored one.
    if (form.accessKeySecret !== "") body.accessKeySecret = form.accessKeySecret;
    try {
      const saved = await answer(
        id ? client.PATCH("/api/v1/accounts/{id}", { params: { path: { id } }, body }) : client.POST("/api/v1/accounts", { body }),
      );
      await invalidate("/accounts");
      router.replace(`/accounts/detail/?id=${saved.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={id ? t("acc.editTitle") : t("acc.newTitle")} />
      <ErrorBox error={existing.error} onRetry={() => void existing.refetch()} />
      {existing.isLoading ? (
        <Loading />
      ) : (
        <Card className="max-w-2xl">
          <form onSubmit={submit} className="space-y-4" data-testid="account-form">
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <Field label={t("acc.name")}>
                <input data-testid="acc-name" required value={form.name} onChange={(e) => set("name", e.target.value)} className={inputClass} />
              </Field>
              <Field label={t("acc.accountId")}>
                <input
                  data-testid="acc-account-id"
                  required
                  inputMode="numeric"
                  value={form.accountId}
                  onChange={(e) => set("accountId", e.target.value)}
                  className={inputClass}
                />
              </Field>
              <Field label={t("acc.site")}>
                <select data-testid="acc-site" value={form.site} onChange={(e) => set("site", e.target.value as Site)} className={inputClass}>
                  <option value="china">{t("acc.site.china")}</option>
                  <option value="international">{t("acc.site.international")}</option>
                </select>
              </Field>
              <Field label={t("acc.authType")}>
                <select
                  data-testid="acc-auth-type"
                  value={form.authType}
                  onChange={(e) => set("authType", e.target.value as AuthType)}
                  className={inputClass}
                >
                  <option value="access_key">{t("acc.auth.access_key")}</option>
                  <option value="ram_role">{t("acc.auth.ram_role")}</option>
                </select>
              </Field>
              {form.authType === "access_key" ? (
                <>
                  <Field label={t("acc.accessKeyId")}>
                    <input
                      data-testid="acc-access-key-id"
                      required
                      autoComplete="off"
                      value={form.accessKeyId}
                      onChange={(e) => set("accessKeyId", e.target.value)}
                      className={inputClass}
                    />
                  </Field>
                  <Field label={t("acc.accessKeySecret")} hint={id ? t("acc.secretKeep") : undefined}>
                    <input
                      type="password"
                      data-testid="acc-access-key-secret"
                      required={!id}
                      autoComplete="new-password"
                      value={form.accessKeySecret}
                      onChange={(e) => set("accessKeySecret", e.target.value)}
                      className={inputClass}
                    />
                  </Field>
                </>
              ) : (
                <div className="sm:col-span-2">
                  <Field label={t("acc.roleArn")}>
                    <input
                      data-testid="acc-role-arn"
                      required
                      placeholder="acs:ram::1234567890:role/cloudlens"
                      value={form.roleArn}
                      onChange={(e) => set("roleArn", e.target.value)}
                      className={inputClass}
                    />
                  </Field>
                </div>
              )}
              <div className="sm:col-span-2">
                <Field label={t("acc.regions")}>
                  <input
                    data-testid="acc-regions"
                    placeholder="cn-hangzhou, cn-shanghai"
                    value={form.regions}
                    onChange={(e) => set("regions", e.target.value)}
                    className={inputClass}
                  />
                </Field>
              </div>
            </div>
            <ErrorBox error={error} />
            <div className="flex gap-2">
              <Button kind="primary" type="submit" disabled={busy} data-testid="acc-save">
                {t("common.save")}
              </Button>
              <Button onClick={() => router.back()}>{t("common.cancel")}</Button>
            </div>
          </form>
        </Card>
      )}
    </>
  );
}
