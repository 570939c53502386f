"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button, ErrorBox, Field, inputClass, Modal } from "@/components/ui";
import { client } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { toSearchParams, type ExplorerQuery } from "@/lib/query.mjs";
import { useInvalidate, useView, useViews } from "@/lib/queries";

// Saved views: open one of the caller's or the shared views, save the current query under a
// name (shared with everyone, pinned to the dashboard), and copy a view's link.
export function SavedViews({ q, extra }: { q: ExplorerQuery; extra: Record<string, string> }) {
  const { t } = useI18n();
  const router = useRouter();
  const views = useViews();
  const [saving, setSaving] = useState(false);
  const items = views.data?.items ?? [];
  const current = String(toSearchParams(q, extra));
  const open = items.find((v) => v.query === current);
  return (
    <>
      <select
        aria-label={t("views.open")}
        data-testid="views-select"
        value={open ? String(open.id) : ""}
        onChange={(e) => {
          const v = items.find((x) => String(x.id) === e.target.value);
          if (v) router.push(`/explorer/?${v.query}`);
        }}
        className={`${inputClass} w-48`}
      >
        <option value="">{items.length ? t("views.pick") : t("views.none")}</option>
        {items.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
            {v.shared ? ` · ${t("views.sharedMark")}` : ""}
          </option>
        ))}
      </select>
      {open && <ShareLink id={open.id} />}
      <Button data-testid="view-save" onClick={() => setSaving(true)}>
        {t("views.save")}
      </Button>
      {saving && <SaveDialog query={current} onClose={() => setSaving(false)} />}
    </>
  );
}

function ShareLink({ id }: { id: number }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      kind="ghost"
      data-testid="view-link"
      onClick={async () => {
        await navigator.clipboard?.writeText(`${window.location.origin}/explorer/?saved=${id}`);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? t("exp.copied") : t("views.copyLink")}
    </Button>
  );
}

function SaveDialog({ query, onClose }: { query: string; onClose: () => void }) {
  const { t } = useI18n();
  const invalidate = useInvalidate();
  const [name, setName] = useState("");
  const [shared, setShared] = useState(false);
  const [pinned, setPinned] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={t("views.saveTitle")} onClose={onClose}>
      <form
        className="space-y-3"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await client.POST("/api/v1/costs/views", { body: { name: name.trim(), query, shared, pinned } });
            await invalidate("/costs/views");
            onClose();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Field label={t("views.name")}>
          <input data-testid="view-name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} required maxLength={200} />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="view-shared" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          {t("views.shared")}
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="view-pinned" checked={pinned} onChange={(e) => setPinned(e.target.checked)} />
          {t("views.pinned")}
        </label>
        <ErrorBox error={error} />
        <div className="flex justify-end gap-2">
          <Button kind="ghost" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button kind="primary" type="submit" disabled={busy || !name.trim()} data-testid="view-submit">
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

// Opens the saved view named by the page's `saved` parameter (a shared view's link): the
// explorer is replaced by the view's own query.
export function useOpenSaved(savedId: string | null) {
  const router = useRouter();
  const id = savedId && /^[1-9]\d*$/.test(savedId) ? Number(savedId) : null;
  const view = useView(id);
  useEffect(() => {
    if (view.data) router.replace(`/explorer/?${view.data.query}`);
  }, [view.data, router]);
  return view;
}
