// Shapes of the CloudLens HTTP API (v1) as the pages use them; see docs/api.md.

export type Role = "admin" | "editor" | "viewer";

export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
  accountIds: number[];
}

export interface User extends Me {
  disabled: boolean;
  createdAt: string;
}

export interface APIKey {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  userId?: number;
  key?: string;
}

export type Site = "china" | "international";
export type AuthType = "access_key" | "ram_role";

export interface Account {
  id: number;
  name: string;
  accountId: string;
  site: Site;
  authType: AuthType;
  accessKeyId: string;
  hasSecret: boolean;
  roleArn: string;
  regions: string[] | null;
  currency: string;
  demo: boolean;
  status: "new" | "ok" | "failing";
  statusMessage: string;
  lastSyncAt: string | null;
  createdAt: string;
}

export interface SyncRun {
  id: number;
  status: "queued" | "running" | "succeeded" | "failed";
  windowStart: string;
  windowEnd: string;
  pages: number;
  rows: number;
  rejected: number;
  startedAt: string;
  finishedAt: string | null;
  error: string;
}

export interface TestResult {
  ok: boolean;
  message: string;
  balance: string;
  currency: string;
}

export interface Ranked {
  key: string;
  name: string;
  cost: string;
}

export interface OverviewItem {
  currency: string;
  monthToDate: string;
  lastMonthSamePeriod: string;
  lastMonthTotal: string;
  changeAmount: string;
  changePercent: number | null;
  forecast: { value: string; low: string; high: string } | null;
  topProducts: Ranked[];
  topAccounts: Ranked[];
}

export interface Overview {
  demo?: boolean;
  asOf: string;
  items: OverviewItem[];
}

export interface ExploreGroup {
  key: Record<string, string>;
  label: string;
  other?: boolean;
  total: string;
  points: { period: string; cost: string }[];
}

export interface ExploreItem {
  currency: string;
  total: string;
  periods: string[];
  groups: ExploreGroup[];
}

export interface Explore {
  demo?: boolean;
  start: string;
  end: string;
  granularity: string;
  groupBy: string[];
  metric: string;
  items: ExploreItem[];
}

export interface ResourceCost {
  resourceId: string;
  resourceName: string;
  product: string;
  region: string;
  accountId: number;
  currency: string;
  cost: string;
}

export interface ResourceCostSeries extends ResourceCost {
  total: string;
  points: { period: string; cost: string }[];
}

export interface ResourceSeries extends ResourceCostSeries {
  demo: boolean;
  items: ResourceCostSeries[];
}

export interface DiscountGroup {
  key: string;
  label: string;
  listCost: string;
  billedCost: string;
  discount: string;
  discountRate: number;
  coupons: string;
  cashCoupons: string;
}

export interface DiscountItem {
  currency: string;
  listCost: string;
  billedCost: string;
  discount: string;
  discountRate: number;
  coupons: string;
  cashCoupons: string;
  groups: DiscountGroup[];
}

export interface Discounts {
  demo?: boolean;
  items: DiscountItem[];
}

export interface List<T> {
  demo?: boolean;
  items: T[];
  nextCursor?: string;
}
