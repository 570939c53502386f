"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, Empty, ErrorBox, Field, Loading, PageHeader, inputClass } from "@/components/ui";
import { makeReport, openReport, useReports, type Report } from "@/lib/ai";
import { formatDateTime } from "@/lib/format.mjs";
import { useI18n } from "@/lib/i18n";

export default function ReportsPage() {
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Reports />
      </Suspense>
    </AppShell>
  );
}

function lastMonth(): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function Reports() {
  const { t, lang } = useI18n();
  const list = useReports();
  const [month, setMonth] = useState(lastMonth());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      await makeReport(month);
      await list.refetch();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const open = (id: number, format: "html" | "md") => openReport(id, format).catch(setError);
  // The monthly report's alert links here with ?download=<id>: a sign-in and the reader's
  // accounts stand between the link and the report.
  const download = Number(useSearchParams().get("download"));
  const linked = Number.isInteger(download) && download > 0 ? download : null;
  const linkedReport = linked ? list.data?.items.find((r) => r.id === linked) : undefined;

  const columns: Column<Report>[] = [
    { key: "month", header: t("rep.month"), cell: (r) => <span data-testid="report-month">{r.month}</span> },
    { key: "scope", header: t("rep.scope"), cell: (r) => (r.allAccounts ? t("rep.allAccounts") : t("rep.accounts", { count: r.accountIds.length })) },
    {
      key: "summary",
      header: t("rep.summary"),
      cell: (r) => <span className="text-xs" data-testid="report-summary">{r.summary.split("\n")[lang === "zh" ? 0 : 1] ?? r.summary}</span>,
    },
    { key: "created", header: t("rep.created"), cell: (r) => formatDateTime(r.createdAt, lang) },
    {
      key: "download",
      header: "",
      cell: (r) => (
        <span className="flex gap-2 whitespace-nowrap">
          <Button kind="ghost" onClick={() => void open(r.id, "html")} data-testid="report-html">
            {t("rep.html")}
          </Button>
          <Button kind="ghost" onClick={() => void open(r.id, "md")} data-testid="report-md">
            {t("rep.md")}
          </Button>
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t("rep.title")} />
      <p className="mb-3 text-sm text-slate-600">{t("rep.intro")}</p>
      {linked && list.data && (
        <Card className="mb-4" testId="linked-report">
          {linkedReport ? (
            <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span>
                {t("rep.download", { id: linked })} <span className="font-medium">{linkedReport.month}</span>
              </span>
              <span className="flex gap-2">
                <Button kind="primary" onClick={() => void open(linked, "html")} data-testid="linked-report-html">
                  {t("rep.html")}
                </Button>
                <Button onClick={() => void open(linked, "md")} data-testid="linked-report-md">
                  {t("rep.md")}
                </Button>
              </span>
            </div>
          ) : (
            <p className="text-sm text-slate-600" data-testid="linked-report-missing">
              {t("rep.notFound", { id: linked })}
            </p>
          )}
        </Card>
      )}
      <Card>
        <div className="mb-4 flex items-end gap-2">
          <div className="w-40">
            <Field label={t("rep.month")}>
              <input type="month" className={inputClass} value={month} onChange={(e) => setMonth(e.target.value)} data-testid="report-month-input" />
            </Field>
          </div>
          <Button kind="primary" onClick={() => void make()} disabled={busy || !month} data-testid="make-report">
            {busy ? t("rep.making") : t("rep.make")}
          </Button>
        </div>
        <ErrorBox error={error || list.error} />
        {list.isLoading ? (
          <Loading />
        ) : (
          <Table
            testId="reports-table"
            columns={columns}
            rows={list.data?.items ?? []}
            rowKey={(r) => r.id}
            rowAttrs={(r) => ({ "data-testid": "report-row", "data-report-id": r.id })}
            empty={<Empty>{t("rep.none")}</Empty>}
          />
        )}
      </Card>
    </>
  );
}
