"use client";

// Page data through the shared cache (see queryClient.ts). The cache key is the API path with
// its query string, so two components asking for the same answer share one request, and a
// change made on one page invalidates what other pages read.

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { api } from "./api";

const ROOT = "api";

// The cache entry of one GET: for useQueries, where a page reads a list of paths.
export function apiQuery<T>(path: string) {
  return { queryKey: [ROOT, path], queryFn: () => api.get<T>(path) };
}

// One GET of the API, or none while `path` is null (a page without the id it needs).
// `keepPrevious` shows the last answer while the next one loads (the explorer's controls); the
// answer's own path is returned so that a caller can tell which query it belongs to.
export function useApiGet<T>(path: string | null, { keepPrevious = false } = {}) {
  const q = useQuery({
    ...apiQuery<T>(path ?? ""),
    enabled: path !== null,
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  return { ...q, dataPath: q.data !== undefined && !q.isPlaceholderData ? path : null };
}

// Marks every cached answer under a path prefix stale and refetches those on screen: after a
// change, "/accounts" refreshes the list, each account and its syncs.
export function useInvalidate() {
  const client = useQueryClient();
  return useCallback(
    (prefix: string) =>
      client.invalidateQueries({
        predicate: (query) => {
          const [root, path] = query.queryKey;
          return root === ROOT && typeof path === "string" && (path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`));
        },
      }),
    [client],
  );
}
