// Runtime configuration, fetched from config.json next to the pages so that one build serves
// local mode (same origin) and any deployment (API on another domain).

export interface RuntimeConfig {
  apiBase: string;
}

let pending: Promise<RuntimeConfig> | null = null;

export function loadConfig(): Promise<RuntimeConfig> {
  pending ??= fetch("/config.json", { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))
    .then((raw: Partial<RuntimeConfig>) => ({
      apiBase: typeof raw.apiBase === "string" ? raw.apiBase.replace(/\/+$/, "") : "",
    }));
  return pending;
}
