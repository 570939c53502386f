// The alerts API's shapes (functions/alerts), typed by hand: its routes are not yet in
// docs/openapi.yaml, so lib/api-schema.d.ts has no types for them. Once the document has them,
// these become aliases of the generated schemas, as lib/types.ts does for the rest.

export type ChannelType = "dingtalk" | "feishu" | "wecom" | "slack" | "email" | "webhook";
export type AlertKind = "budget" | "anomaly" | "idle" | "sync_failure";
export type AlertState = "firing" | "acknowledged" | "resolved";
export type Severity = "info" | "warning" | "critical";
export type DeliveryStatus = "pending" | "sent" | "failed";

export interface Channel {
  id: number;
  type: ChannelType;
  name: string;
  url: string;
  recipients: string[];
  language: "zh" | "en";
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

// Create body; the secret is write-only.
export interface ChannelInput {
  type: ChannelType;
  name: string;
  url?: string;
  secret?: string;
  recipients?: string[];
  language: "zh" | "en";
}

export interface ChannelTest {
  ok: boolean;
  // The platform's own words when it refused the message.
  message: string;
}

export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

export interface Rule {
  id: number;
  name: string;
  kind: AlertKind;
  channelIds: number[];
  enabled: boolean;
  budgetIds: number[];
  minSeverity: Severity | "";
  minImpact: string;
  quietHours: QuietHours | null;
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  kind: AlertKind;
  channelIds: number[];
  enabled: boolean;
  budgetIds?: number[];
  minSeverity?: Severity | "";
  minImpact?: string;
}

export interface Delivery {
  channelId: number;
  // "" when the channel was deleted since.
  channelName: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export interface Alert {
  id: number;
  kind: AlertKind;
  state: AlertState;
  severity: Severity;
  title: string;
  text: string;
  url: string;
  dedupKey: string;
  createdAt: string;
  firedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy?: number;
  snoozedUntil: string | null;
  resolvedAt: string | null;
  deliveries: Delivery[];
}

export interface Items<T> {
  items: T[];
  nextCursor?: string;
}
