"use client";

// Pieces of the cloud-account pages: connection test, sync with progress, sync history.

import { useCallback, useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { answer, ApiError, client } from "@/lib/api";
import { formatDateTime, formatDuration, formatMoney, formatNumber } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { errorText } from "@/lib/messages.mjs";
import { syncsQuery } from "@/lib/queries";
import type { Account, ConnectionTest, SyncRun } from "@/lib/types";
import { Table } from "./Table";
import { Button, Empty, ErrorBox, Loading, StatusBadge } from "./ui";

export function TestConnection({ accountId }: { accountId: number }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async () => {
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await answer(client.POST("/api/v1/accounts/{id}/test", { params: { path: { id: accountId } } })));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <Button onClick={run} disabled={busy} data-testid="test-connection">
        {busy ? t("acc.testing") : t("acc.test")}
      </Button>
      <div data-testid="test-result" data-ok={result ? String(result.ok) : error ? "false" : ""} className="mt-2">
        {result?.ok && (
          <div className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {t("acc.testOk", { balance: formatMoney(result.balance, result.currency || "CNY", lang) })}
          </div>
        )}
        {result && !result.ok && (
          <div
            role="alert"
            data-testid="test-failed"
            data-cause={result.cause ?? ""}
            data-message-code={result.messageCode ?? ""}
            title={result.message}
            className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {result.cause && <div className="font-medium" data-testid="test-cause">{t(`acc.cause.${result.cause}`)}</div>}
            <div data-testid="test-message">
              {t("acc.testFailed", { message: errorText(lang, { message: result.message, messageCode: result.messageCode, params: result.params }) })}
            </div>
          </div>
        )}
        <ErrorBox error={error} />
      </div>
    </div>
  );
}

const POLL_MS = 2000;

// Starts a sync and follows it through /accounts/{id}/syncs until the run has finished.
export function useSync(accountId: number, onFinished: () => void) {
  const [run, setRun] = useState<SyncRun | null>(null);
  const [syncId, setSyncId] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  const queries = useQueryClient();

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const poll = useCallback(
    async (id: number) => {
      try {
        // Through the cache, so the history on the page follows the run as well.
        const list = await queries.fetchQuery({ ...syncsQuery(accountId), staleTime: 0 });
        const r = list.items.find((x) => x.id === id) ?? null;
        setRun(r);
        // A "sync now" run is queued until the worker picks it up, then running.
        if (r && r.status !== "running" && r.status !== "queued") {
          setSyncId(null);
          finished.current();
          return;
        }
      } catch (e) {
        setError(e);
        setSyncId(null);
        return;
      }
      timer.current = setTimeout(() => void poll(id), POLL_MS);
    },
    [accountId, queries],
  );

  const start = useCallback(async () => {
    setError(null);
    setRun(null);
    try {
      const { syncId: id } = await answer(client.POST("/api/v1/accounts/{id}/sync", { params: { path: { id: accountId } } }));
      setSyncId(id);
      void poll(id);
    } catch (e) {
      setError(e);
    }
  }, [accountId, poll]);

  return { start, run, running: syncId !== null, error };
}

// How far a run is through its days: the days fetched of the days in its window.
export function SyncBar({ run }: { run: SyncRun }) {
  const { t, lang } = useI18n();
  const pct = run.days > 0 ? Math.min(100, Math.round((run.daysDone / run.days) * 100)) : 0;
  return (
    <div className="mt-1" data-testid="sync-bar" data-done={run.daysDone} data-days={run.days}>
      <div className="h-1.5 w-64 max-w-full rounded-full bg-slate-100">
        <div className="h-1.5 rounded-full bg-sky-500 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <div className="mt-0.5 text-xs text-slate-500">
        {t("acc.syncDays", { done: formatNumber(run.daysDone, lang), days: formatNumber(run.days, lang), pct })}
      </div>
    </div>
  );
}

export function SyncNow({ accountId, onFinished }: { accountId: number; onFinished: () => void }) {
  const { t, lang } = useI18n();
  const { start, run, running, error } = useSync(accountId, onFinished);
  return (
    <div>
      <Button kind="primary" onClick={start} disabled={running} data-testid="sync-now">
        {running ? t("acc.syncing") : t("acc.sync")}
      </Button>
      <div className="mt-2 text-sm" data-testid="sync-progress" data-status={run?.status ?? (running ? "running" : "")}>
        {running && (
          <div className="flex items-center gap-2 text-sky-700">
            <span className="h-3 w-3 animate-spin rounded-full border-2 border-sky-200 border-t-sky-600" />
            {t("acc.syncStarted")}
            {run && ` · ${t("acc.pages")} ${formatNumber(run.pages, lang)} · ${t("acc.rows")} ${formatNumber(run.rows, lang)}`}
          </div>
        )}
        {running && run && run.days > 0 && <SyncBar run={run} />}
        {!running && run?.status === "succeeded" && (
          <div className="text-emerald-700">{t("acc.syncDone", { rows: formatNumber(run.rows, lang) })}</div>
        )}
        {!running && run?.status === "failed" && (
          <div role="alert" className="text-red-700">
            {t("acc.syncFailed", { error: run.error })}
          </div>
        )}
        <ErrorBox error={error} />
      </div>
    </div>
  );
}

export function SyncHistory({ runs, loading, error }: { runs: SyncRun[] | undefined; loading: boolean; error: unknown }) {
  const { t, lang } = useI18n();
  if (error) return <ErrorBox error={error} />;
  if (loading && !runs) return <Loading />;
  if (!runs || runs.length === 0) return <Empty>{t("acc.noHistory")}</Empty>;
  return (
    <Table
      testId="sync-history"
      rows={runs}
      rowKey={(r) => r.id}
      rowAttrs={(r) => ({ "data-testid": "sync-run", "data-status": r.status })}
      columns={[
        { key: "started", header: t("acc.startedAt"), className: "whitespace-nowrap", cell: (r) => formatDateTime(r.startedAt, lang) },
        { key: "status", header: t("common.status"), cell: (r) => <StatusBadge status={r.status} /> },
        { key: "window", header: t("acc.window"), className: "whitespace-nowrap", cell: (r) => `${r.windowStart} – ${r.windowEnd}` },
        {
          key: "days",
          header: t("acc.syncDaysHeader"),
          numeric: true,
          cell: (r) => (r.status === "running" && r.days > 0 ? <SyncBar run={r} /> : formatNumber(r.days, lang)),
        },
        { key: "pages", header: t("acc.pages"), numeric: true, cell: (r) => formatNumber(r.pages, lang) },
        { key: "rows", header: t("acc.rows"), numeric: true, cell: (r) => formatNumber(r.rows, lang) },
        { key: "rejected", header: t("acc.rejected"), numeric: true, cell: (r) => formatNumber(r.rejected, lang) },
        { key: "duration", header: t("acc.duration"), numeric: true, cell: (r) => formatDuration(r.startedAt, r.finishedAt) },
        {
          key: "error",
          header: t("acc.errorCol"),
          className: "max-w-xs truncate text-red-700",
          cell: (r) => <span title={r.error}>{r.error}</span>,
        },
      ]}
    />
  );
}

// An account's status, with the reason when it is failing.
export function AccountStatus({ account }: { account: Account }) {
  return (
    <>
      <StatusBadge status={account.status} />
      {account.status === "failing" && account.statusMessage && (
        <div className="mt-1 max-w-xs truncate text-xs text-red-600" title={account.statusMessage}>
          {account.statusMessage}
        </div>
      )}
    </>
  );
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.status === 403);
}
