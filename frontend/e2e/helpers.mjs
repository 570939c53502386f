// Shared set-up for the end-to-end tests: the browser, the API client the tests use to learn
// the expected figures, and screenshots.

import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const BASE_URL = (process.env.CLOUDLENS_URL || "").replace(/\/+$/, "");
export const ADMIN_EMAIL = process.env.CLOUDLENS_ADMIN_EMAIL || "";
export const ADMIN_PASSWORD = process.env.CLOUDLENS_ADMIN_PASSWORD || "";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = join(here, "screenshots");

// Why the suite cannot run here, or "" when it can. A missing browser or server is a skip with
// a clear reason, never a silent pass.
export function skipReason() {
  if (!existsSync(CHROMIUM_PATH)) {
    return `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH); skipping the end-to-end tests`;
  }
  if (!BASE_URL) return "CLOUDLENS_URL is not set; skipping the end-to-end tests";
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD) {
    return "CLOUDLENS_ADMIN_EMAIL / CLOUDLENS_ADMIN_PASSWORD are not set; skipping the end-to-end tests";
  }
  return "";
}

export async function launch() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// A small API client with its own session, independent of the browser's.
export class Api {
  constructor(token) {
    this.token = token;
  }

  static async login(email, password) {
    const res = await fetch(`${BASE_URL}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`login as ${email}: HTTP ${res.status} ${await res.text()}`);
    const body = await res.json();
    return new Api(body.accessToken);
  }

  async call(method, path, body) {
    const res = await fetch(`${BASE_URL}/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  get(path) {
    return this.call("GET", path);
  }
  post(path, body = {}) {
    return this.call("POST", path, body);
  }
  del(path) {
    return this.call("DELETE", path);
  }
}

// Signs in through the login form and waits for the dashboard.
export async function signIn(page, email, password) {
  await page.goto(`${BASE_URL}/login/`);
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/dashboard\/?$/, { timeout: 15_000 });
  await page.getByTestId("current-user").waitFor({ timeout: 15_000 });
}
