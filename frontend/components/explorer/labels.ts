"use client";

// Names for the codes of a dimension (products, regions, accounts, tag values), from the
// dimension values the API lists for a range in the page's language. A code the list does not
// name stays as it is.

import { useCallback } from "react";
import { useDimensionValues } from "@/lib/queries";

export interface Range {
  start: string;
  end: string;
}

// Dimensions whose values have names other than themselves.
const NAMED = new Set(["account", "product", "region"]);

export function useLabels(dimension: string, range: Range): (value: string) => string {
  const named = NAMED.has(dimension);
  const values = useDimensionValues(named ? dimension : "", { start: range.start, end: range.end, limit: 200 });
  const items = values.data?.items;
  return useCallback(
    (v: string) => {
      const hit = items?.find((it) => it.value === v);
      return hit && hit.label ? hit.label : v;
    },
    [items],
  );
}
