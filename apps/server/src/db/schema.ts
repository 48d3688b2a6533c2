import type { BatchHistoryState, BatchState, ModelStage, Role, ScanState, Verdict } from '@vigil/contracts';
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

// The enums the API shows are the columns' values: one definition, in @vigil/contracts.
export type { BatchHistoryState, BatchState, ModelStage, Role, ScanState, Verdict };

/** Timestamps are written as Date or ISO text and always read back as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

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
  /** Stream message key (source, partition, offset…): unique, so a replayed message is stored once. */
  event_key: ColumnType<string | null, string | null | undefined, never>;
  /** Set on batch results: the batch and the 1-based data row of its file (0003-batches). */
  batch_id: number | null;
  batch_row: number | null;
  /** Host of a scored URL (kind `url`, 0005-url); null for flows. */
  host: ColumnType<string | null, string | null | undefined, never>;
}

/** A message an embedded stream source could not score, with the reason (Kafka uses a topic). */
export interface StreamDeadLettersTable {
  id: Generated<number>;
  created_at: CreatedAt;
  source: string;
  event_key: string | null;
  reason: string;
  payload: string;
}

/** A background job of the embedded runner; `lease_*` say which worker runs it until when. */
export interface JobsTable {
  id: string;
  name: string;
  payload: JSONColumnType<object | null>;
  state: ColumnType<JobRowState, JobRowState | undefined, JobRowState>;
  attempt: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  run_after: ColumnType<Date, Date | string | undefined, Date | string>;
  error: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  finished_at: Timestamp | null;
}

export type JobRowState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** An uploaded file scored in the background (0003-batches); `format` is its FileInspection. */

export interface BatchesTable {
  id: Generated<number>;
  name: string;
  kind: string;
  file_path: string;
  file_bytes: number;
  format: JSONColumnType<Record<string, unknown>>;
  state: BatchState;
  rows_total: number | null;
  rows_done: ColumnType<number, number | undefined, number>;
  rows_bad: ColumnType<number, number | undefined, number>;
  bad_rows: JSONColumnType<{ row: number; line: number; reason: string }[], string | undefined, string>;
  model_id: string | null;
  error: string | null;
  job_id: string | null;
  runs: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  run_started_at: Timestamp | null;
  run_start_rows: ColumnType<number, number | undefined, number>;
  /** Where the batch's alerts are (0008): still in its chunks, in `predictions`, or not kept. */
  history_state: ColumnType<BatchHistoryState, BatchHistoryState | undefined, BatchHistoryState>;
  /** Alerts written to `predictions` so far. */
  history_rows: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A chunk of a batch's per-row results, packed (0006-batch-chunks; see batch-chunks.ts). */
export interface BatchResultChunksTable {
  batch_id: number;
  first_row: number;
  row_count: number;
  created_at: Date;
  model_id: string;
  /** uint8 per row: 0 benign, 1 attack, 2 bad row (no result). */
  verdicts: Uint8Array;
  /** float32 LE per row. */
  probabilities: Uint8Array;
  /** uint8 per row, 0–100. */
  risk: Uint8Array;
  /** uint16 LE per row, index into `categories`. */
  category_idx: Uint8Array;
  categories: JSONColumnType<string[], string, string>;
  /** UTF-8 JSON of the per-row tuple columns. */
  tuples: Uint8Array;
  aggregates: JSONColumnType<Record<string, unknown>, string, string>;
  /** Alerts waiting for `predictions` of a chunk stored before 0009 (UTF-8 JSON, batch-history.ts). */
  history: Uint8Array | null;
  /** Length of the chunk's file of alerts waiting for `predictions` (batch-pending-alerts.ts); null once written or if none. */
  history_bytes: number | null;
}

/** A deep URL scan (0007-scans); `report` is the ScanReport of modules/scans. */
export interface ScansTable {
  id: string;
  url: string;
  state: ScanState;
  risk_score: number | null;
  verdict: string | null;
  report: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  screenshot: Buffer | null;
  error: string | null;
  created_by: string;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export type IndicatorType = 'url' | 'host' | 'domain';

/** A blocklist entry imported with `vigil import-threats` (0007-scans). */
export interface ThreatIndicatorsTable {
  id: Generated<number>;
  type: IndicatorType;
  value: string;
  source: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  models: ModelsTable;
  model_transitions: ModelTransitionsTable;
  predictions: PredictionsTable;
  stream_dead_letters: StreamDeadLettersTable;
  jobs: JobsTable;
  batches: BatchesTable;
  batch_result_chunks: BatchResultChunksTable;
  scans: ScansTable;
  threat_indicators: ThreatIndicatorsTable;
}
