"use client";

// Page data through the shared cache (see queryClient.ts), each read typed by the API contract.
// A cache key starts with the API path the answer comes from, so two components asking for the
// same answer share one request, and a change made on one page invalidates what other pages
// read (useInvalidate).

import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { answer, client, type Schemas } from "./api";
import type { operations } from "./api-schema";

// The query parameters of an operation of docs/openapi.yaml.
type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;

const ROOT = "api";

// The cache entry of one read: its key (path, then the query) and how to fetch it.
function entry<T>(path: string, fetch: () => Promise<T>, query?: object) {
  return { queryKey: query ? [ROOT, path, query] : [ROOT, path], queryFn: fetch };
}

// Reads that the explorer's controls change keep showing the last answer while the next one
// loads; isPlaceholderData tells that the answer on screen is the previous query's.
const keepShown = { placeholderData: keepPreviousData };

export function accountsQuery() {
  return entry("/accounts", () => answer(client.GET("/api/v1/accounts")));
}

export function syncsQuery(id: number) {
  return entry(`/accounts/${id}/syncs`, () => answer(client.GET("/api/v1/accounts/{id}/syncs", { params: { path: { id } } })));
}

export const useAccounts = () => useQuery(accountsQuery());

// `id` null: the page has no valid id, nothing is fetched.
export function useAccount(id: number | null) {
  return useQuery({
    ...entry(`/accounts/${id}`, () => answer(client.GET("/api/v1/accounts/{id}", { params: { path: { id: id! } } }))),
    enabled: id !== null,
  });
}

export function useSyncs(id: number | null) {
  return useQuery({ ...syncsQuery(id ?? 0), enabled: id !== null });
}

// `enabled` false (a page that needs the list for admins only) fetches nothing.
export const useUsers = (enabled = true) => useQuery({ ...entry("/users", () => answer(client.GET("/api/v1/users"))), enabled });

export const useApiKeys = () => useQuery(entry("/api-keys", () => answer(client.GET("/api/v1/api-keys"))));

export const useOverview = () => useQuery(entry("/costs/overview", () => answer(client.GET("/api/v1/costs/overview"))));

export function useExplore(query: Query<"costExplore">, { keepPrevious = false } = {}) {
  return useQuery({
    ...entry("/costs/explore", () => answer(client.GET("/api/v1/costs/explore", { params: { query } })), query),
    ...(keepPrevious ? keepShown : {}),
  });
}

export function useResources(query: Query<"costResources">) {
  return useQuery(entry("/costs/resources", () => answer(client.GET("/api/v1/costs/resources", { params: { query } })), query));
}

export function useResource(resourceId: string, query: Query<"costResource">) {
  return useQuery({
    ...entry(
      `/costs/resources/${resourceId}`,
      () => answer(client.GET("/api/v1/costs/resources/{resourceId}", { params: { path: { resourceId }, query } })),
      query,
    ),
    enabled: resourceId !== "",
  });
}

export function useDiscounts(query: Query<"costDiscounts">) {
  return useQuery({
    ...entry("/costs/discounts", () => answer(client.GET("/api/v1/costs/discounts", { params: { query } })), query),
    ...keepShown,
  });
}

// Marks every cached answer under a path prefix stale and refetches those on screen: after a
// change, "/accounts" refreshes the list, each account and its syncs; "/costs" every figure.
export function useInvalidate() {
  const queries = useQueryClient();
  return useCallback(
    (prefix: string) =>
      queries.invalidateQueries({
        predicate: ({ queryKey: [root, path] }) =>
          root === ROOT && typeof path === "string" && (path === prefix || path.startsWith(`${prefix}/`)),
      }),
    [queries],
  );
}

export const useBudgets = () => useQuery(entry("/budgets", () => answer(client.GET("/api/v1/budgets"))));

export function useBudget(id: number | null) {
  return useQuery({
    ...entry(`/budgets/${id}`, () => answer(client.GET("/api/v1/budgets/{id}", { params: { path: { id: id! } } }))),
    enabled: id !== null,
  });
}

// What a budget with this body would show now. `body` null (an incomplete form) fetches
// nothing; the form debounces its changes before they reach here.
export function useBudgetPreview(body: Schemas["BudgetInput"] | null) {
  return useQuery({
    ...entry("/budgets/preview", () => answer(client.POST("/api/v1/budgets/preview", { body: body! })), body ?? {}),
    enabled: body !== null,
    ...keepShown,
  });
}

export const useAlertChannels = () => useQuery(entry("/alerts/channels", () => answer(client.GET("/api/v1/alerts/channels"))));

export const useAlertRules = () => useQuery(entry("/alerts/rules", () => answer(client.GET("/api/v1/alerts/rules"))));

// The newest alerts, their titles and texts worded by the server in the reader's language
// (it follows Accept-Language, which a browser sets to its own language, not the page's).
export function useAlerts(query: Query<"listAlerts">, lang: "zh" | "en") {
  return useQuery(
    entry("/alerts", () => answer(client.GET("/api/v1/alerts", { params: { query, header: { "Accept-Language": lang } } })), {
      ...query,
      lang,
    }),
  );
}

// The values of a dimension with costs in a range (for pickers and for naming codes), largest
// cost first. `dimension` "" fetches nothing.
export function useDimensionValues(dimension: string, query: Query<"costDimensionValues">) {
  return useQuery({
    ...entry(
      `/costs/dimensions/${dimension}/values`,
      () => answer(client.GET("/api/v1/costs/dimensions/{dimension}/values", { params: { path: { dimension }, query } })),
      query,
    ),
    enabled: dimension !== "" && dimension !== "tag.",
    ...keepShown,
  });
}

// The values of a dimension page by page for a picker: each "more" fetches the page after the
// last one loaded, by that page's nextCursor (the cursor is the API's, opaque to the client).
export function useDimensionValuePages(dimension: string, query: Omit<Query<"costDimensionValues">, "cursor">) {
  return useInfiniteQuery({
    queryKey: [ROOT, `/costs/dimensions/${dimension}/values`, "pages", query],
    queryFn: ({ pageParam }) =>
      answer(
        client.GET("/api/v1/costs/dimensions/{dimension}/values", {
          params: { path: { dimension }, query: pageParam ? { ...query, cursor: pageParam } : query },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor || undefined,
    enabled: dimension !== "" && dimension !== "tag.",
    ...keepShown,
  });
}

export const useViews = () => useQuery(entry("/costs/views", () => answer(client.GET("/api/v1/costs/views"))));

// `id` null fetches nothing (no saved view asked for).
export function useView(id: number | null) {
  return useQuery({
    ...entry(`/costs/views/${id}`, () => answer(client.GET("/api/v1/costs/views/{id}", { params: { path: { id: id! } } }))),
    enabled: id !== null,
    retry: false,
  });
}

// The first and last day with costs in the caller's accounts (both null without any).
export function useCoverage(accountId: number[], enabled = true) {
  const query = { accountId };
  return useQuery({
    ...entry("/costs/coverage", () => answer(client.GET("/api/v1/costs/coverage", { params: { query } })), query),
    enabled,
  });
}
