"use client";

// The signed-in frame: sidebar navigation, user menu, language switch. It renders a page's
// content only for a signed-in user (and, for admin pages, only for an admin).

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { isAdmin, useAuth } from "@/lib/auth";
import { useI18n } from "@/lib/i18n";
import { ErrorBox, Forbidden, Loading } from "./ui";

interface NavItem {
  href: string;
  key: string;
  icon: string;
  admin?: boolean;
}

// Only pages that exist are listed; anomalies, resources, the AI assistant and reports join
// the "cost" section when their pages are built.
const sections: { key: string; items: NavItem[] }[] = [
  {
    key: "nav.cost",
    items: [
      { href: "/dashboard/", key: "nav.dashboard", icon: "M3 12l9-9 9 9M5 10v10h14V10" },
      { href: "/explorer/", key: "nav.explorer", icon: "M4 19V5m0 14h16M8 15v-4m4 4V8m4 7v-6" },
      { href: "/budgets/", key: "nav.budgets", icon: "M12 3a9 9 0 109 9h-9V3zM15 3.5A9 9 0 0120.5 9H15V3.5" },
      { href: "/alerts/", key: "nav.alerts", icon: "M18 8a6 6 0 10-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 01-3.4 0" },
      // ---- anomaly: nav items of this area go below this line ----
      { href: "/anomalies/", key: "nav.anomalies", icon: "M3 17l5-5 4 4 8-9M14 7h6v6" },

      // ---- resources: nav items of this area go below this line ----
      { href: "/resources/", key: "nav.resources", icon: "M4 6h16M4 12h16M4 18h16" },
      { href: "/savings/", key: "nav.savings", icon: "M12 8c-2 0-3 .9-3 2s1 2 3 2 3 .9 3 2-1 2-3 2m0-8V6m0 12v-2M21 12a9 9 0 11-18 0 9 9 0 0118 0z" },

      // ---- ai: nav items of this area go below this line ----
      { href: "/assistant/", key: "nav.assistant", icon: "M8 10h8M8 14h5M21 12a9 9 0 01-13.4 7.9L3 21l1.1-4.6A9 9 0 1121 12z" },
      { href: "/reports/", key: "nav.reports", icon: "M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6" },

    ],
  },
  {
    key: "nav.admin",
    items: [
      { href: "/accounts/", key: "nav.accounts", icon: "M3 7h18v10H3zM7 7V5h10v2" },
      { href: "/api-keys/", key: "nav.apiKeys", icon: "M15 7a4 4 0 11-4 4m4-4l5 5-2 2-1-1-1 1-2-2" },
      { href: "/users/", key: "nav.users", icon: "M16 14a4 4 0 10-8 0M12 10a3 3 0 100-6 3 3 0 000 6zM4 20h16", admin: true },
    ],
  },
];

function trimSlash(p: string) {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { t, lang, setLang } = useI18n();
  const { user, signOut } = useAuth();
  const pathname = trimSlash(usePathname() || "/");
  const router = useRouter();

  return (
    <div className="flex h-full flex-col bg-slate-900 text-slate-300">
      <div className="flex items-center gap-2 px-5 py-5">
        <div className="flex h-8 w-8 items-center justify-center rounded-md bg-sky-500 font-bold text-white">
          C
        </div>
        <div>
          <div className="font-semibold text-white">{t("app.name")}</div>
          <div className="text-xs text-slate-400">{t("app.tagline")}</div>
        </div>
      </div>
      <nav className="flex-1 space-y-5 overflow-y-auto px-3 py-2" data-testid="nav">
        {sections.map((s) => {
          const items = s.items.filter((i) => !i.admin || isAdmin(user));
          return (
            <div key={s.key}>
              <div className="px-2 pb-1 text-xs font-medium uppercase tracking-wider text-slate-500">
                {t(s.key)}
              </div>
              {items.map((i) => {
                const active = pathname === trimSlash(i.href) || pathname.startsWith(trimSlash(i.href) + "/");
                return (
                  <Link
                    key={i.href}
                    href={i.href}
                    onClick={onNavigate}
                    data-testid={`nav-${i.key.slice(4)}`}
                    className={`mt-0.5 flex items-center gap-3 rounded-md px-2 py-2 text-sm ${
                      active ? "bg-slate-800 text-white" : "hover:bg-slate-800/60 hover:text-white"
                    }`}
                  >
                    <svg viewBox="0 0 24 24" className="h-4 w-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.8">
                      <path d={i.icon} strokeLinecap="round" strokeLinejoin="round" />
                    </svg>
                    {t(i.key)}
                  </Link>
                );
              })}
            </div>
          );
        })}
      </nav>
      <div className="border-t border-slate-800 px-4 py-4 text-sm">
        {user && (
          <div className="mb-3">
            <div className="truncate text-white" data-testid="current-user">
              {user.name || user.email}
            </div>
            <div className="truncate text-xs text-slate-400">
              {user.email} · {t(`role.${user.role}`)}
            </div>
          </div>
        )}
        <div className="flex items-center justify-between gap-2">
          <button
            type="button"
            data-testid="lang-toggle"
            onClick={() => setLang(lang === "zh" ? "en" : "zh")}
            className="rounded border border-slate-700 px-2 py-1 text-xs hover:bg-slate-800"
          >
            {t("common.language")}
          </button>
          <button
            type="button"
            data-testid="sign-out"
            onClick={async () => {
              await signOut();
              router.replace("/login/");
            }}
            className="text-xs text-slate-400 hover:text-white"
          >
            {t("auth.signOut")}
          </button>
        </div>
      </div>
    </div>
  );
}

export function AppShell({
  children,
  adminOnly = false,
}: {
  children: React.ReactNode;
  adminOnly?: boolean;
}) {
  const { status, user, error, retry } = useAuth();
  const { t } = useI18n();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (status === "signedOut") {
      const next = window.location.pathname + window.location.search;
      router.replace(`/login/?next=${encodeURIComponent(next)}`);
    }
  }, [status, router]);

  if (status === "loading" || status === "signedOut") {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Loading />
      </div>
    );
  }
  if (status === "error") {
    return (
      <div className="mx-auto max-w-lg p-8">
        <ErrorBox error={error} onRetry={retry} />
      </div>
    );
  }

  const forbidden = adminOnly && !isAdmin(user);
  return (
    <div className="min-h-screen bg-slate-50 lg:pl-60">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 lg:block">
        <Sidebar />
      </aside>
      <div className="sticky top-0 z-20 flex items-center justify-between bg-slate-900 px-4 py-3 text-white lg:hidden">
        <span className="font-semibold">{t("app.name")}</span>
        <button
          type="button"
          data-testid="menu-toggle"
          onClick={() => setMenuOpen(true)}
          className="rounded border border-slate-700 px-2 py-1 text-sm"
        >
          {t("nav.menu")}
        </button>
      </div>
      {menuOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <div className="absolute inset-0 bg-slate-900/50" onClick={() => setMenuOpen(false)} />
          <aside className="absolute inset-y-0 left-0 w-64">
            <Sidebar onNavigate={() => setMenuOpen(false)} />
          </aside>
        </div>
      )}
      <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6 lg:px-8">
        {forbidden ? (
          <Forbidden />
        ) : (
          children
        )}
      </main>
    </div>
  );
}
