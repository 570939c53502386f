// The API's shapes as the pages name them: aliases of the schemas of docs/openapi.yaml
// (generated into lib/api-schema.d.ts), so a change of the contract shows up here at compile time.

import type { Schemas } from "./api";

export type Role = Schemas["Role"];
export type Me = Schemas["User"];
export type User = Schemas["User"];
export type APIKey = Schemas["APIKey"];
export type CreatedAPIKey = Schemas["CreatedAPIKey"];
export type Account = Schemas["Account"];
export type AccountInput = Schemas["AccountInput"];
export type Site = Schemas["Site"];
export type AuthType = Schemas["AuthType"];
export type SyncRun = Schemas["SyncRun"];
export type ConnectionTest = Schemas["ConnectionTest"];
export type Overview = Schemas["Overview"];
export type OverviewItem = Schemas["OverviewItem"];
export type TopEntry = Schemas["TopEntry"];
export type Explore = Schemas["Explore"];
export type ExploreItem = Schemas["ExploreSeries"];
export type ResourceCost = Schemas["ResourceCost"];
export type ResourceDetail = Schemas["ResourceDetail"];
export type Discounts = Schemas["Discounts"];
export type DiscountGroupBy = Schemas["DiscountGroupBy"];
export type Budget = Schemas["Budget"];
export type BudgetInput = Schemas["BudgetInput"];
export type BudgetPeriod = Schemas["BudgetPeriod"];
export type BudgetStatus = Schemas["BudgetStatus"];
export type BudgetThreshold = Schemas["BudgetThreshold"];
export type BudgetDetail = Schemas["BudgetDetail"];
export type BudgetPoint = Schemas["BudgetPoint"];
export type AlertKind = Schemas["AlertKind"];
export type AlertState = Schemas["AlertState"];
export type Severity = Schemas["AlertSeverity"];
export type DeliveryStatus = Schemas["AlertDelivery"]["status"];
export type Alert = Schemas["Alert"];
export type ChannelType = Schemas["AlertChannelType"];
export type Channel = Schemas["AlertChannel"];
export type ChannelInput = Schemas["AlertChannelInput"];
export type ChannelTest = Schemas["ConnectionTest"];
export type Rule = Schemas["AlertRule"];
export type RuleInput = Schemas["AlertRuleInput"];
