"use client";

import Link from "next/link";
import { AppShell } from "@/components/Shell";
import { Card } from "@/components/ui";
import { useI18n } from "@/lib/i18n";

// The page of an address the app does not have, inside the app's shell and in the reader's
// language (the static export writes it as 404.html, which the server answers unknown paths with).
export default function NotFound() {
  return (
    <AppShell>
      <NotFoundCard />
    </AppShell>
  );
}

function NotFoundCard() {
  const { t } = useI18n();
  return (
    <Card testId="not-found">
      <h1 className="text-lg font-semibold text-slate-900">{t("notFound.title")}</h1>
      <p className="mt-2 text-sm text-slate-600">{t("notFound.text")}</p>
      <Link href="/dashboard/" className="mt-4 inline-block text-sm text-sky-700 hover:underline">
        {t("notFound.home")}
      </Link>
    </Card>
  );
}
