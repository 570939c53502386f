"use client";

// The AI analyst's client side: conversations, the streamed answer of a question (server-sent
// events read from a fetch, since EventSource cannot send the access token), analyses and reports.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { answer, authorizedFetch, client, type Schemas } from "./api";
import { loadConfig } from "./config";

export type ChatMessage = Schemas["ChatMessage"];
export type ChatToolCall = Schemas["ChatToolCall"];
export type Conversation = Schemas["Conversation"];
export type ChangeAnalysis = Schemas["ChangeAnalysis"];
export type AnomalyExplanation = Schemas["AnomalyExplanation"];
export type Report = Schemas["Report"];

export const useConversations = () =>
  useQuery({ queryKey: ["api", "/chatbot/conversations"], queryFn: () => answer(client.GET("/api/v1/chatbot/conversations")) });

export function useConversation(id: number | null) {
  return useQuery({
    queryKey: ["api", "/chatbot/conversations", id],
    queryFn: () => answer(client.GET("/api/v1/chatbot/conversations/{id}", { params: { path: { id: id as number } } })),
    enabled: id !== null,
  });
}

export const useReports = () =>
  useQuery({ queryKey: ["api", "/ai/reports"], queryFn: () => answer(client.GET("/api/v1/ai/reports")) });

export function useRefreshAI() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ["api", "/chatbot/conversations"] });
}

export async function newConversation(): Promise<number> {
  const c = await answer(client.POST("/api/v1/chatbot/conversations", { body: {} }));
  return c.id;
}

export interface StreamHandlers {
  onToolCall: (c: ChatToolCall) => void;
  onText: (s: string) => void;
}

// ask sends a question and streams the answer: tool calls as they run, then the text; it
// resolves with the stored message, or rejects with the server's error message.
export async function ask(conversationId: number, content: string, h: StreamHandlers): Promise<ChatMessage> {
  const res = await authorizedFetch(`/api/v1/chatbot/conversations/${conversationId}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify({ content }),
  });
  if (!res.ok || !res.body) {
    let message = `HTTP ${res.status}`;
    try {
      message = (await res.json()).error.message || message;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let final: ChatMessage | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (!data) continue;
      const v = JSON.parse(data);
      if (event === "toolCall") h.onToolCall(v as ChatToolCall);
      else if (event === "text") h.onText((v as { text: string }).text);
      else if (event === "message") final = v as ChatMessage;
      else if (event === "error") throw new Error(v.error?.message || "error");
    }
  }
  if (!final) throw new Error("the answer ended early");
  return final;
}

// The analyze route answers a period's change without anomalyId and an anomaly's explanation with it.
export async function analyzeChange(language: "zh" | "en"): Promise<ChangeAnalysis> {
  return (await answer(client.POST("/api/v1/ai/analyze", { body: { language } }))) as ChangeAnalysis;
}

export async function explainAnomaly(anomalyId: number, language: "zh" | "en"): Promise<AnomalyExplanation> {
  return (await answer(client.POST("/api/v1/ai/analyze", { body: { anomalyId, language } }))) as AnomalyExplanation;
}

export async function makeReport(month: string): Promise<Report> {
  return answer(client.POST("/api/v1/ai/reports", { body: { month } }));
}

// openReport opens a report through its presigned link (which needs no credential).
export async function openReport(id: number, format: "html" | "md"): Promise<string> {
  const link = await answer(client.GET("/api/v1/ai/reports/{id}/download", { params: { path: { id }, query: { format } } }));
  const { apiBase } = await loadConfig();
  const url = link.url.startsWith("/") ? `${apiBase}${link.url}` : link.url;
  window.open(url, "_blank", "noopener");
  return url;
}
