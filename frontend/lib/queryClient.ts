// The page data cache: answers are shared between pages and components that ask for the same
// thing, kept fresh for a short while, refetched when the window regains focus, and retried only
// when a retry can help (a network failure or a 5xx; a 4xx will be refused again).

import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api";
import { shouldRetry } from "./retry.mjs";

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, error) => shouldRetry(failures, error instanceof ApiError ? error.status : undefined),
        // A bill sync changes figures behind the page's back; coming back to the tab shows them.
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
