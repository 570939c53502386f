// Browser tests of the AI pages against a scripted model (e2e/model-stub.mjs, started by
// scripts/e2e.sh): the assistant streams an answer whose figures are the cost API's and shows
// the tool call it rests on; the dashboard explains its change; an anomaly is explained with
// the anomaly API's contributors; reports are made and opened, the monthly job's with its
// anomaly and savings sections.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Api, BASE_URL, launch, screenshot, signIn, skipReason } from "./helpers.mjs";

const skip = skipReason();
if (skip) console.log(`e2e: ${skip}`);

async function waitForFirstSync(api) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const accounts = (await api.get("/accounts")).items;
    let pending = accounts.length === 0;
    for (const a of accounts) {
      const runs = (await api.get(`/accounts/${a.id}/syncs`)).items;
      if (runs.length === 0 || runs.some((r) => r.status === "queued" || r.status === "running")) pending = true;
    }
    if (!pending) return;
    if (Date.now() > deadline) throw new Error("the first bill sync did not finish within 3 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
}

// runJob runs job name now with body and waits for its run to end; a run skipped because the
// chained one was going is retried.
async function runJob(api, name, body = {}) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { runId } = await api.post(`/jobs/${name}/run`, body);
    let run;
    for (;;) {
      run = (await api.get(`/jobs/${name}/runs?limit=50`)).items.find((r) => r.id === runId);
      if (run && run.finishedAt) break;
      if (Date.now() > deadline) throw new Error(`${name} run ${runId} did not finish in time`);
      await new Promise((r) => setTimeout(r, 500));
    }
    if (run.status !== "skipped") {
      assert.equal(run.status, "succeeded", `${name} run: ${JSON.stringify(run)}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("AI pages", { skip: skip || false }, () => {
  let browser;
  let admin;
  let page;

  before(async () => {
    browser = await launch();
    admin = await Api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await waitForFirstSync(admin);
    page = await browser.newPage();
    page.on("pageerror", (e) => console.log(`page error: ${e.stack || e.message}`));
    page.on("console", (m) => m.type() === "error" && console.log(`console error: ${m.text()}`));
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
  });

  test("the assistant answers with the figures of the tool it called", async () => {
    const overview = await admin.get("/costs/overview");
    const item = overview.items[0];
    await page.goto(`${BASE_URL}/assistant/`);
    await page.getByTestId("suggested-question").first().click();
    const answer = page.getByTestId("message-assistant").last();
    try {
      // The figure is in the answer's text (the tool result below holds it too).
      await answer.getByTestId("message-content").filter({ hasText: item.monthToDate }).waitFor({ timeout: 30_000 });
    } catch (e) {
      await screenshot(page, "assistant-failed");
      throw new Error(`the answer lacks ${item.monthToDate}: ${await page.getByTestId("messages").innerText()}`, { cause: e });
    }
    const text = await answer.getByTestId("message-content").innerText();
    assert.match(text, new RegExp(`${item.currency} ${item.monthToDate.replace(".", "\\.")}`));
    // "How I got this" lists the tool call, its arguments and the figure it returned.
    await answer.getByTestId("how-i-got-this").locator("summary").click();
    assert.equal(await answer.getByTestId("tool-name").first().innerText(), "cost_overview");
    const result = await answer.getByTestId("tool-result").first().innerText();
    assert.ok(result.includes(`"monthToDate": "${item.monthToDate}"`), result);
    await screenshot(page, "assistant");

    // The conversation was kept: it is listed and reopens with the same answer.
    const convs = await admin.get("/chatbot/conversations");
    assert.ok(convs.items.length >= 1);
    await page.goto(`${BASE_URL}/assistant/`);
    await page.getByTestId("conversations").getByRole("button").first().click();
    await page.getByTestId("message-content").filter({ hasText: item.monthToDate }).first().waitFor({ timeout: 15_000 });
  });

  test("the dashboard explains its change", async () => {
    await page.goto(`${BASE_URL}/dashboard/`);
    await page.getByTestId("explain-change").first().click();
    await page.getByTestId("explanation").waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId("narrative").innerText(), /scripted model/);
    assert.ok((await page.getByTestId("contributor").count()) > 0);
    await screenshot(page, "explain");
  });

  test("a report is made and opened through its link", async () => {
    await page.goto(`${BASE_URL}/reports/`);
    const month = await page.getByTestId("report-month-input").inputValue();
    await page.getByTestId("make-report").click();
    const row = page.getByTestId("report-row").first();
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await row.getByTestId("report-month").innerText(), month);
    const [popup] = await Promise.all([page.waitForEvent("popup"), row.getByTestId("report-html").click()]);
    await popup.waitForLoadState();
    assert.match(await popup.title(), new RegExp(`CloudLens cost report ${month}`));
    // The month's total in the report is the explorer's.
    const reports = await admin.get("/ai/reports");
    const [y, m] = month.split("-").map(Number);
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const e = await admin.get(`/costs/explore?start=${month}-01&end=${end}&granularity=month`);
    const body = await popup.content();
    for (const s of e.items) assert.ok(body.includes(s.total), `report lacks ${s.currency} ${s.total}`);
    assert.ok(reports.items.length >= 1);
    await screenshot(popup, "report");
    await popup.close();
  });

  test("an anomaly is explained with the anomaly API's contributors first", async () => {
    await runJob(admin, "anomalydetect");
    const list = await admin.get("/anomaly");
    assert.ok(list.items.length > 0, "the demo bills have anomalies");
    // The largest anomaly with a contributor to name.
    let chosen;
    let explained;
    for (const a of list.items.slice(0, 10)) {
      const e = await admin.post("/ai/analyze", { anomalyId: a.id, language: "en" });
      if (e.contributors.length > 0) {
        chosen = await admin.get(`/anomaly/${a.id}`);
        explained = e;
        break;
      }
    }
    assert.ok(chosen, "no anomaly has a contributor to name");
    await page.goto(`${BASE_URL}/anomalies/detail/?id=${chosen.id}`);
    await page.getByTestId("explain-anomaly").click();
    const box = page.getByTestId("anomaly-explanation");
    await box.waitFor({ timeout: 30_000 });
    const rows = box.getByTestId("explain-contributor");
    assert.equal(await rows.count(), explained.contributors.length);
    for (let i = 0; i < explained.contributors.length; i++) {
      const c = explained.contributors[i];
      // Each one is the anomaly API's contributor of that dimension and key, same figure.
      const api = chosen.contributors.find((x) => x.dimension === c.dimension && x.key === c.key);
      assert.ok(api, `contributor ${c.dimension}/${c.key} is not the anomaly API's`);
      assert.equal(await rows.nth(i).getAttribute("data-delta"), api.delta);
      assert.equal(await rows.nth(i).getAttribute("data-key"), api.key);
      assert.ok((await rows.nth(i).innerText()).includes(api.label || api.key));
    }
    // The narrative follows, and says who wrote it (here the scripted model).
    assert.match(await box.getByTestId("narrative").innerText(), /scripted model/);
    const source = await box.getByTestId("narrative-source").innerText();
    assert.ok(source.includes(explained.model) && explained.narrativeSource === "model", source);
    await screenshot(page, "explain-anomaly");
  });

  test("the monthly job's report is listed with its anomaly and savings sections", async () => {
    const list = await admin.get("/anomaly");
    const month = list.items[0].startDate.slice(0, 7);
    const run = await runJob(admin, "reportgen", { month });
    assert.match(run.message, new RegExp(`of ${month}`));
    const reports = (await admin.get("/ai/reports")).items;
    const rep = reports.find((r) => r.month === month && r.allAccounts && r.createdBy === 0);
    assert.ok(rep, `no monthly report of ${month}: ${JSON.stringify(reports)}`);

    // The alert's link opens the reports page on this report.
    await page.goto(`${BASE_URL}/reports/?download=${rep.id}`);
    await page.getByTestId("linked-report").waitFor({ timeout: 20_000 });
    await page.locator(`[data-testid="report-row"][data-report-id="${rep.id}"]`).waitFor();
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByTestId("linked-report-html").click()]);
    await popup.waitForLoadState();
    assert.match(await popup.title(), new RegExp(`CloudLens cost report ${month}`));
    const html = await popup.content();
    assert.ok(html.includes("<h2>Anomalies</h2>"), "the report has no anomalies section");
    assert.ok(html.includes("<h2>Idle resources and savings findings</h2>"), "the report has no savings section");
    // The month's anomalies are the anomaly API's: its largest is listed with its impact.
    const [y, m] = month.split("-").map(Number);
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const monthAnomalies = (await admin.get(`/anomaly?start=${month}-01&end=${end}`)).items.filter((a) => a.status !== "dismissed");
    assert.ok(html.includes(`${monthAnomalies.length} cost anomal`), `the report does not count ${monthAnomalies.length} anomalies`);
    assert.ok(html.includes(`data-anomaly="${monthAnomalies[0].id}"`), "the largest anomaly is not listed");
    assert.ok(html.includes(monthAnomalies[0].impact), `the report lacks the impact ${monthAnomalies[0].impact}`);
    const findings = await admin.get("/resources/findings");
    for (const t of findings.totals) assert.ok(html.includes(`${t.currency} ${t.monthlySavings} a month`), `report lacks ${t.currency} ${t.monthlySavings}`);
    await screenshot(popup, "report-sections");
    await popup.close();
  });
});
