"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ApiError } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { Button, ErrorBox, Field, inputClass } from "@/components/ui";

// Where to go after signing in: only a path on this site, never another origin.
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get("next") || "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/dashboard/";
}

export default function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { status, signIn } = useAuth();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (status === "signedIn") router.replace(nextPath());
  }, [status, router]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError(new ApiError(401, err.code, t("auth.badCredentials"), err.requestId));
      } else if (err instanceof ApiError && err.status === 429) {
        setError(new ApiError(429, err.code, t("auth.rateLimited"), err.requestId));
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-900 via-slate-800 to-sky-900 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center text-white">
          <div className="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-lg bg-sky-500 text-xl font-bold">
            C
          </div>
          <h1 className="text-2xl font-semibold">{t("app.name")}</h1>
          <p className="mt-1 text-sm text-slate-300">{t("app.tagline")}</p>
        </div>
        <form
          onSubmit={submit}
          data-testid="login-form"
          className="space-y-4 rounded-lg bg-white p-6 shadow-xl"
        >
          <Field label={t("auth.email")}>
            <input
              type="email"
              name="email"
              data-testid="login-email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className={inputClass}
            />
          </Field>
          <Field label={t("auth.password")}>
            <input
              type="password"
              name="password"
              data-testid="login-password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              className={inputClass}
            />
          </Field>
          <ErrorBox error={error} />
          <Button kind="primary" type="submit" disabled={busy} data-testid="login-submit" className="w-full py-2">
            {busy ? t("auth.signingIn") : t("auth.signIn")}
          </Button>
          <div className="text-center">
            <button
              type="button"
              data-testid="lang-toggle"
              onClick={() => setLang(lang === "zh" ? "en" : "zh")}
              className="text-xs text-slate-500 hover:text-slate-800"
            >
              {t("common.language")}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
