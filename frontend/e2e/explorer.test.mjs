// Browser tests of the explorer and dashboard as a FinOps analyst uses them: values picked by
// name, names in the reader's language, drill-down in view, "back" keeping the query, saved
// views, and the billing date the same in every browser time zone. Each figure on screen is
// checked against the API's own answer.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { formatBillingDate, normalizeDecimal } from "../lib/format.mjs";
import { errorText, translate } from "../lib/messages.mjs";
import { exploreApiParams, parseExplorerQuery } from "../lib/query.mjs";
import { ADMIN_EMAIL, ADMIN_PASSWORD, Api, BASE_URL, launch, screenshot, signIn, skipReason } from "./helpers.mjs";

const skip = skipReason();
if (skip) console.log(`e2e: ${skip}`);

const day = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
// 30 billed days: enough products, regions and tags to pick from, within one query.
const START = day(31);
const END = day(2);

// waitForFirstSync waits until every account's first bill sync has finished.
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

// The API's answer in a language (the test client sends no Accept-Language otherwise).
async function getIn(api, path, lang) {
  const res = await fetch(`${BASE_URL}/api/v1${path}`, { headers: { Authorization: `Bearer ${api.token}`, "Accept-Language": lang } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

// Waits for the costs view to show the answer of the page's current query and returns the
// API's answer to the same query.
async function shownExplore(page, api) {
  const q = parseExplorerQuery(new URL(page.url()).searchParams, new Date());
  const path = `/costs/explore?${exploreApiParams(q)}`;
  // Generous: the machines these run on are shared with many builds.
  await page.waitForSelector(`[data-testid="costs-view"][data-loaded="${path}"]`, { timeout: 60_000 });
  return { q, want: await api.get(path) };
}

// The totals of the page's tables per currency must be the API's.
async function assertTotals(page, want) {
  assert.ok(want.items.length > 0, "the answer has figures");
  for (const item of want.items) {
    const total = await page.locator(`[data-testid="explore-result"][data-currency="${item.currency}"] [data-testid="table-total"]`).getAttribute("data-value");
    assert.equal(total, normalizeDecimal(item.total), `${item.currency} total`);
  }
}

describe("explorer and dashboard", { skip: skip || false }, () => {
  let browser;
  let admin;
  let ctx;
  let page;
  const views = [];

  before(async () => {
    browser = await launch();
    admin = await Api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    await waitForFirstSync(admin);
    // The range the tests read must hold bills; say what the syncs did when it does not.
    const deadline = Date.now() + 120_000;
    while ((await admin.get(`/costs/dimensions/product/values?start=${START}&end=${END}`)).items.length === 0) {
      if (Date.now() > deadline) {
        const accounts = (await admin.get("/accounts")).items;
        const runs = await Promise.all(accounts.map((a) => admin.get(`/accounts/${a.id}/syncs`)));
        throw new Error(`no bills in ${START}..${END}; sync runs: ${JSON.stringify(runs.map((r) => r.items[0]))}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    ctx.setDefaultNavigationTimeout(90_000);
    page = await ctx.newPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.evaluate(() => localStorage.setItem("cloudlens.lang", "zh"));
  });

  after(async () => {
    for (const id of views) await admin.del(`/costs/views/${id}`).catch(() => {});
    await browser?.close();
  });

  test("a product picked by its name filters the explorer as the API does", async () => {
    await page.goto(`${BASE_URL}/explorer/?start=${START}&end=${END}&groupBy=region&granularity=month`);
    await page.getByTestId("filter-dimension").selectOption("product");
    const values = await getIn(admin, `/costs/dimensions/product/values?start=${START}&end=${END}`, "zh");
    const ecs = values.items.find((v) => v.value === "ecs");
    assert.ok(ecs, "ECS has costs in the range");
    assert.equal(ecs.label, "云服务器 ECS");
    await page.getByTestId("filter-values-search").fill("云服务器");
    // The list answers the search once typing pauses; wait for that answer, not the full list.
    await page.waitForSelector('[data-testid="filter-values-list"][data-loaded="product|云服务器"]', { timeout: 30_000 });
    const option = page.locator('[data-testid="filter-values"] [data-testid="value-option"][data-value="ecs"]');
    await option.waitFor({ timeout: 15_000 });
    assert.equal((await option.innerText()).includes("云服务器 ECS"), true, "the option reads the product's name");
    assert.equal(await page.locator('[data-testid="filter-values"] [data-testid="value-option"]').count(), 1, "the search keeps ECS only");
    await option.locator("input").check();
    await page.getByTestId("filter-add").click();
    await page.waitForURL(/filter=product%3Ain%3Aecs/);
    // The chip names the product once the names of the range are read.
    await page.waitForFunction(() => document.querySelector('[data-testid="filter-chip"]')?.textContent?.includes("云服务器 ECS"), null, {
      timeout: 15_000,
    });
    const { q, want } = await shownExplore(page, admin);
    assert.deepEqual(q.filters, [{ dimension: "product", op: "in", values: ["ecs"] }]);
    await assertTotals(page, want);
    await screenshot(page, "explorer-filter-by-name");
  });

  test("a tag value picked from the list filters as the API does", async () => {
    await page.goto(`${BASE_URL}/explorer/?start=${START}&end=${END}&groupBy=product&granularity=month`);
    const keys = await admin.get(`/costs/dimensions/tag/values?start=${START}&end=${END}`);
    assert.ok(keys.items.length > 0, "the bills carry tags");
    const key = keys.items[0].value;
    await page.getByTestId("filter-dimension").selectOption("tag");
    const keySelect = page.getByTestId("filter-dimension-tagkey");
    await keySelect.locator(`option[value="${key}"]`).waitFor({ state: "attached", timeout: 15_000 });
    await keySelect.selectOption(key);
    const tagValues = await admin.get(`/costs/dimensions/tag.${encodeURIComponent(key)}/values?start=${START}&end=${END}`);
    const value = tagValues.items.find((v) => v.value !== "").value;
    const option = page.locator(`[data-testid="filter-values"] [data-testid="value-option"][data-value="${value}"]`);
    await option.waitFor({ timeout: 15_000 });
    await option.locator("input").check();
    await page.getByTestId("filter-add").click();
    await page.waitForURL(/filter=tag\./);
    const { q, want } = await shownExplore(page, admin);
    assert.deepEqual(q.filters, [{ dimension: `tag.${key}`, op: "in", values: [value] }]);
    await assertTotals(page, want);
    // The group-by's tag key picker is as wide as its field.
    await page.getByTestId("q-groupby").selectOption("tag");
    const box = await page.getByTestId("q-groupby-tagkey").boundingBox();
    const field = await page.getByTestId("q-groupby").boundingBox();
    assert.ok(box && field && box.width >= field.width - 1, "the tag key picker keeps the field's width");
  });

  test("'more' in a value picker appends the next page, without duplicates, until the end", async () => {
    // The demo's dimensions have fewer values than the picker's page of 20, so this test asks
    // for pages of 4 (rewriting the limit the picker sends); the cursors are the API's own.
    const PAGE = 4;
    await page.route(/\/api\/v1\/costs\/dimensions\/[^/]+\/values\?/, (route) => {
      const u = new URL(route.request().url());
      // Only the picker's pages (of 20); names are read in one page of 200 elsewhere.
      if (u.searchParams.get("limit") !== "20") return route.continue();
      u.searchParams.set("limit", String(PAGE));
      return route.continue({ url: u.toString() });
    });
    const distinct = async (dim) => {
      const all = await admin.get(`/costs/dimensions/${encodeURIComponent(dim)}/values?start=${START}&end=${END}&limit=200`);
      return [...new Set(all.items.map((v) => v.value))];
    };
    const keys = (await admin.get(`/costs/dimensions/tag/values?start=${START}&end=${END}`)).items.map((k) => k.value);
    let best = { dim: "", values: [] };
    for (const dim of ["billingItem", "resourceGroup", "costUnit", "region", "product", ...keys.map((k) => `tag.${k}`)]) {
      const values = await distinct(dim);
      if (values.length > best.values.length) best = { dim, values };
    }
    assert.ok(best.values.length > PAGE, `some dimension has more than one page of values (most: ${best.dim}, ${best.values.length})`);
    await page.goto(`${BASE_URL}/explorer/?start=${START}&end=${END}&groupBy=product&granularity=month`);
    if (best.dim.startsWith("tag.")) {
      const key = best.dim.slice(4);
      await page.getByTestId("filter-dimension").selectOption("tag");
      const keySelect = page.getByTestId("filter-dimension-tagkey");
      await keySelect.locator(`option[value="${key}"]`).waitFor({ state: "attached", timeout: 15_000 });
      await keySelect.selectOption(key);
    } else {
      await page.getByTestId("filter-dimension").selectOption(best.dim);
    }
    const list = page.getByTestId("filter-values-list");
    const shown = () => list.locator('[data-testid="value-option"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-value")));
    await page.waitForSelector(`[data-testid="filter-values-list"][data-loaded="${best.dim}|"][data-pages="1"]`, { timeout: 30_000 });
    // The API's pages, by its own cursors: what the picker should list after each "more".
    const apiPages = [];
    for (let cursor = ""; ; ) {
      const p = await admin.get(
        `/costs/dimensions/${encodeURIComponent(best.dim)}/values?start=${START}&end=${END}&limit=${PAGE}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      apiPages.push(p.items.map((v) => v.value));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    const upTo = (n) => [...new Set(apiPages.slice(0, n).flat())];
    const first = await shown();
    assert.deepEqual(first, upTo(1), "the first page is the API's first page");
    let pages = 1;
    let before = first;
    for (;;) {
      const more = page.getByTestId("filter-values-more");
      if ((await more.count()) === 0) break;
      await more.click();
      pages++;
      await page.waitForSelector(`[data-testid="filter-values-list"][data-pages="${pages}"]`, { timeout: 30_000 });
      const now = await shown();
      assert.equal(new Set(now).size, now.length, `no value twice after page ${pages}`);
      // A page can hold only other currencies of values already listed: no new option then.
      assert.deepEqual(now, upTo(pages), `after page ${pages}: the values of the API's first ${pages} pages, in order`);
      assert.ok(
        now.slice(before.length).every((v) => !first.includes(v)),
        "the added values were not on the first page",
      );
      before = now;
      assert.ok(pages <= apiPages.length, "no more pages than the API has");
    }
    assert.equal(pages, apiPages.length, "'more' is offered until the API's last page, then gone");
    assert.ok(before.length > first.length, "'more' showed values that were not on the first page");
    assert.ok(pages >= 2, "'more' was offered");
    assert.deepEqual(new Set(before), new Set(best.values), "at the end every value of the range is listed once");
    assert.equal(before.length, best.values.length);
    await screenshot(page, "explorer-value-picker-more");
    await page.unroute(/\/api\/v1\/costs\/dimensions\/[^/]+\/values\?/);
  });

  test("the English interface shows English product and region names", async () => {
    await page.evaluate(() => localStorage.setItem("cloudlens.lang", "en"));
    try {
      for (const [dim, code, name] of [
        ["product", "ecs", "Elastic Compute Service"],
        ["region", "cn-hangzhou", "China (Hangzhou)"],
      ]) {
        await page.goto(`${BASE_URL}/explorer/?start=${START}&end=${END}&groupBy=${dim}&granularity=month&top=100`);
        const { want } = await shownExplore(page, admin);
        const en = await getIn(admin, `/costs/explore?${exploreApiParams(parseExplorerQuery(new URL(page.url()).searchParams, new Date()))}`, "en");
        const group = en.items.flatMap((it) => it.groups).find((g) => g.key[dim] === code);
        assert.ok(group, `${code} has costs`);
        assert.equal(group.label, name, "the API names it in English");
        const row = page.locator(`[data-testid="explorer-row"][data-key='${JSON.stringify({ [dim]: code })}']`).first();
        await page.waitForSelector(`[data-testid="explorer-row"][data-label="${name}"]`, { timeout: 15_000 });
        assert.equal((await row.locator("td").first().innerText()).trim(), name);
        assert.ok(want.items.length > 0);
      }
      await screenshot(page, "explorer-english-names");
    } finally {
      await page.evaluate(() => localStorage.setItem("cloudlens.lang", "zh"));
    }
  });

  test("a drill-down opens in view, and back from a resource keeps the whole query", async () => {
    // A short window so the page is long: the drill-down must scroll into view to be seen.
    const url = `${BASE_URL}/explorer/?start=${START}&end=${END}&granularity=day&groupBy=product&top=20&metric=billed&filter=region%3Anotin%3Aus-west-1`;
    await page.setViewportSize({ width: 1280, height: 700 });
    await page.goto(url);
    await shownExplore(page, admin);
    const rows = page.locator('[data-testid="explorer-row"]:not([data-other])');
    const row = rows.nth((await rows.count()) - 1);
    await row.getByTestId("drill").click();
    const panel = page.getByTestId("drilldown");
    await panel.waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => {
        const r = document.querySelector('[data-testid="drilldown"]')?.getBoundingClientRect();
        return r && r.top >= -1 && r.top < window.innerHeight - 40;
      },
      null,
      { timeout: 10_000 },
    );
    await page.waitForURL(/drill=/);
    const before = new URL(page.url()).searchParams;
    const link = panel.locator('[data-testid="resource-row"] a').first();
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await page.waitForURL(/\/explorer\/resource\//);
    await page.getByTestId("resource-total").waitFor({ timeout: 15_000 });
    await page.getByTestId("resource-back").click();
    await page.waitForURL(/\/explorer\/\?/);
    const after = new URL(page.url()).searchParams;
    for (const k of ["start", "end", "granularity", "groupBy", "top", "metric", "drill"]) assert.equal(after.get(k), before.get(k), k);
    assert.deepEqual(after.getAll("filter"), before.getAll("filter"), "filters");
    await page.getByTestId("drilldown").waitFor({ timeout: 15_000 });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test("a saved view reopens with the same figures, also by its link", async () => {
    await page.goto(`${BASE_URL}/explorer/?start=${START}&end=${END}&granularity=week&groupBy=region&filter=product%3Ain%3Aecs%2Crds`);
    const { q: shownQuery, want } = await shownExplore(page, admin);
    await page.getByTestId("view-save").click();
    await page.getByTestId("view-name").fill("ECS and RDS by region");
    await page.getByTestId("view-pinned").check();
    await page.getByTestId("view-submit").click();
    await page.getByTestId("view-name").waitFor({ state: "detached" });
    const list = await admin.get("/costs/views");
    const view = list.items.find((v) => v.name === "ECS and RDS by region");
    assert.ok(view, "the view is saved");
    views.push(view.id);
    const savedQuery = view.query;
    assert.deepEqual(parseExplorerQuery(new URLSearchParams(savedQuery), new Date()), shownQuery, "the view keeps the page's query");

    // Elsewhere, then back through the list of views.
    await page.goto(`${BASE_URL}/explorer/?groupBy=product`);
    await page.getByTestId("views-select").locator(`option[value="${view.id}"]`).waitFor({ state: "attached" });
    await page.getByTestId("views-select").selectOption(String(view.id));
    await page.waitForURL((u) => u.search.slice(1) === savedQuery);
    await assertTotals(page, (await shownExplore(page, admin)).want);
    await assertTotals(page, want);

    // By its link.
    await page.goto(`${BASE_URL}/explorer/?saved=${view.id}`);
    await page.waitForURL((u) => u.search.slice(1) === savedQuery, { timeout: 15_000 });
    await assertTotals(page, (await shownExplore(page, admin)).want);

    // Pinned: a card on the dashboard with the same total.
    await page.goto(`${BASE_URL}/dashboard/`);
    const card = page.locator('[data-testid="pinned-view"]', { hasText: "ECS and RDS by region" });
    await card.getByTestId("pinned-view-total").first().waitFor({ timeout: 15_000 });
    const shown = await card.getByTestId("pinned-view-total").evaluateAll((els) => els.map((e) => [e.getAttribute("data-currency"), e.getAttribute("data-value")]));
    assert.deepEqual(shown, want.items.map((it) => [it.currency, normalizeDecimal(it.total)]));
    await screenshot(page, "dashboard-pinned-view");
  });

  test("the dashboard's as-of date is the same billing day in Shanghai, UTC and Los Angeles", async () => {
    const overview = await admin.get("/costs/overview");
    const state = await ctx.storageState();
    const shown = [];
    for (const timezoneId of ["Asia/Shanghai", "UTC", "America/Los_Angeles"]) {
      const c = await browser.newContext({ timezoneId, storageState: state, viewport: { width: 1440, height: 900 } });
      c.setDefaultNavigationTimeout(90_000);
      const p = await c.newPage();
      await p.goto(`${BASE_URL}/dashboard/`);
      const asOf = p.getByTestId("as-of");
      // A cold page load per zone; generous for a machine shared by many builds.
      await asOf.waitFor({ timeout: 90_000 });
      const zone = await p.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      assert.equal(zone, timezoneId, "the browser runs in the zone asked for");
      shown.push((await asOf.innerText()).trim());
      await c.close();
    }
    assert.equal(new Set(shown).size, 1, `one date in every zone: ${shown.join(" | ")}`);
    assert.ok(shown[0].includes(formatBillingDate(overview.asOf, "zh")), `${shown[0]} shows ${overview.asOf}`);
  });

  test("a failing connection test says why, in the reader's language", async () => {
    // Credentials for the real Alibaba Cloud: from a machine without its network the test
    // fails on the network (or, with network, on the made-up credentials); either way the
    // page words the cause the API names.
    const acc = await admin.post("/accounts", {
      name: `e2e-cause-${Date.now()}`,
      accountId: "1234567890123457",
      accessKeyId: "LTAI5tE2eCauseKeyId0001",
      accessKeySecret: "this-secret-is-made-up",
    });
    try {
      const answer = await admin.post(`/accounts/${acc.id}/test`);
      assert.equal(answer.ok, false);
      assert.ok(["credentials", "network", "refused"].includes(answer.cause), `a cause: ${JSON.stringify(answer)}`);
      assert.ok(answer.messageCode, "a message code");
      for (const lang of ["en", "zh"]) {
        await page.evaluate((l) => localStorage.setItem("cloudlens.lang", l), lang);
        await page.goto(`${BASE_URL}/accounts/detail/?id=${acc.id}`);
        await page.getByTestId("test-connection").click();
        const failed = page.getByTestId("test-failed");
        await failed.waitFor({ timeout: 60_000 });
        assert.equal(await failed.getAttribute("data-message-code"), answer.messageCode);
        assert.equal((await page.getByTestId("test-cause").innerText()).trim(), translate(lang, `acc.cause.${answer.cause}`));
        const words = errorText(lang, { message: answer.message, messageCode: answer.messageCode, params: answer.params });
        assert.notEqual(words, answer.message, "the message is worded by the app, not the server's English");
        assert.equal((await page.getByTestId("test-message").innerText()).trim(), translate(lang, "acc.testFailed", { message: words }));
        await screenshot(page, `account-test-cause-${lang}`);
      }
    } finally {
      await page.evaluate(() => localStorage.setItem("cloudlens.lang", "zh"));
      await admin.del(`/accounts/${acc.id}`);
    }
  });
});
