// Page-load budget of the web app, measured the way a Lighthouse run would on localhost:
// bytes transferred by a cold first load (login page, empty cache) and by the dashboard with
// the cache disabled, and the time from navigation until the dashboard shows its month-to-date
// figure. Prints medians over several runs as a Markdown table for BENCHMARKS.md.
//
//   CLOUDLENS_URL=… CLOUDLENS_ADMIN_EMAIL=… CLOUDLENS_ADMIN_PASSWORD=… node e2e/perf.mjs [runs]

import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL, launch, signIn, skipReason } from "./helpers.mjs";

const runs = Number(process.argv[2] || 5);
const skip = skipReason();
if (skip) {
  console.log(`perf: ${skip}`);
  process.exit(0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// transferred counts the encoded bytes of every response while fn runs.
async function transferred(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
  });
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  await cdp.detach();
  return { bytes, ms };
}

const browser = await launch();
const login = [];
const dash = [];
try {
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    login.push(
      await transferred(page, async () => {
        await page.goto(`${BASE_URL}/login/`, { waitUntil: "networkidle" });
        await page.getByTestId("login-email").waitFor();
      }),
    );
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    dash.push(
      await transferred(page, async () => {
        await page.goto(`${BASE_URL}/dashboard/`);
        await page.getByTestId("mtd").first().waitFor({ timeout: 30_000 });
      }),
    );
    await ctx.close();
  }
} finally {
  await browser.close();
}

const kb = (b) => (b / 1024).toFixed(0);
console.log(`| page (${runs} runs, medians) | transferred (KiB) | time (ms) |`);
console.log("|---|---:|---:|");
console.log(`| login, first load, empty cache | ${kb(median(login.map((x) => x.bytes)))} | ${median(login.map((x) => x.ms)).toFixed(0)} |`);
console.log(
  `| dashboard until month-to-date shows, cache disabled | ${kb(median(dash.map((x) => x.bytes)))} | ${median(dash.map((x) => x.ms)).toFixed(0)} |`,
);
