// End-to-end tests: a real Chromium drives the built web app against a running CloudLens and
// checks that what the pages show is what the API answers.

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { formatMoney, formatRate, normalizeDecimal } from "../lib/format.mjs";
import { commonApiParams, exploreApiParams, parseExplorerQuery, rangeApiQuery, sliceQuery, toApiParams } from "../lib/query.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Api, BASE_URL, launch, screenshot, signIn, skipReason } from "./helpers.mjs";

const skip = skipReason();
if (skip) console.log(`e2e: ${skip}`);

// waitForFirstSync waits until every account's first bill sync has finished, so the figures
// the pages show are the complete ones (a fresh local CloudLens syncs its demo accounts at start).
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

describe("CloudLens web app", { skip: skip || false }, () => {
  let browser;
  let admin;
  let page;
  const cleanup = [];
  let budgetId = 0; // the budget made in the form, for the alert test

  before(async () => {
    browser = await launch();
    admin = await Api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await waitForFirstSync(admin);
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await ctx.newPage();
  });

  after(async () => {
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.log(`# cleanup: ${e.message}`);
      }
    }
    await browser?.close();
  });

  test("a signed-out visitor is sent to login and sees no data", async () => {
    await page.goto(`${BASE_URL}/dashboard/`);
    await page.waitForURL(/\/login\/\?next=/, { timeout: 15_000 });
    assert.equal(await page.getByTestId("mtd").count(), 0);
    await screenshot(page, "login");
  });

  test("sign in", async () => {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.match(await page.getByTestId("current-user").innerText(), /\S/);
  });

  test("the dashboard's month to date equals the API's", async () => {
    const overview = await admin.get("/costs/overview");
    assert.ok(overview.items.length > 0, "the overview has at least one currency");
    await page.goto(`${BASE_URL}/dashboard/`);
    for (const item of overview.items) {
      const mtd = page.locator(`[data-testid="overview"][data-currency="${item.currency}"] [data-testid="mtd"]`);
      await mtd.waitFor({ timeout: 15_000 });
      assert.equal(await mtd.getAttribute("data-value"), normalizeDecimal(item.monthToDate));
      assert.equal((await mtd.innerText()).trim(), formatMoney(item.monthToDate, item.currency, "zh"));
    }
    if (overview.demo) await page.getByTestId("demo-badge").first().waitFor();
    await page.getByTestId("trend-chart").first().waitFor();
    await page.waitForTimeout(500); // let the chart's entry animation finish for the picture
    await screenshot(page, "dashboard");
  });

  test("changing the explorer's grouping shows chart and table that agree with the API", async () => {
    await page.goto(`${BASE_URL}/explorer/?groupBy=product`);
    await page.getByTestId("explorer-table").first().waitFor({ timeout: 15_000 });
    await page.getByTestId("q-groupby").selectOption("region");
    await page.waitForURL(/groupBy=region/);

    const q = parseExplorerQuery(new URL(page.url()).searchParams, new Date());
    assert.deepEqual(q.groupBy, ["region"]);
    const path = `/costs/explore?${exploreApiParams(q)}`;
    await page.waitForSelector(`[data-testid="costs-view"][data-loaded="${path}"]`, { timeout: 15_000 });
    const want = await admin.get(path);
    assert.ok(want.items.length > 0, "the explore answer has at least one currency");

    for (const item of want.items) {
      const scope = `[data-testid="explore-result"][data-currency="${item.currency}"]`;
      const rows = await page.$$eval(`${scope} [data-testid="explorer-row"]`, (trs) =>
        trs.map((tr) => ({ key: tr.getAttribute("data-key"), total: tr.getAttribute("data-total") })),
      );
      assert.deepEqual(
        rows.map((r) => [JSON.parse(r.key), normalizeDecimal(r.total)]),
        item.groups.map((g) => [g.key, normalizeDecimal(g.total)]),
        "table rows",
      );
      const total = await page.locator(`${scope} [data-testid="table-total"]`).getAttribute("data-value");
      assert.equal(total, normalizeDecimal(item.total), "table total");

      const chart = page.locator(`${scope} [data-testid="explorer-chart"]`);
      const seriesTotals = JSON.parse(await chart.getAttribute("data-series-totals"));
      assert.deepEqual(
        seriesTotals.map(normalizeDecimal),
        item.groups.map((g) => normalizeDecimal(g.total)),
        "chart series totals",
      );
      assert.deepEqual(JSON.parse(await chart.getAttribute("data-periods")), item.periods, "chart periods");
    }
    await page.waitForTimeout(500);
    await screenshot(page, "explorer");
  });

  test("drilling into a product lists the API's top resources, and a resource's page adds up to its cost", async () => {
    // 40 days back to yesterday always crosses a month boundary, the range drill-down reads
    // from two months of running totals.
    const day = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${BASE_URL}/explorer/?groupBy=product&granularity=day&start=${day(40)}&end=${day(1)}`);
    await page.getByTestId("explorer-table").first().waitFor({ timeout: 15_000 });
    const q = parseExplorerQuery(new URL(page.url()).searchParams, new Date());
    const row = page.locator('[data-testid="explorer-row"]').first();
    const key = JSON.parse(await row.getAttribute("data-key"));
    await row.getByTestId("drill").click();

    const want = await admin.get(`/costs/resources?${commonApiParams(sliceQuery(q, key))}`);
    assert.ok(want.items.length > 0, "the product has resources with cost in the range");
    const rows = page.locator('[data-testid="drilldown"] [data-testid="resource-row"]');
    await rows.first().waitFor({ timeout: 15_000 });
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute("data-resource-id"), tr.querySelector("[data-value]")?.getAttribute("data-value")]),
    );
    assert.deepEqual(
      shown,
      want.items.map((r) => [r.resourceId, normalizeDecimal(r.cost)]),
      "drill-down rows",
    );
    await screenshot(page, "drilldown");

    const top = want.items[0];
    await rows.first().getByRole("link").click();
    await page.waitForURL(/\/explorer\/resource\//);
    const total = page.getByTestId("resource-total");
    await total.waitFor({ timeout: 15_000 });
    const series = await admin.get(`/costs/resources/${encodeURIComponent(top.resourceId)}?start=${q.start}&end=${q.end}&metric=${q.metric}`);
    const same = series.items.find((s) => s.accountId === top.accountId && s.currency === top.currency);
    assert.ok(same, "the resource's series holds the drilled account and currency");
    assert.equal(normalizeDecimal(same.total), normalizeDecimal(top.cost), "series total equals the drill-down cost");
    assert.equal(await total.getAttribute("data-value"), normalizeDecimal(series.total), "page total");
    await page.getByTestId("resource-chart").waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, "resource");
  });

  test("with top=1 the remainder row is labelled in the reader's language and offers no drill-down", async () => {
    for (const [lang, word] of [
      ["zh", "其他"],
      ["en", "Others"],
    ]) {
      await page.evaluate((l) => localStorage.setItem("cloudlens.lang", l), lang);
      await page.goto(`${BASE_URL}/explorer/?groupBy=product&top=1`);
      const q = parseExplorerQuery(new URL(page.url()).searchParams, new Date());
      assert.equal(q.top, 1);
      const path = `/costs/explore?${exploreApiParams(q)}`;
      await page.waitForSelector(`[data-testid="costs-view"][data-loaded="${path}"]`, { timeout: 15_000 });
      const want = await admin.get(path);
      const item = want.items.find((it) => it.groups.some((g) => g.other));
      assert.ok(item, "the demo accounts bill more than one product, so top=1 leaves a remainder");
      const other = item.groups.find((g) => g.other);
      assert.deepEqual(other.key, {}, "the API's remainder has no dimension values");

      const scope = `[data-testid="explore-result"][data-currency="${item.currency}"]`;
      const row = page.locator(`${scope} [data-testid="explorer-row"][data-other="true"]`);
      await page.waitForSelector(`${scope} [data-testid="explorer-row"][data-other="true"][data-label="${word}"]`, { timeout: 15_000 });
      assert.equal(await row.count(), 1, "one remainder row");
      assert.equal((await row.locator("td").first().innerText()).trim(), word, `the remainder reads "${word}" in ${lang}`);
      assert.equal(normalizeDecimal(await row.getAttribute("data-total")), normalizeDecimal(other.total), "the remainder's total");
      assert.equal(await row.getByTestId("drill").count(), 0, "no drill-down on the remainder");
      const drillable = page.locator(`${scope} [data-testid="explorer-row"]:not([data-other]) [data-testid="drill"]`);
      assert.equal(await drillable.count(), item.groups.length - 1, "every other row can be drilled into");
      const series = JSON.parse(await page.locator(`${scope} [data-testid="explorer-chart"]`).getAttribute("data-series"));
      assert.ok(series.includes(word), "the chart names the remainder the same way");
      assert.ok(!series.includes(other.label), "the API's untranslated label is not shown");
      await screenshot(page, `explorer-top1-${lang}`);
    }
    await page.evaluate(() => localStorage.setItem("cloudlens.lang", "zh"));
  });

  test("the discount tab shows the API's groups and its rate as a percentage", async () => {
    await page.goto(`${BASE_URL}/explorer/?view=discounts&dgroup=region`);
    await page.getByTestId("discount-item").first().waitFor({ timeout: 15_000 });
    const q = parseExplorerQuery(new URL(page.url()).searchParams, new Date());
    const want = await admin.get(`/costs/discounts?${toApiParams({ ...rangeApiQuery(q), groupBy: "region" })}`);
    assert.ok(want.items.length > 0, "the demo bills have discounts");
    for (const item of want.items) {
      const scope = page.locator(`[data-testid="discount-item"][data-currency="${item.currency}"]`);
      assert.equal((await scope.getByTestId("discount-rate").innerText()).trim(), formatRate(item.discountRate, "zh"), "rate");
      const keys = await scope.getByTestId("discount-row").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-key")));
      assert.deepEqual(keys, item.groups.map((g) => g.key), "one row per group, in the API's order");
    }
    await screenshot(page, "discounts");
  });

  test("a new account with a bad secret fails its connection test", async () => {
    const name = `e2e-bad-secret-${Date.now()}`;
    await page.goto(`${BASE_URL}/accounts/edit/`);
    await page.getByTestId("acc-name").fill(name);
    await page.getByTestId("acc-account-id").fill("1234567890123456");
    await page.getByTestId("acc-access-key-id").fill("LTAI5tE2eInvalidKeyId00");
    await page.getByTestId("acc-access-key-secret").fill("this-secret-is-wrong");
    await page.getByTestId("acc-save").click();
    await page.waitForURL(/\/accounts\/detail\/\?id=\d+/, { timeout: 15_000 });
    const id = new URL(page.url()).searchParams.get("id");
    cleanup.push(() => admin.del(`/accounts/${id}`));

    await page.getByTestId("test-connection").click();
    const result = page.locator('[data-testid="test-result"][data-ok="false"]');
    await result.waitFor({ timeout: 30_000 });
    assert.match(await result.innerText(), /\S{3,}/, "the failure carries a message");
    await screenshot(page, "account-bad-secret");

    await page.goto(`${BASE_URL}/accounts/`);
    await page.locator(`[data-testid="account-row"][data-account-id="${id}"]`).waitFor();
    await screenshot(page, "accounts");
  });

  test("users and API keys pages load for an admin", async () => {
    await page.goto(`${BASE_URL}/users/`);
    await page.getByTestId("users-table").waitFor({ timeout: 15_000 });
    assert.ok((await page.getByTestId("user-row").count()) >= 1);
    await screenshot(page, "users");

    const keyName = `e2e-key-${Date.now()}`;
    await page.goto(`${BASE_URL}/api-keys/`);
    await page.getByTestId("key-name").fill(keyName);
    await page.getByTestId("key-create").click();
    const shown = await page.getByTestId("new-key").innerText();
    assert.ok(shown.length >= 16, "the new key is shown once");
    const keys = await admin.get("/api-keys");
    const created = keys.items.find((k) => k.name === keyName);
    assert.ok(created, "the key is listed by the API");
    cleanup.push(() => admin.del(`/api-keys/${created.id}`));
    assert.ok(!("key" in created) || !created.key, "the API never lists the key itself");
    await screenshot(page, "api-keys");
  });

  test("a viewer sees neither the admin pages nor an ungranted account", async () => {
    const accounts = (await admin.get("/accounts")).items;
    assert.ok(accounts.length >= 1, "at least one account exists");
    const granted = accounts.length >= 2 ? [accounts[0].id] : [];
    const ungranted = accounts.find((a) => !granted.includes(a.id));
    const email = `e2e-viewer-${Date.now()}@example.com`;
    const password = `Viewer-${Date.now()}-pw!`;
    const user = await admin.post("/users", { email, name: "E2E viewer", password, role: "viewer", accountIds: granted });
    cleanup.push(() => admin.del(`/users/${user.id}`));

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const vp = await ctx.newPage();
    try {
      await signIn(vp, email, password);
      assert.equal(await vp.getByTestId("nav-users").count(), 0, "no link to the users page");

      await vp.goto(`${BASE_URL}/users/`);
      await vp.getByTestId("forbidden").waitFor({ timeout: 15_000 });
      assert.equal(await vp.getByTestId("users-table").count(), 0);
      await screenshot(vp, "viewer-users-forbidden");

      await vp.goto(`${BASE_URL}/accounts/`);
      await vp.waitForSelector('[data-testid="accounts-table"], [data-testid="empty"]', { timeout: 15_000 });
      const visible = await vp.$$eval('[data-testid="account-row"]', (trs) => trs.map((tr) => Number(tr.getAttribute("data-account-id"))));
      assert.deepEqual(visible.sort(), [...granted].sort(), "only granted accounts are listed");
      assert.equal(await vp.getByTestId("add-account").count(), 0, "a viewer cannot add accounts");
      await screenshot(vp, "viewer-accounts");

      await vp.goto(`${BASE_URL}/accounts/detail/?id=${ungranted.id}`);
      await vp.waitForSelector('[data-testid="account-not-found"], [data-testid="error"]', { timeout: 15_000 });
      assert.equal(await vp.getByTestId("account-detail").count(), 0, "no detail of an ungranted account");
    } finally {
      await ctx.close();
    }
  });

  test("a budget below the month's spend, made in the form, shows the API's figures on the list", async () => {
    const account = (await admin.get("/accounts")).items[0];
    assert.ok(account, "at least one account");
    // The scope's spend so far, as the API previews it, sets an amount the budget is past.
    const probe = await admin.post("/budgets/preview", { name: "probe", period: "month", amount: "1", accountIds: [account.id] });
    const spent = Number(probe.status.spent);
    assert.ok(spent > 0, `the account has spend this month (${probe.status.spent})`);
    const amount = String(Math.max(1, Math.floor(spent / 2)));

    await page.goto(`${BASE_URL}/budgets/`);
    await page.getByTestId("new-budget").click();
    await page.getByTestId("budget-form").waitFor({ timeout: 15_000 });
    const name = `e2e budget ${Date.now()}`;
    await page.getByTestId("bud-name").fill(name);
    await page.getByTestId("bud-amount").fill(amount);
    await page.locator('[data-testid="q-accounts"] summary').click();
    await page.locator('[data-testid="q-accounts"] label', { hasText: account.name }).locator("input").check();
    await page.locator('[data-testid="q-accounts"] summary').click();
    // The live preview shows the spend of the chosen scope.
    await page.waitForFunction(
      (want) => {
        const fig = document.querySelector('[data-testid="preview-figures"]');
        return fig?.getAttribute("data-stale") === "0" && fig.querySelector('[data-testid="preview-spent"]')?.getAttribute("data-value") === want;
      },
      normalizeDecimal(probe.status.spent),
      { timeout: 15_000 },
    );
    await screenshot(page, "budget-new");
    await page.getByTestId("bud-save").click();
    await page.waitForURL(/\/budgets\/detail\/\?id=\d+/, { timeout: 15_000 });
    const id = Number(new URL(page.url()).searchParams.get("id"));
    budgetId = id;
    cleanup.push(() => admin.del(`/budgets/${id}`));
    await page.getByTestId("budget-detail").waitFor({ timeout: 15_000 });
    await page.getByTestId("burn-down-chart").waitFor();
    const detail = await admin.get(`/budgets/${id}`);
    assert.equal(await page.getByTestId("detail-spent").getAttribute("data-value"), normalizeDecimal(detail.status.spent));
    assert.equal(await page.getByTestId("detail-forecast").getAttribute("data-value"), normalizeDecimal(detail.status.forecast));
    await page.waitForTimeout(500);
    await screenshot(page, "budget-detail");

    await page.goto(`${BASE_URL}/budgets/`);
    const row = page.locator(`[data-testid="budget-row"][data-budget-id="${id}"]`);
    await row.waitFor({ timeout: 15_000 });
    const listed = (await admin.get("/budgets")).items.find((b) => b.id === id);
    assert.ok(listed, "the API lists the new budget");
    assert.ok(listed.status.percentSpent >= 100, `spent past the amount (${listed.status.percentSpent} %)`);
    assert.equal(await row.getByTestId("budget-amount").getAttribute("data-value"), normalizeDecimal(amount));
    assert.equal(await row.getByTestId("budget-spent").getAttribute("data-value"), normalizeDecimal(listed.status.spent));
    assert.equal(await row.getByTestId("budget-remaining").getAttribute("data-value"), normalizeDecimal(listed.status.remaining));
    assert.equal(Number(await row.getByTestId("budget-progress").getAttribute("data-percent-spent")), listed.status.percentSpent);
    assert.equal((await row.getByTestId("budget-burn-down").innerText()).trim(), listed.status.burnDownDate ?? "本周期内不会耗尽");
    await screenshot(page, "budgets");
  });

  test("a webhook channel and a budget rule deliver the budget's alert, shown as sent in the history", async () => {
    assert.ok(budgetId > 0, "the budget test made a budget");
    // A tiny webhook receiver on loopback (local mode lets channels reach it).
    const received = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(body);
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const hookUrl = `http://127.0.0.1:${server.address().port}/hook`;

    await page.goto(`${BASE_URL}/alerts/channels/`);
    await page.getByTestId("channel-form").waitFor({ timeout: 15_000 });
    const channelName = `e2e hook ${Date.now()}`;
    await page.getByTestId("channel-type").selectOption("webhook");
    await page.getByTestId("channel-name").fill(channelName);
    await page.getByTestId("channel-url").fill(hookUrl);
    await page.getByTestId("channel-save").click();
    const channelRow = page.locator(`[data-testid="channel-row"][data-name="${channelName}"]`);
    await channelRow.waitFor({ timeout: 15_000 });
    const channelId = Number(await channelRow.getAttribute("data-channel-id"));
    cleanup.push(() => admin.del(`/alerts/channels/${channelId}`));
    // The test button sends a message through the channel and shows the platform's answer.
    await channelRow.getByTestId("channel-test").click();
    const result = channelRow.getByTestId("channel-test-result");
    await result.waitFor({ timeout: 15_000 });
    assert.equal(await result.getAttribute("data-ok"), "1", await result.innerText());
    assert.equal(received.length, 1, "the receiver got the test message");
    await screenshot(page, "alert-channels");

    await page.getByTestId("alert-tab-rules").click();
    await page.getByTestId("rule-form").waitFor({ timeout: 15_000 });
    const ruleName = `e2e rule ${Date.now()}`;
    await page.getByTestId("rule-name").fill(ruleName);
    await page.getByTestId("rule-kind").selectOption("budget");
    await page.getByTestId("rule-channels").getByLabel(channelName).check();
    const budget = await admin.get(`/budgets/${budgetId}`);
    await page.getByTestId("rule-budgets").getByLabel(budget.name).check();
    await page.getByTestId("rule-save").click();
    const ruleRow = page.locator(`[data-testid="rule-row"][data-name="${ruleName}"]`);
    await ruleRow.waitFor({ timeout: 15_000 });
    const ruleId = Number(await ruleRow.getAttribute("data-rule-id"));
    cleanup.push(() => admin.del(`/alerts/rules/${ruleId}`));
    const rule = await admin.get(`/alerts/rules/${ruleId}`);
    assert.deepEqual([rule.kind, rule.channelIds, rule.budgetIds], ["budget", [channelId], [budgetId]]);

    await admin.post("/jobs/budgetcheck/run");
    // The check raises the budget's alerts and chains the dispatcher, which posts to the hook.
    const deadline = Date.now() + 60_000;
    let alert;
    for (;;) {
      const alerts = (await admin.get("/alerts?kind=budget")).items;
      alert = alerts.find((a) => a.url.endsWith(`/budgets/detail/?id=${budgetId}`) && a.deliveries.some((d) => d.channelId === channelId && d.status === "sent"));
      if (alert) break;
      if (Date.now() > deadline) throw new Error(`no sent budget alert within a minute: ${JSON.stringify(alerts.slice(0, 3))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(received.length >= 2, "the receiver got the alert");

    await page.goto(`${BASE_URL}/alerts/`);
    const row = page.locator(`[data-testid="alert-row"][data-alert-id="${alert.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    const delivery = row.locator(`[data-testid="delivery"][data-channel-id="${channelId}"]`);
    assert.equal(await delivery.getAttribute("data-status"), "sent");
    assert.match(await delivery.innerText(), /已送达/);
    assert.equal((await row.getByTestId("alert-title").innerText()).trim(), alert.title);
    await screenshot(page, "alerts");
    // The alert links to the budget's page, which exists. (It is not clicked: a local server on
    // port 0 gives alerts the public URL http://127.0.0.1:0, which no browser opens.)
    const href = await row.getByTestId("alert-title").getAttribute("href");
    assert.ok(href.endsWith(`/budgets/detail/?id=${budgetId}`), href);
    await page.goto(`${BASE_URL}/budgets/detail/?id=${budgetId}`);
    await page.getByTestId("budget-detail").waitFor({ timeout: 15_000 });
  });

  test("switching to English is remembered", async () => {
    await page.goto(`${BASE_URL}/dashboard/`);
    await page.getByTestId("nav-dashboard").waitFor({ timeout: 15_000 });
    assert.equal((await page.getByTestId("nav-dashboard").innerText()).trim(), "总览");
    await page.getByTestId("lang-toggle").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-dashboard"]')?.textContent?.trim() === "Dashboard");
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-dashboard"]')?.textContent?.trim() === "Dashboard");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    await page.getByTestId("mtd").first().waitFor({ timeout: 15_000 });
    await screenshot(page, "dashboard-en");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("menu-toggle").waitFor();
    await screenshot(page, "dashboard-phone");
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test("signing out drops the session", async () => {
    await page.goto(`${BASE_URL}/dashboard/`);
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/login\//, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => localStorage.getItem("cloudlens.session")), null);
    await page.goto(`${BASE_URL}/explorer/`);
    await page.waitForURL(/\/login\/\?next=/, { timeout: 15_000 });
    assert.equal(await page.getByTestId("explorer-table").count(), 0);
  });
});
