// Browser tests of the resources area: the savings page shows the API's totals per currency
// and its findings, a finding is dismissed with a reason through the page, and a resource's
// page shows its cost and metric charts and its findings.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { formatMoney, normalizeDecimal } from "../lib/format.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Api, BASE_URL, launch, screenshot, signIn, skipReason } from "./helpers.mjs";

const skip = skipReason();
if (skip) console.log(`e2e: ${skip}`);

// waitForFindings waits until the demo accounts' bills are in and an inventory sync has
// evaluated the idle rules (a fresh local CloudLens runs both at start; the sync is started
// here too, in case its timer has not fired yet).
async function waitForFindings(api) {
  const deadline = Date.now() + 240_000;
  let started = false;
  for (;;) {
    const f = await api.get("/resources/findings?limit=5");
    if (f.items.length > 0 && f.items.some((x) => x.inventoryId > 0)) return f;
    if (!started) {
      try {
        await api.post("/jobs/resourcesync/run");
        started = true;
      } catch (e) {
        // Already running, or not startable here: the start-up run will do.
        console.log(`# resourcesync run: ${e.message}`);
        started = true;
      }
    }
    if (Date.now() > deadline) throw new Error("no findings within 4 minutes");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe("resources and savings pages", { skip: skip || false }, () => {
  let browser;
  let admin;
  let page;

  before(async () => {
    browser = await launch();
    admin = await Api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await waitForFindings(admin);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await ctx.newPage();
    page.on("pageerror", (e) => console.log(`# page error: ${e.message}`));
    page.on("console", (m) => m.type() === "error" && console.log(`# console: ${m.text()}`));
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
  });

  test("the savings page shows the API's total per currency and its findings, largest first", async () => {
    const api = await admin.get("/resources/findings?limit=100");
    assert.ok(api.totals.length > 0, "there are open findings");
    await page.goto(`${BASE_URL}/savings/`);
    await page.getByTestId("nav-savings").waitFor();
    for (const tot of api.totals) {
      const el = page.locator(`[data-testid="savings-total"][data-currency="${tot.currency}"]`);
      await el.waitFor({ timeout: 15_000 });
      assert.equal(await el.getAttribute("data-value"), normalizeDecimal(tot.monthlySavings));
      assert.equal((await el.innerText()).trim(), formatMoney(tot.monthlySavings, tot.currency, "zh"));
    }
    await page.getByTestId("finding-row").first().waitFor();
    const shown = await page.getByTestId("finding-savings").evaluateAll((els) => els.map((e) => e.getAttribute("data-value")));
    assert.deepEqual(shown, api.items.map((f) => normalizeDecimal(f.monthlySavings)));
    const rules = await page.getByTestId("rule-total-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-rule")));
    assert.deepEqual(rules, api.byRule.map((r) => r.rule));
    if (api.demo) await page.getByTestId("demo-badge").first().waitFor();
    await screenshot(page, "savings");
  });

  test("a finding is dismissed with a reason and leaves the open list", async () => {
    const before = await admin.get("/resources/findings");
    const first = before.items[0];
    await page.goto(`${BASE_URL}/savings/`);
    const row = page.locator(`[data-testid="finding-row"][data-finding-id="${first.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.getByTestId("dismiss-finding").click();
    await page.getByTestId("dismiss-reason").fill("kept for the disaster-recovery drill");
    await page.getByTestId("dismiss-submit").click();
    await row.waitFor({ state: "detached", timeout: 15_000 });
    const after = await admin.get("/resources/findings?status=dismissed");
    const kept = after.items.find((f) => f.id === first.id);
    assert.ok(kept, "the finding is dismissed");
    assert.equal(kept.dismissal.reason, "kept for the disaster-recovery drill");
    // The dismissed list shows it with its reason; reopening puts it back.
    await page.getByTestId("savings-status").selectOption("dismissed");
    const dismissedRow = page.locator(`[data-testid="finding-row"][data-finding-id="${first.id}"]`);
    await dismissedRow.waitFor({ timeout: 15_000 });
    assert.match(await dismissedRow.getByTestId("finding-dismissal").innerText(), /disaster-recovery/);
    await dismissedRow.getByTestId("reopen-finding").click();
    await dismissedRow.waitFor({ state: "detached", timeout: 15_000 });
    const open = await admin.get("/resources/findings");
    assert.ok(open.items.some((f) => f.id === first.id), "reopened");
  });

  test("a resource's page shows its cost, metrics and findings as the API answers", async () => {
    const f = (await admin.get("/resources/findings")).items.find((x) => x.inventoryId > 0);
    const r = await admin.get(`/resources/${f.inventoryId}`);
    await page.goto(`${BASE_URL}/resources/detail/?id=${f.inventoryId}`);
    try {
      await page.getByTestId("resource-detail").waitFor({ timeout: 30_000 });
    } catch (e) {
      await screenshot(page, "resource-detail-failed");
      throw e;
    }
    assert.equal(await page.getByTestId("resource-detail").getAttribute("data-resource-id"), r.resourceId);
    const cost = page.getByTestId("detail-monthly-cost");
    assert.equal(await cost.getAttribute("data-value"), normalizeDecimal(r.monthlyCost));
    const chart = page.getByTestId("cost-chart");
    await chart.waitFor();
    assert.equal(await chart.getAttribute("data-points"), String(r.costs.points.length));
    assert.equal(await chart.getAttribute("data-total"), r.costs.total);
    assert.equal(await page.getByTestId("metric-chart").count(), r.metrics.length);
    const rows = page.locator('[data-testid="detail-findings"] [data-testid="finding-row"]');
    assert.equal(await rows.count(), r.findings.length);
    assert.ok(r.findings.some((x) => x.id === f.id), "the finding is among the resource's");
    await screenshot(page, "resource-detail");
  });

  test("the resources list filters by type and pages", async () => {
    const api = await admin.get("/resources?type=ecs&limit=50");
    await page.goto(`${BASE_URL}/resources/`);
    await page.getByTestId("resource-row").first().waitFor({ timeout: 15_000 });
    await page.getByTestId("resource-type").selectOption("ecs");
    await page.getByTestId("resource-apply").click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="resource-row"]').length === n,
      api.items.length,
      { timeout: 15_000 },
    );
    const ids = await page.getByTestId("resource-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-resource-id")));
    assert.deepEqual(ids, api.items.map((x) => x.resourceId));
    await screenshot(page, "resources");
  });
});
