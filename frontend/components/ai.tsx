"use client";

// Pieces of the AI analyst shared by its pages: the "how I got this" panel of an answer, the
// dashboard's "explain" button and the anomaly page's.

import { useState } from "react";
import { analyzeChange, explainAnomaly, type AnomalyExplanation, type ChangeAnalysis, type ChatToolCall } from "@/lib/ai";
import { formatMoney } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";
import { Button, ErrorBox, Loading, Modal } from "./ui";

function pretty(s: string): string {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

// HowIGotThis lists the tool calls an answer rests on, with their arguments and results.
export function HowIGotThis({ calls }: { calls: ChatToolCall[] }) {
  const { t } = useI18n();
  if (calls.length === 0) return null;
  return (
    <details className="mt-2 rounded border border-slate-200 bg-slate-50 text-xs" data-testid="how-i-got-this">
      <summary className="cursor-pointer px-2 py-1 text-slate-600">{t("ai.howIGotThis", { count: calls.length })}</summary>
      <ol className="space-y-2 px-2 pb-2">
        {calls.map((c, i) => (
          <li key={i} data-testid="tool-call" data-tool={c.name}>
            <div className="font-medium text-slate-800">
              {t("ai.tool")}: <code data-testid="tool-name">{c.name}</code>
              {c.error && <span className="ml-2 text-red-600">{t("ai.toolError")}</span>}
            </div>
            <div className="text-slate-500">{t("ai.arguments")}:</div>
            <pre className="overflow-x-auto whitespace-pre-wrap rounded bg-white p-1" data-testid="tool-arguments">{pretty(c.arguments || "{}")}</pre>
            <div className="text-slate-500">{t("ai.result")}:</div>
            <pre className="max-h-60 overflow-auto whitespace-pre-wrap rounded bg-white p-1" data-testid="tool-result">{pretty(c.result)}</pre>
          </li>
        ))}
      </ol>
    </details>
  );
}

// useAnalysis runs an analysis when asked and keeps its dialog's state.
function useAnalysis<T>(fetch: () => Promise<T>) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setOpen(true);
    setBusy(true);
    setError(null);
    try {
      setResult(await fetch());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { open, setOpen, busy, result, error, run };
}

// AnalysisDialog shows an analysis while it loads, its error, or what it found.
function AnalysisDialog({
  title,
  busy,
  error,
  onClose,
  children,
}: {
  title: string;
  busy: boolean;
  error: unknown;
  onClose: () => void;
  children: React.ReactNode;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      {busy && <Loading />}
      <ErrorBox error={error} />
      {children}
    </Modal>
  );
}

// Narrative is the wording of an analysis and whether a model or the template wrote it.
function Narrative({ r }: { r: { narrative: string; narrativeSource: string; model?: string; note?: string } }) {
  const { t } = useI18n();
  return (
    <>
      <p className="whitespace-pre-line text-sm text-slate-800" data-testid="narrative">{r.narrative}</p>
      <p className="mt-1 text-xs text-slate-500" data-testid="narrative-source">
        {r.narrativeSource === "model" ? t("ai.byModel", { model: r.model ?? "" }) : t("ai.byTemplate")}
      </p>
      {r.note && <p className="mt-1 text-xs text-amber-700">{r.note}</p>}
    </>
  );
}

// AnomalyExplainButton explains one anomaly: the contributors CloudLens computed first, then
// the narrative.
export function AnomalyExplainButton({ anomalyId }: { anomalyId: number }) {
  const { t, lang } = useI18n();
  const { open, setOpen, busy, result, error, run } = useAnalysis<AnomalyExplanation>(() => explainAnomaly(anomalyId, lang));
  const cur = result?.anomaly.currency ?? "";
  return (
    <>
      <Button onClick={run} data-testid="explain-anomaly">
        {t("ai.explainAnomaly")}
      </Button>
      {open && (
        <AnalysisDialog title={t("ai.explainAnomalyTitle")} busy={busy} error={error} onClose={() => setOpen(false)}>
          {result && (
            <div data-testid="anomaly-explanation">
              <div className="text-xs font-medium text-slate-600">{t("ai.contributors")}</div>
              {result.contributors.length === 0 ? (
                <p className="mt-1 text-xs text-slate-500">{t("ai.noContributor")}</p>
              ) : (
                <table className="mb-3 mt-1 w-full text-xs">
                  <thead>
                    <tr className="text-left text-slate-500">
                      <th className="py-1 font-normal">{t("ano.contrib.dimension")}</th>
                      <th className="py-1 font-normal">{t("ano.contrib.key")}</th>
                      <th className="py-1 text-right font-normal">{t("ano.contrib.delta")}</th>
                      <th className="py-1 text-right font-normal">{t("ano.contrib.share")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.contributors.map((c) => (
                      <tr
                        key={c.dimension + c.key}
                        data-testid="explain-contributor"
                        data-dimension={c.dimension}
                        data-key={c.key}
                        data-delta={c.delta}
                        className="border-b border-slate-100"
                      >
                        <td className="py-1 text-slate-500">{t(`ano.dim.${c.dimension}`)}</td>
                        <td className="py-1">{c.label || c.key}</td>
                        <td className="py-1 text-right tabular-nums">{formatMoney(c.delta, cur, lang)}</td>
                        <td className="py-1 text-right tabular-nums">{`${(c.share * 100).toFixed(1)}%`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <Narrative r={result} />
              <div className="mt-3 text-right">
                <Button onClick={() => setOpen(false)}>{t("common.close")}</Button>
              </div>
            </div>
          )}
        </AnalysisDialog>
      )}
    </>
  );
}

// ExplainButton asks for the root cause of this month's change and shows it.
export function ExplainButton() {
  const { t, lang } = useI18n();
  const { open, setOpen, busy, result, error, run } = useAnalysis<ChangeAnalysis>(() => analyzeChange(lang));
  return (
    <>
      <button type="button" onClick={run} data-testid="explain-change" className="mt-1 text-xs text-sky-700 hover:underline">
        {t("ai.explain")}
      </button>
      {open && (
        <AnalysisDialog title={t("ai.explainTitle")} busy={busy} error={error} onClose={() => setOpen(false)}>
          {result && (
            <div data-testid="explanation">
              <Narrative r={result} />
              {result.items.map((it) => (
                <div key={it.currency} className="mt-3">
                  <div className="text-xs font-medium text-slate-600">{t("ai.contributors")}</div>
                  <table className="mt-1 w-full text-xs">
                    <tbody>
                      {it.contributors.map((c) => (
                        <tr key={c.dimension + c.key} data-testid="contributor" className="border-b border-slate-100">
                          <td className="py-1 text-slate-500">{t(`ai.dim.${c.dimension}`)}</td>
                          <td className="py-1">{c.label}</td>
                          <td className="py-1 text-right tabular-nums">{formatMoney(c.change, it.currency, lang)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ))}
              <div className="mt-3 text-right">
                <Button onClick={() => setOpen(false)}>{t("common.close")}</Button>
              </div>
            </div>
          )}
        </AnalysisDialog>
      )}
    </>
  );
}
