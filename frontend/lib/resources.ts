"use client";

// Reads of the resources function (inventory, findings, idle rules), cached as lib/queries.ts
// caches the other pages' reads: the key starts with the API path, so a dismissal invalidates
// "/resources" and every page showing findings refetches.

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { answer, client, type Schemas } from "./api";
import type { operations } from "./api-schema";

type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;

export type InventoryResource = Schemas["InventoryResource"];
export type InventoryDetail = Schemas["InventoryDetail"];
export type Finding = Schemas["Finding"];
export type FindingList = Schemas["FindingList"];
export type IdleRule = Schemas["IdleRule"];

export const resourceTypes = ["ecs", "disk", "snapshot", "eip", "nat", "slb", "rds", "redis"] as const;

export function useInventory(query: Query<"listResources">) {
  return useQuery({
    queryKey: ["api", "/resources", query],
    queryFn: () => answer(client.GET("/api/v1/resources", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useInventoryResource(id: number | null) {
  return useQuery({
    queryKey: ["api", `/resources/${id}`],
    queryFn: () => answer(client.GET("/api/v1/resources/{id}", { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
}

export function useFindings(query: Query<"listFindings">) {
  return useQuery({
    queryKey: ["api", "/resources/findings", query],
    queryFn: () => answer(client.GET("/api/v1/resources/findings", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useIdleRules() {
  return useQuery({
    queryKey: ["api", "/resources/rules"],
    queryFn: () => answer(client.GET("/api/v1/resources/rules")),
  });
}

// The export path of the findings a query selects.
export function findingsExportPath(query: Query<"listFindings">, format: "csv" | "xlsx"): string {
  const p = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== "" && k !== "cursor" && k !== "limit") p.set(k, String(v));
  }
  return `/resources/findings/export?${p.toString()}`;
}
