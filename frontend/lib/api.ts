// The HTTP client for the CloudLens API: calls are typed by the paths of docs/openapi.yaml
// (lib/api-schema.d.ts, generated), every request carries the access token, a 401 refreshes it
// once (refresh tokens rotate, so concurrent refreshes share one request), and an error answer
// is thrown as ApiError with the request id the server logged.

import createClient from "openapi-fetch";
import type { components, paths } from "./api-schema";
import { loadConfig } from "./config";

// The API's shapes, by their names in docs/openapi.yaml.
export type Schemas = components["schemas"];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string,
    // A stable key of the message and its values, for wording it in the user's language.
    readonly messageCode = "",
    readonly params: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

type TokenAnswer = Schemas["TokenPair"];

const SESSION_KEY = "cloudlens.session";

export function readSession(): Session | null {
  if (typeof window === "undefined") return null;
  try {
    const raw = window.localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return s.accessToken && s.refreshToken ? s : null;
  } catch {
    return null;
  }
}

function writeSession(t: TokenAnswer): Session {
  const s: Session = {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresAt: Date.now() + (t.expiresIn || 0) * 1000,
  };
  window.localStorage.setItem(SESSION_KEY, JSON.stringify(s));
  return s;
}

export function clearSession() {
  if (typeof window !== "undefined") window.localStorage.removeItem(SESSION_KEY);
}

// Called when the session is gone for good (refresh refused): the auth provider sends the
// user to the login page and drops every page's data.
let signedOutHandler: (() => void) | null = null;
export function onSignedOut(fn: (() => void) | null) {
  signedOutHandler = fn;
}

// The language the user chose (lib/i18n.tsx keeps it under this key); Chinese by default.
export function pageLanguage(): "zh" | "en" {
  if (typeof window === "undefined") return "zh";
  return window.localStorage.getItem("cloudlens.lang") === "en" ? "en" : "zh";
}

async function apiUrl(path: string): Promise<string> {
  const { apiBase } = await loadConfig();
  return `${apiBase}/api/v1${path}`;
}

async function toError(res: Response): Promise<ApiError> {
  const headerId = res.headers.get("x-request-id") || res.headers.get("x-fc-request-id") || "";
  let code = "internal";
  let message = res.statusText || `HTTP ${res.status}`;
  let requestId = headerId;
  let messageCode = "";
  let params: Record<string, string> = {};
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
      requestId = body.error.requestId || requestId;
      messageCode = typeof body.error.messageCode === "string" ? body.error.messageCode : "";
      if (body.error.params && typeof body.error.params === "object") params = body.error.params;
    }
  } catch {
    // A body that is not JSON (a proxy's error page) keeps the status text.
  }
  return new ApiError(res.status, code, message, requestId, messageCode, params);
}

let refreshing: Promise<boolean> | null = null;

// Spends the refresh token for a new pair. Shared by every request that hit a 401 at the same
// time: a rotated refresh token works once, so a second parallel refresh would fail.
function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const s = readSession();
    if (!s) return false;
    try {
      const res = await fetch(await apiUrl("/auth/refresh"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      });
      if (!res.ok) return false;
      writeSession((await res.json()) as TokenAnswer);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function signOutLocally() {
  clearSession();
  signedOutHandler?.();
}

// Sends a request with the session's access token; on a 401 the tokens are refreshed once and
// the request is sent again. `path` is the API path from /api/v1 on ("/api/v1/costs/explore?...").
export async function authorizedFetch(path: string, init: RequestInit): Promise<Response> {
  const { apiBase } = await loadConfig();
  const url = `${apiBase}${path}`;
  const send = () => {
    const s = readSession();
    const headers = new Headers(init.headers);
    if (s) headers.set("Authorization", `Bearer ${s.accessToken}`);
    // Names in answers (products, regions) follow the page's language, not the browser's.
    if (!headers.has("Accept-Language")) headers.set("Accept-Language", pageLanguage());
    return fetch(url, { ...init, headers });
  };
  const before = readSession();
  let res = await send();
  if (res.status === 401 && before) {
    // Another request may already have rotated the tokens while this one was in flight.
    const now = readSession();
    const rotated = now && now.accessToken !== before.accessToken;
    if (rotated || (await refreshSession())) {
      res = await send();
    }
    if (res.status === 401) signOutLocally();
  }
  return res;
}

// The typed client's transport: the Request it built (relative to this origin) is sent to the
// configured API base with the token, and an error answer is thrown, so a call either returns
// the documented answer or rejects with ApiError.
async function clientFetch(req: Request): Promise<Response> {
  const { pathname, search } = new URL(req.url);
  const body = req.body === null ? undefined : await req.text();
  const res = await authorizedFetch(`${pathname}${search}`, { method: req.method, headers: req.headers, body });
  if (!res.ok) throw await toError(res);
  return res;
}

// Pages read JSON; the file exports (CSV, Excel, Parquet) go through download().
export const client = createClient<paths, "application/json">({ fetch: clientFetch });

// The answer of a typed call. An error answer was already thrown, so what is left is the
// documented body (undefined only for 204 No Content).
export async function answer<R extends { data?: unknown }>(call: Promise<R>): Promise<NonNullable<R["data"]>> {
  return (await call).data as NonNullable<R["data"]>;
}

export async function login(email: string, password: string): Promise<void> {
  const res = await fetch(await apiUrl("/auth/login"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw await toError(res);
  writeSession((await res.json()) as TokenAnswer);
}

export async function logout(): Promise<void> {
  const s = readSession();
  clearSession();
  if (!s) return;
  try {
    await fetch(await apiUrl("/auth/logout"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${s.accessToken}` },
      body: JSON.stringify({ refreshToken: s.refreshToken }),
    });
  } catch {
    // The local session is already gone; a server that cannot be reached lets the refresh
    // token expire on its own.
  }
}

function filenameFrom(res: Response, fallback: string): string {
  const cd = res.headers.get("content-disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain ? plain[1] : fallback;
}

// Downloads an export with the caller's token: a plain link cannot carry the Authorization
// header, so the file is fetched and handed to the browser as a blob.
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await authorizedFetch(`/api/v1${path}`, { method: "GET" });
  if (!res.ok) throw await toError(res);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filenameFrom(res, fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
