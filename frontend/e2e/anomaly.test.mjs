// Browser tests of the anomaly pages: the list, a detail with its chart, contributors and
// feedback, the monitors page and the dashboard's card show what the API answers.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { normalizeDecimal } from "../lib/format.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Api, BASE_URL, launch, screenshot, signIn, skipReason } from "./helpers.mjs";

const skip = skipReason();
if (skip) console.log(`e2e: ${skip}`);

// Waits for the demo accounts' first sync, then runs anomaly detection once more and waits for
// it, so the pages read a finished detection over complete bills.
async function detect(api) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const accounts = (await api.get("/accounts")).items;
    let pending = accounts.length === 0;
    for (const a of accounts) {
      const runs = (await api.get(`/accounts/${a.id}/syncs`)).items;
      if (runs.length === 0 || runs.some((r) => r.status === "queued" || r.status === "running")) pending = true;
    }
    if (!pending) break;
    if (Date.now() > deadline) throw new Error("the first bill sync did not finish in time");
    await new Promise((r) => setTimeout(r, 500));
  }
  // A run started here is skipped when the one billing sync chained is still going: then that
  // one is waited for.
  await api.post("/jobs/anomalydetect/run");
  for (;;) {
    const runs = (await api.get("/jobs/anomalydetect/runs?limit=20")).items;
    const busy = runs.some((r) => r.status === "queued" || r.status === "running");
    const done = runs.find((r) => r.status !== "skipped" && r.finishedAt);
    if (!busy && done) {
      assert.equal(done.status, "succeeded", `anomalydetect run: ${JSON.stringify(done)}`);
      return;
    }
    if (Date.now() > deadline) throw new Error("anomalydetect did not finish in time");
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("anomaly pages", { skip: skip || false }, () => {
  let browser;
  let admin;
  let page;

  before(async () => {
    browser = await launch();
    admin = await Api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await detect(admin);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await ctx.newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
  });

  test("the list shows every anomaly, largest impact first, and filters by status", async () => {
    const all = await admin.get("/anomaly");
    assert.ok(all.items.length > 0, "the demo bills have anomalies");
    assert.equal(all.demo, true);
    await page.goto(`${BASE_URL}/anomalies/`);
    const table = page.getByTestId("anomalies-table");
    await table.waitFor({ timeout: 20_000 });
    await page.getByTestId("demo-badge").waitFor();
    const impacts = page.getByTestId("anomaly-impact");
    assert.equal(await impacts.count(), all.items.length);
    for (let i = 0; i < Math.min(5, all.items.length); i++) {
      assert.equal(await impacts.nth(i).getAttribute("data-value"), normalizeDecimal(all.items[i].impact));
    }
    await screenshot(page, "anomalies");

    const open = await admin.get("/anomaly?status=open");
    await page.getByTestId("filter-status").selectOption("open");
    await page.getByTestId("filter-apply").click();
    if (open.items.length === 0) {
      await page.getByTestId("anomalies-empty").waitFor({ timeout: 15_000 });
    } else {
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid="anomaly-impact"]').length === n, open.items.length, { timeout: 15_000 });
      const statuses = await page.getByTestId("anomaly-status").allInnerTexts();
      assert.ok(statuses.every((s) => s.trim() === "未处理"), `statuses ${statuses}`);
    }
  });

  test("a detail shows the series against the band, the contributors and takes feedback", async () => {
    const all = await admin.get("/anomaly");
    const first = all.items.find((a) => a.accountId !== 0) ?? all.items[0];
    const want = await admin.get(`/anomaly/${first.id}`);
    await page.goto(`${BASE_URL}/anomalies/detail/?id=${first.id}`);
    const chart = page.getByTestId("anomaly-chart");
    await chart.waitFor({ timeout: 20_000 });
    assert.equal(await chart.getAttribute("data-points"), String(want.series.length));
    assert.equal(await chart.getAttribute("data-start"), want.startDate);
    assert.equal(await page.getByTestId("anomaly-impact").getAttribute("data-value"), normalizeDecimal(want.impact));
    assert.equal(await page.getByTestId("anomaly-actual").getAttribute("data-value"), normalizeDecimal(want.actual));
    assert.equal(await page.getByTestId("anomaly-expected").getAttribute("data-value"), normalizeDecimal(want.expected));
    assert.ok(want.contributors.length > 0, "the anomaly has contributors");
    const rows = page.getByTestId("contributor");
    assert.equal(await rows.count(), want.contributors.length);
    assert.equal(await rows.first().getAttribute("data-key"), want.contributors[0].key);
    const deltas = page.getByTestId("contributor-delta");
    assert.equal(await deltas.first().getAttribute("data-value"), normalizeDecimal(want.contributors[0].delta));
    const links = page.getByTestId("contributor-link");
    assert.ok((await links.count()) > 0);
    assert.match(await links.first().getAttribute("href"), /^\/explorer\//);
    await screenshot(page, "anomaly-detail");

    await page.getByTestId("feedback-note").fill("seen in the browser test");
    await page.getByTestId("feedback-confirmed").click();
    await page.getByTestId("feedback-given").waitFor({ timeout: 15_000 });
    const after = await admin.get(`/anomaly/${first.id}`);
    assert.equal(after.verdict, "confirmed");
    assert.equal(after.status, "acknowledged");
    assert.equal(after.note, "seen in the browser test");
  });

  test("an unknown anomaly says so", async () => {
    await page.goto(`${BASE_URL}/anomalies/detail/?id=999999`);
    await page.getByTestId("anomaly-not-found").waitFor({ timeout: 15_000 });
  });

  test("the monitors page lists the built-in monitors and adds one", async () => {
    const before = await admin.get("/anomaly/monitors");
    await page.goto(`${BASE_URL}/anomalies/monitors/`);
    await page.getByTestId("monitors-table").waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("monitor").count(), before.items.length);
    await page.getByTestId("monitor-dimension").selectOption("region");
    await page.getByTestId("monitor-value").fill("cn-hangzhou");
    await page.getByTestId("monitor-create").click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="monitor"]').length === n, before.items.length + 1, { timeout: 15_000 });
    const after = await admin.get("/anomaly/monitors");
    const made = after.items.find((m) => m.dimension === "region" && m.value === "cn-hangzhou");
    assert.ok(made, "the region monitor was created");
    await admin.del(`/anomaly/monitors/${made.id}`);
  });

  test("the dashboard shows the open anomalies", async () => {
    const open = await admin.get("/anomaly?status=open&limit=5");
    await page.goto(`${BASE_URL}/dashboard/`);
    const card = page.getByTestId("open-anomalies");
    await card.waitFor({ timeout: 20_000 });
    if (open.items.length > 0) {
      await card.getByTestId("open-anomaly").first().waitFor({ timeout: 15_000 });
      assert.equal(await card.getByTestId("open-anomaly").count(), open.items.length);
      assert.equal(await card.getByTestId("open-anomaly-impact").first().getAttribute("data-value"), normalizeDecimal(open.items[0].impact));
    }
  });
});
