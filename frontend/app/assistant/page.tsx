"use client";

import { useEffect, useRef, useState } from "react";
import { HowIGotThis } from "@/components/ai";
import { AppShell } from "@/components/Shell";
import { Button, Card, ErrorBox, PageHeader, inputClass } from "@/components/ui";
import { ask, newConversation, useConversation, useConversations, useRefreshAI, type ChatMessage, type ChatToolCall } from "@/lib/ai";
import { useI18n } from "@/lib/i18n";

export default function AssistantPage() {
  return (
    <AppShell>
      <Assistant />
    </AppShell>
  );
}

interface Shown {
  role: "user" | "assistant";
  content: string;
  toolCalls: ChatToolCall[];
  pending?: boolean;
  failed?: boolean;
}

function fromStored(m: ChatMessage): Shown {
  return { role: m.role, content: m.content, toolCalls: m.toolCalls };
}

function Assistant() {
  const { t } = useI18n();
  const list = useConversations();
  const refresh = useRefreshAI();
  const [id, setId] = useState<number | null>(null);
  const conv = useConversation(id);
  const [shown, setShown] = useState<Shown[]>([]);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (conv.data && !busy) setShown((conv.data.messages ?? []).map(fromStored));
    // Only a newly loaded conversation replaces what is shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conv.data]);
  // A block body: scrollIntoView returns a promise in newer browsers, and an effect must not.
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [shown]);

  const send = async (question: string) => {
    const q = question.trim();
    if (!q || busy) return;
    setBusy(true);
    setInput("");
    const update = (fn: (a: Shown) => Shown) =>
      setShown((s) => [...s.slice(0, -1), fn(s[s.length - 1])]);
    setShown((s) => [...s, { role: "user", content: q, toolCalls: [] }, { role: "assistant", content: "", toolCalls: [], pending: true }]);
    try {
      let cid = id;
      if (cid === null) {
        cid = await newConversation();
        setId(cid);
      }
      const m = await ask(cid, q, {
        onToolCall: (c) => update((a) => ({ ...a, toolCalls: [...a.toolCalls, c] })),
        onText: (s) => update((a) => ({ ...a, content: a.content + s })),
      });
      update(() => fromStored(m));
      void refresh();
    } catch (e) {
      update((a) => ({ ...a, pending: false, failed: true, content: t("ai.failed", { message: e instanceof Error ? e.message : String(e) }) }));
    } finally {
      setBusy(false);
    }
  };

  const suggestions = ["ai.q1", "ai.q2", "ai.q3", "ai.q4"].map((k) => t(k));
  return (
    <>
      <PageHeader title={t("ai.title")}>
        <Button
          onClick={() => {
            setId(null);
            setShown([]);
          }}
          data-testid="new-conversation"
        >
          {t("ai.new")}
        </Button>
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-[14rem_1fr]">
        <Card>
          <div className="mb-2 text-xs font-medium uppercase text-slate-500">{t("ai.conversations")}</div>
          <ErrorBox error={list.error} />
          <ul className="space-y-1 text-sm" data-testid="conversations">
            {(list.data?.items ?? []).map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  onClick={() => setId(c.id)}
                  className={`w-full truncate rounded px-2 py-1 text-left hover:bg-slate-100 ${c.id === id ? "bg-sky-50 text-sky-800" : ""}`}
                >
                  {c.title || `#${c.id}`}
                </button>
              </li>
            ))}
            {list.data && list.data.items.length === 0 && <li className="text-slate-400">{t("ai.noConversations")}</li>}
          </ul>
        </Card>
        <Card>
          <p className="mb-3 text-sm text-slate-600">{t("ai.intro")}</p>
          <div className="space-y-3" data-testid="messages">
            {shown.map((m, i) => (
              <div key={i} data-testid={`message-${m.role}`} className={m.role === "user" ? "text-right" : ""}>
                <div className="text-xs text-slate-400">{m.role === "user" ? t("ai.you") : t("ai.assistant")}</div>
                <div
                  className={`inline-block max-w-full whitespace-pre-wrap rounded-lg px-3 py-2 text-left text-sm ${
                    m.role === "user" ? "bg-sky-600 text-white" : m.failed ? "bg-red-50 text-red-700" : "bg-slate-100 text-slate-900"
                  }`}
                  data-testid="message-content"
                >
                  {m.content || (m.pending ? t("ai.thinking") : "")}
                </div>
                {m.role === "assistant" && <HowIGotThis calls={m.toolCalls} />}
              </div>
            ))}
            <div ref={end} />
          </div>
          {shown.length === 0 && (
            <div className="mb-3">
              <div className="mb-1 text-xs text-slate-500">{t("ai.suggested")}</div>
              <div className="flex flex-wrap gap-2">
                {suggestions.map((s) => (
                  <Button key={s} onClick={() => void send(s)} data-testid="suggested-question">
                    {s}
                  </Button>
                ))}
              </div>
            </div>
          )}
          <form
            className="mt-4 flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void send(input);
            }}
          >
            <input
              className={inputClass}
              value={input}
              maxLength={4000}
              onChange={(e) => setInput(e.target.value)}
              placeholder={t("ai.placeholder")}
              data-testid="question"
            />
            <Button kind="primary" type="submit" disabled={busy || !input.trim()} data-testid="send" className="shrink-0 whitespace-nowrap">
              {t("ai.send")}
            </Button>
          </form>
        </Card>
      </div>
    </>
  );
}
