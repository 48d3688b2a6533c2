// Response shapes of the Vigil API as the dashboard reads them (see GET /api/v1/openapi.json).

export type Role = 'admin' | 'analyst' | 'viewer';
export type Verdict = 'benign' | 'attack';
export type ModelStage = 'experimental' | 'staging' | 'production' | 'archived';

export interface Me {
  kind: 'user' | 'api-key';
  id: number;
  name: string;
  role: Role;
  csrfToken: string | null;
}

export interface TopFeature {
  name: string;
  value: number | null;
  contribution: number;
}

export interface Prediction {
  id: number;
  createdAt: string;
  modelId: string;
  kind: string;
  verdict: Verdict;
  probability: number;
  category: string | null;
  riskScore: number;
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: string | null;
  source: string | null;
  topFeatures: TopFeature[];
  record: Record<string, unknown>;
}

export interface PredictionPage {
  items: Prediction[];
  nextCursor: string | null;
}

export interface Talker {
  ip: string;
  attacks: number;
  total: number;
}

export interface StatsSummary {
  window: { from: string; to: string };
  total: number;
  byVerdict: { benign: number; attack: number };
  alertRate: number | null;
  meanRisk: number | null;
  byCategory: { category: string | null; count: number }[];
  topSources: Talker[];
  topDestinations: Talker[];
  models: {
    modelId: string;
    kind: string;
    version: number | null;
    stage: string | null;
    count: number;
    firstSeen: string;
    lastSeen: string;
  }[];
}

export type Bucket = 'minute' | 'hour' | 'day';

export interface Timeseries {
  window: { from: string; to: string };
  bucket: Bucket;
  groupBy: 'verdict' | 'category' | null;
  buckets: string[];
  series: { key: string | null; counts: number[] }[];
}

export interface ModelSummary {
  id: string;
  kind: string;
  version: number;
  algorithm: string;
  stage: ModelStage;
  createdAt: string;
  createdBy: string;
  headline: { accuracy: number | null; f1: number | null; rocAuc: number | null; fpr: number | null };
}

export interface Transition {
  from: ModelStage | null;
  to: ModelStage;
  actor: string;
  reason: string;
  at: string;
}

export interface FeatureInfo {
  name: string;
  kind: 'numeric' | 'categorical' | string;
  categories?: string[];
}

export interface ModelDetail extends ModelSummary {
  metrics: Record<string, unknown>;
  featureSpec: Record<string, unknown>;
  transitions: Transition[];
}

export interface ActiveModel {
  id: string;
  kind: string;
  version: number;
  algorithm: string;
  nFeatures: number;
  target: string;
  classNames: string[];
}

export interface ScoredFlow {
  verdict: Verdict;
  probability: number;
  category: string;
  riskScore: number;
  topFeatures: TopFeature[];
  modelId: string;
  modelVersion: number;
}

export interface ScoreResponse {
  model: { id: string; kind: string; version: number; threshold: number };
  predictions: ScoredFlow[];
  summary: {
    records: number;
    attacks: number;
    stored: number;
    unseenCategories: number;
    infiniteValues: number;
  };
}

export interface User {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  disabled: boolean;
}

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'denied' | 'failure';
  ip: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export type BatchState = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface Batch {
  id: number;
  name: string;
  kind: string;
  state: BatchState;
  format: { layout: string; delimiter: string; gzip: boolean; schema: string; headerRow: boolean };
  fileBytes: number;
  rowsTotal: number | null;
  rowsDone: number;
  rowsBad: number;
  percent: number | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  modelId: string | null;
  /** The batch's alerts in prediction history: written once the batch is done. */
  history: { state: 'pending' | 'written' | 'off'; rows: number };
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface BatchInspection {
  layout: string;
  kind: 'flows' | 'urls';
  schema: string;
  confidence: number;
  delimiter: string;
  header: string[];
  headerRow: boolean;
  gzip: boolean;
  bom: boolean;
  rowsTotal: number;
  columns: { used: string[]; unknown: string[]; optionalMissing: string[] };
  urlColumn: string | null;
  preview: { columns: string[]; rows: (string | null)[][] };
}

export interface BatchTopEntry {
  value: string;
  count: number;
  attacks: number;
}

export interface BatchSummary {
  rows: { scored: number; bad: number };
  verdicts: { benign: number; attack: number };
  categories: BatchTopEntry[];
  histogram: { from: number; to: number; count: number }[];
  topSources: BatchTopEntry[];
  topDestinations: BatchTopEntry[];
  topDomains: BatchTopEntry[];
  badRows: { row: number; line: number; reason: string }[];
}
