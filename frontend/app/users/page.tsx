"use client";

import { useState } from "react";
import { AppShell } from "@/components/Shell";
import {
  Badge,
  Button,
  Card,
  Empty,
  ErrorBox,
  Field,
  inputClass,
  Loading,
  Modal,
  PageHeader,
} from "@/components/ui";
import { Table } from "@/components/Table";
import { client } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Account, Role, User } from "@/lib/types";
import { useAccounts, useInvalidate, useUsers } from "@/lib/queries";

const ROLES: Role[] = ["admin", "editor", "viewer"];

export default function UsersPage() {
  return (
    <AppShell adminOnly>
      <Users />
    </AppShell>
  );
}

function Users() {
  const { t, lang } = useI18n();
  const { user: me } = useAuth();
  const users = useUsers();
  const accounts = useAccounts();
  const invalidate = useInvalidate();
  const reload = () => void invalidate("/users");
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const accountName = (id: number) => accounts.data?.items.find((a) => a.id === id)?.name ?? `#${id}`;

  const toggle = async (u: User) => {
    setError(null);
    try {
      await client.PATCH("/api/v1/users/{id}", { params: { path: { id: u.id } }, body: { disabled: !u.disabled } });
      reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (u: User) => {
    if (!window.confirm(t("common.confirmDelete", { name: u.email }))) return;
    setError(null);
    try {
      await client.DELETE("/api/v1/users/{id}", { params: { path: { id: u.id } } });
      reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <PageHeader title={t("users.title")}>
        <Button kind="primary" onClick={() => setEditing("new")} data-testid="add-user">
          {t("users.add")}
        </Button>
      </PageHeader>
      <ErrorBox error={error} />
      <Card>
        <ErrorBox error={users.error} onRetry={() => void users.refetch()} />
        {users.isLoading && <Loading />}
        {users.data && users.data.items.length === 0 && <Empty />}
        {users.data && users.data.items.length > 0 && (
          <Table
            testId="users-table"
            rows={users.data.items}
            rowKey={(u) => u.id}
            rowAttrs={(u) => ({ "data-testid": "user-row", "data-email": u.email })}
            columns={[
              { key: "email", header: t("users.email"), cell: (u) => u.email },
              { key: "name", header: t("users.name"), cell: (u) => u.name },
              { key: "role", header: t("users.role"), cell: (u) => t(`role.${u.role}`) },
              {
                key: "accounts",
                header: t("users.accounts"),
                className: "max-w-xs",
                cell: (u) =>
                  u.role === "admin"
                    ? t("users.allAccountsAdmin")
                    : u.accountIds.length === 0
                      ? t("users.noGrants")
                      : u.accountIds.map(accountName).join(", "),
              },
              {
                key: "status",
                header: t("common.status"),
                cell: (u) =>
                  u.disabled ? <Badge tone="slate">{t("users.disabled")}</Badge> : <Badge tone="green">{t("users.active")}</Badge>,
              },
              { key: "created", header: t("common.createdAt"), className: "whitespace-nowrap", cell: (u) => formatDateTime(u.createdAt, lang) },
              {
                key: "actions",
                header: t("common.actions"),
                className: "whitespace-nowrap",
                cell: (u) => (
                  <>
                    <Button kind="ghost" onClick={() => setEditing(u)} data-testid="edit-user">
                      {t("common.edit")}
                    </Button>
                    {u.id !== me?.id && (
                      <>
                        <Button kind="ghost" onClick={() => toggle(u)}>
                          {u.disabled ? t("users.enable") : t("users.disable")}
                        </Button>
                        <Button kind="ghost" className="text-red-700" onClick={() => remove(u)}>
                          {t("common.delete")}
                        </Button>
                      </>
                    )}
                  </>
                ),
              },
            ]}
          />
        )}
      </Card>
      {editing && (
        <UserForm
          user={editing === "new" ? null : editing}
          accounts={accounts.data?.items ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </>
  );
}

function UserForm({
  user,
  accounts,
  onClose,
  onSaved,
}: {
  user: User | null;
  accounts: Account[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState(user?.email ?? "");
  const [name, setName] = useState(user?.name ?? "");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>(user?.role ?? "viewer");
  const [grants, setGrants] = useState<number[]>(user?.accountIds ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (user) {
        // An empty password field keeps the user's password.
        const body = { name, role, accountIds: grants, ...(password ? { password } : {}) };
        await client.PATCH("/api/v1/users/{id}", { params: { path: { id: user.id } }, body });
      } else {
        await client.POST("/api/v1/users", { body: { email: email.trim(), name, password, role, accountIds: grants } });
      }
      onSaved();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title={user ? t("users.editTitle") : t("users.newTitle")} onClose={onClose}>
      <form onSubmit={submit} className="space-y-4" data-testid="user-form">
        <Field label={t("users.email")}>
          <input
            type="email"
            required
            disabled={Boolean(user)}
            data-testid="user-email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={inputClass}
          />
        </Field>
        <Field label={t("users.name")}>
          <input data-testid="user-name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
        </Field>
        <Field label={t("users.password")} hint={user ? t("users.passwordKeep") : undefined}>
          <input
            type="password"
            required={!user}
            autoComplete="new-password"
            data-testid="user-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={inputClass}
          />
        </Field>
        <Field label={t("users.role")}>
          <select data-testid="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <div>
          <div className="mb-1 text-sm font-medium text-slate-700">{t("users.accounts")}</div>
          {role === "admin" ? (
            <div className="text-sm text-slate-500">{t("users.allAccountsAdmin")}</div>
          ) : (
            <div className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2" data-testid="user-grants">
              {accounts.length === 0 && <div className="text-sm text-slate-500">{t("common.empty")}</div>}
              {accounts.map((a) => (
                <label key={a.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={grants.includes(a.id)}
                    onChange={() => setGrants((g) => (g.includes(a.id) ? g.filter((x) => x !== a.id) : [...g, a.id]))}
                  />
                  {a.name}
                </label>
              ))}
            </div>
          )}
        </div>
        <ErrorBox error={error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button kind="primary" type="submit" disabled={busy} data-testid="user-save">
            {user ? t("common.save") : t("common.create")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
