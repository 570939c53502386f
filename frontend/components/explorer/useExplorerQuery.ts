"use client";

// The explorer's state lives in the page URL (so a view can be shared and bookmarked): this hook
// reads it into a typed query and writes changes back with router.replace.

import { useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { parseExplorerQuery, toSearchParams, validateQuery, type ExplorerQuery } from "@/lib/query.mjs";
import type { DiscountGroupBy as DiscountGroup } from "@/lib/types";

export type { DiscountGroup };

export type ExplorerView = "costs" | "discounts";

// The groupings GET /costs/discounts accepts (DiscountGroupBy in the contract).
export const DISCOUNT_GROUPS: readonly DiscountGroup[] = ["product", "region", "subscriptionType", "month"];

// The group a drill-down was opened on: its dimension values, its label and the currency
// section it was opened in (the panel opens there, where the user clicked).
export interface Drill {
  key: Record<string, string>;
  label: string;
  currency: string;
}

// The drill-down is page state in the URL (so "back" from a resource returns to it).
function parseDrill(s: string | null): Drill | null {
  if (!s) return null;
  try {
    const d = JSON.parse(s);
    if (!d || typeof d !== "object" || typeof d.key !== "object" || d.key === null) return null;
    const key: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.key)) if (typeof v === "string") key[k] = v;
    return { key, label: typeof d.label === "string" ? d.label : "", currency: typeof d.currency === "string" ? d.currency : "" };
  } catch {
    return null;
  }
}

function isDiscountGroup(s: string | null): s is DiscountGroup {
  return DISCOUNT_GROUPS.some((g) => g === s);
}

export function useExplorerQuery() {
  const router = useRouter();
  const sp = useSearchParams();
  const spKey = sp.toString();
  const q = useMemo(() => parseExplorerQuery(new URLSearchParams(spKey), new Date()), [spKey]);
  const view: ExplorerView = sp.get("view") === "discounts" ? "discounts" : "costs";
  const dgroup = sp.get("dgroup");
  const discountGroup: DiscountGroup = isDiscountGroup(dgroup) ? dgroup : "product";
  // A drill-down belongs to the query it was opened on; any change of the query closes it.
  const drill = useMemo(() => parseDrill(new URLSearchParams(spKey).get("drill")), [spKey]);
  const problems = validateQuery(q);

  const go = (next: ExplorerQuery, extra: Record<string, string>) => {
    router.replace(`/explorer/?${toSearchParams(next, extra)}`, { scroll: false });
  };
  const setDrill = (d: Drill | null) =>
    go(q, { ...pageState(view, discountGroup), drill: d ? JSON.stringify(d) : "" });
  const pageState = (v: ExplorerView, g: DiscountGroup) => ({ view: v, dgroup: v === "discounts" ? g : "" });

  return {
    q,
    view,
    discountGroup,
    problems,
    valid: problems.length === 0,
    drill,
    setDrill,
    // The page state beside the query (tab, discount grouping), as the URL writes it.
    extra: pageState(view, discountGroup),
    saved: sp.get("saved"),
    // Replaces the whole query (reset) or patches it, keeping the tab.
    replace: (next: ExplorerQuery) => go(next, pageState(view, discountGroup)),
    set: (patch: Partial<ExplorerQuery>) => go({ ...q, ...patch }, pageState(view, discountGroup)),
    setView: (v: ExplorerView) => go(q, pageState(v, discountGroup)),
    setDiscountGroup: (g: DiscountGroup) => go(q, pageState("discounts", g)),
  };
}
