// A scripted model speaking the OpenAI chat-completions protocol (streaming included), for the
// browser tests of the AI pages: scripts/e2e.sh starts it and points the local CloudLens at it.
// A question gets one cost_overview call; the answer quotes the figures the tool returned.
// Requests without tools (narratives) get a fixed sentence. It listens on loopback only.

import { createServer } from "node:http";

function hasHan(s) {
  return /\p{Script=Han}/u.test(s || "");
}

function reply(body) {
  const msgs = body.messages || [];
  const last = msgs[msgs.length - 1] || {};
  if (!body.tools) return { text: "The scripted model read CloudLens's figures: the largest contributor is listed first." };
  if (last.role === "user") return { calls: [{ name: "cost_overview", args: "{}" }] };
  if (last.role === "tool") {
    const question = [...msgs].reverse().find((m) => m.role === "user")?.content || "";
    let o;
    try {
      o = JSON.parse(last.content);
    } catch {
      return { text: "The tool answered something I cannot read." };
    }
    const it = (o.items || [])[0];
    if (!it) return { text: hasHan(question) ? "没有费用数据。" : "There is no cost data." };
    return {
      text: hasHan(question)
        ? `本月至今花费 ${it.currency} ${it.monthToDate}，上月同期 ${it.currency} ${it.lastMonthSamePeriod}（数据来自 cost_overview）。`
        : `Month to date you spent ${it.currency} ${it.monthToDate}, against ${it.currency} ${it.lastMonthSamePeriod} in the same days of last month (from cost_overview).`,
    };
  }
  return { text: "…" };
}

let n = 0;
const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
    res.writeHead(404, { "Content-Type": "application/json" }).end('{"error":{"message":"not found"}}');
    return;
  }
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const body = JSON.parse(raw);
    const r = reply(body);
    n++;
    const calls = (r.calls || []).map((c, i) => ({ id: `call_${n}_${i}`, type: "function", function: { name: c.name, arguments: c.args } }));
    const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
    const finish = calls.length ? "tool_calls" : "stop";
    if (!body.stream) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ id: "stub", object: "chat.completion", model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: r.text || "", tool_calls: calls.length ? calls : undefined }, finish_reason: finish }], usage }));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    const send = (v) => res.write(`data: ${JSON.stringify(v)}\n\n`);
    const chunk = (delta, fr = null) => ({ id: "stub", object: "chat.completion.chunk", model: body.model, choices: [{ index: 0, delta, finish_reason: fr }] });
    const text = [...(r.text || "")];
    for (let i = 0; i < text.length; i += 6) send(chunk({ role: "assistant", content: text.slice(i, i + 6).join("") }));
    calls.forEach((c, i) => send(chunk({ tool_calls: [{ index: i, ...c }] })));
    send(chunk({}, finish));
    send({ id: "stub", object: "chat.completion.chunk", model: body.model, choices: [], usage });
    res.end("data: [DONE]\n\n");
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`model stub at http://127.0.0.1:${server.address().port}/v1`);
});
