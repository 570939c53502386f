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
  td,
  th,
} from "@/components/ui";
import { api } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import type { Account, List, Role, User } from "@/lib/types";
import { useFetch } from "@/lib/useFetch";

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
  const users = useFetch<List<User>>("/users");
  const accounts = useFetch<List<Account>>("/accounts");
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const [error, setError] = useState<unknown>(null);
  const accountName = (id: number) => accounts.data?.items.find((a) => a.id === id)?.name ?? `#${id}`;

  const toggle = async (u: User) => {
    setError(null);
    try {
      await api.patch(`/users/${u.id}`, { disabled: !u.disabled });
      users.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (u: User) => {
    if (!window.confirm(t("common.confirmDelete", { name: u.email }))) return;
    setError(null);
    try {
      await api.del(`/users/${u.id}`);
      users.reload();
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
        <ErrorBox error={users.error} onRetry={users.reload} />
        {users.loading && !users.data && <Loading />}
        {users.data && users.data.items.length === 0 && <Empty />}
        {users.data && users.data.items.length > 0 && (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-100" data-testid="users-table">
              <thead>
                <tr>
                  <th className={th}>{t("users.email")}</th>
                  <th className={th}>{t("users.name")}</th>
                  <th className={th}>{t("users.role")}</th>
                  <th className={th}>{t("users.accounts")}</th>
                  <th className={th}>{t("common.status")}</th>
                  <th className={th}>{t("common.createdAt")}</th>
                  <th className={th}>{t("common.actions")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.data.items.map((u) => (
                  <tr key={u.id} data-testid="user-row" data-email={u.email}>
                    <td className={td}>{u.email}</td>
                    <td className={td}>{u.name}</td>
                    <td className={td}>{t(`role.${u.role}`)}</td>
                    <td className={`${td} max-w-xs`}>
                      {u.role === "admin"
                        ? t("users.allAccountsAdmin")
                        : (u.accountIds ?? []).length === 0
                          ? t("users.noGrants")
                          : (u.accountIds ?? []).map(accountName).join(", ")}
                    </td>
                    <td className={td}>
                      {u.disabled ? <Badge tone="slate">{t("users.disabled")}</Badge> : <Badge tone="green">{t("users.active")}</Badge>}
                    </td>
                    <td className={`${td} whitespace-nowrap`}>{formatDateTime(u.createdAt, lang)}</td>
                    <td className={`${td} whitespace-nowrap`}>
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
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {editing && (
        <UserForm
          user={editing === "new" ? null : editing}
          accounts={accounts.data?.items ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            users.reload();
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
        const body: Record<string, unknown> = { name, role, accountIds: grants };
        if (password) body.password = password;
        await api.patch(`/users/${user.id}`, body);
      } else {
        await api.post("/users", { email: email.trim(), name, password, role, accountIds: grants });
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
