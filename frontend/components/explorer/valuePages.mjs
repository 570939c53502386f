// The pages of a dimension's values as one picker list. The API answers one row per value and
// currency, largest cost first, so a value billed in two currencies can straddle two pages;
// merging by value keeps one option per value wherever its rows fell.

/**
 * @typedef {{ value: string, label: string, cost: string, currency: string }} ValueRow
 * @typedef {{ items: ValueRow[], nextCursor?: string | null }} ValuePage
 * @typedef {{ value: string, label: string, costs: { cost: string, currency: string }[] }} ValueOption
 */

/**
 * One option per value, in the order the pages first name it, with a cost per currency.
 * @param {ValuePage[]} pages
 * @returns {ValueOption[]}
 */
export function mergeValuePages(pages) {
  /** @type {Map<string, ValueOption>} */
  const byValue = new Map();
  for (const page of pages) {
    for (const it of page.items ?? []) {
      const e = byValue.get(it.value) ?? { value: it.value, label: it.label, costs: [] };
      if (!e.costs.some((c) => c.currency === it.currency)) e.costs.push({ cost: it.cost, currency: it.currency });
      byValue.set(it.value, e);
    }
  }
  return [...byValue.values()];
}

