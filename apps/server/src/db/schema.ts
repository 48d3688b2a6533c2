import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Timestamps are written as Date or ISO text and always read back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type Role = 'admin' | 'analyst' | 'viewer';
export type ModelStage = 'experimental' | 'staging' | 'production' | 'archived';
export type Verdict = 'benign' | 'attack';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
}

/** A login session; `id` is the SHA-256 of the cookie token, so a leaked table opens nothing. */
export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

/** API keys are shown once; only `prefix` (to find the row) and a hash of the secret are kept. */
export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: string;
  role: Role;
  created_by: number | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Append-only, hash-chained: `hash` = SHA-256 over `prev_hash` and this entry's content. */
export interface AuditLogTable {
  seq: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'denied' | 'failure';
  ip: string | null;
  details: JSONColumnType<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

/** A registered model version; `kind` is the flow schema id (or `url`) it scores. */
export interface ModelsTable {
  id: string;
  kind: string;
  version: number;
  algorithm: string;
  stage: ModelStage;
  document: JSONColumnType<Record<string, unknown>>;
  metrics: JSONColumnType<Record<string, unknown>>;
  feature_spec: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
  created_by: string;
}

export interface ModelTransitionsTable {
  id: Generated<number>;
  model_id: string;
  from_stage: ModelStage | null;
  to_stage: ModelStage;
  actor: string;
  reason: string;
  at: Timestamp;
}

export interface PredictionsTable {
  id: Generated<number>;
  created_at: Timestamp;
  model_id: string;
  kind: string;
  verdict: Verdict;
  probability: number;
  category: string | null;
  risk_score: number;
  src_ip: string | null;
  dst_ip: string | null;
  src_port: number | null;
  dst_port: number | null;
  protocol: string | null;
  source: string | null;
  top_features: JSONColumnType<{ name: string; value: number | null; contribution: number }[]>;
  record: JSONColumnType<Record<string, unknown>>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  models: ModelsTable;
  model_transitions: ModelTransitionsTable;
  predictions: PredictionsTable;
}
