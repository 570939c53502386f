"use client";

import { useState } from "react";
import { FindingsTable } from "@/components/resources";
import { AppShell } from "@/components/Shell";
import { Table, type Column } from "@/components/Table";
import { Button, Card, DemoBadge, Empty, ErrorBox, Loading, Money, PageHeader, inputClass } from "@/components/ui";
import { download } from "@/lib/api";
import { useI18n } from "@/lib/i18n";
import { useAccounts } from "@/lib/queries";
import { findingsExportPath, useFindings, useIdleRules, type FindingList } from "@/lib/resources";

export default function SavingsPage() {
  return (
    <AppShell>
      <Savings />
    </AppShell>
  );
}

const statuses = ["open", "snoozed", "dismissed", "resolved"] as const;
type RuleTotal = FindingList["byRule"][number];

function Savings() {
  const { t } = useI18n();
  const accounts = useAccounts();
  const rules = useIdleRules();
  const [status, setStatus] = useState<(typeof statuses)[number]>("open");
  const [rule, setRule] = useState("");
  const [accountId, setAccountId] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [exportError, setExportError] = useState<unknown>(null);
  const cursor = cursors.at(-1);
  const query = {
    status,
    limit: 100,
    ...(rule && { rule }),
    ...(accountId && { accountId: Number(accountId) }),
    ...(cursor && { cursor }),
  };
  const list = useFindings(query);
  const data = list.data;

  const reset = () => setCursors([]);
  const exportAs = async (format: "csv" | "xlsx") => {
    setExportError(null);
    try {
      await download(findingsExportPath(query, format), `cloudlens-savings.${format}`);
    } catch (e) {
      setExportError(e);
    }
  };

  const ruleColumns: Column<RuleTotal>[] = [
    {
      key: "rule",
      header: t("res.rule"),
      cell: (r) => (
        <button
          type="button"
          className="text-left text-sky-700 hover:underline"
          data-testid="rule-total-link"
          onClick={() => {
            setRule(r.rule);
            reset();
          }}
        >
          {t(`res.rule.${r.rule}`)}
        </button>
      ),
    },
    { key: "count", header: t("res.count"), numeric: true, cell: (r) => r.count },
    {
      key: "savings",
      header: t("res.monthlySavings"),
      numeric: true,
      cell: (r) => <Money amount={r.monthlySavings} currency={r.currency} testId="rule-total-savings" />,
    },
  ];

  return (
    <>
      <PageHeader title={t("res.savingsTitle")}>
        <DemoBadge show={data?.demo} />
        <Button onClick={() => void exportAs("csv")} data-testid="savings-export-csv">
          {t("exp.exportCsv")}
        </Button>
        <Button onClick={() => void exportAs("xlsx")} data-testid="savings-export-xlsx">
          {t("exp.exportXlsx")}
        </Button>
      </PageHeader>
      <ErrorBox error={exportError} />
      <ErrorBox error={list.error} onRetry={() => void list.refetch()} />
      <div className="mb-5 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="savings-totals">
        {(data?.totals ?? []).map((tot) => (
          <Card key={tot.currency}>
            <div className="text-xs text-slate-500">{t("res.totalPerMonth", { currency: tot.currency })}</div>
            <div className="mt-1 text-2xl font-semibold text-emerald-700">
              <Money amount={tot.monthlySavings} currency={tot.currency} testId="savings-total" />
            </div>
            <div className="mt-1 text-xs text-slate-500" data-testid="savings-total-count">
              {t("res.findingCount", { n: tot.count })}
            </div>
          </Card>
        ))}
        {data && data.totals.length === 0 && (
          <Card>
            <div className="text-sm text-slate-500" data-testid="savings-no-total">
              {t("res.noSavings")}
            </div>
          </Card>
        )}
      </div>
      <Card title={t("res.byRule")}>
        <Table
          testId="savings-by-rule"
          columns={ruleColumns}
          rows={data?.byRule ?? []}
          rowKey={(r) => `${r.rule}/${r.currency}`}
          rowAttrs={(r) => ({ "data-testid": "rule-total-row", "data-rule": r.rule })}
          empty={<Empty>{t("res.noFindings")}</Empty>}
        />
      </Card>
      <div className="mt-5">
        <Card title={t("res.findings")}>
          <div className="mb-3 grid grid-cols-1 gap-2 sm:grid-cols-3">
            <select
              className={inputClass}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value as (typeof statuses)[number]);
                reset();
              }}
              data-testid="savings-status"
            >
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {t(`res.status.${s}`)}
                </option>
              ))}
            </select>
            <select
              className={inputClass}
              value={rule}
              onChange={(e) => {
                setRule(e.target.value);
                reset();
              }}
              data-testid="savings-rule"
            >
              <option value="">{t("res.allRules")}</option>
              {(rules.data?.items ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  {t(`res.rule.${r.id}`)}
                </option>
              ))}
            </select>
            <select
              className={inputClass}
              value={accountId}
              onChange={(e) => {
                setAccountId(e.target.value);
                reset();
              }}
              data-testid="savings-account"
            >
              <option value="">{t("exp.allAccounts")}</option>
              {(accounts.data?.items ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          {list.isLoading ? (
            <Loading />
          ) : (
            <>
              <FindingsTable findings={data?.items ?? []} empty={<Empty>{t("res.noFindings")}</Empty>} />
              <div className="mt-3 flex justify-end gap-2">
                <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  {t("res.prev")}
                </Button>
                <Button disabled={!data?.nextCursor} onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}>
                  {t("res.next")}
                </Button>
              </div>
            </>
          )}
        </Card>
      </div>
    </>
  );
}
