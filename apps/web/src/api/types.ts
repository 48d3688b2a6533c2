// Shapes of the Vigil API as the dashboard reads and sends them. The server's zod schemas in
// @vigil/contracts are the one definition (they also generate GET /api/v1/openapi.json); these
// re-exports are type-only, so nothing of zod reaches the bundle.

export type {
  ActiveModel,
  ApiKey,
  AuditEntry,
  Batch,
  BatchCreated,
  BatchInspection,
  BatchState,
  BatchSummary,
  BatchTopEntry,
  Bucket,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateScanBody,
  CreateUserBody,
  LiveAlert,
  LoginBody,
  Me,
  ModelDetail,
  ModelStage,
  ModelSummary,
  Prediction,
  PredictionPage,
  PromoteBody,
  PromotionResult,
  Role,
  Scan,
  ScanDetail as ScanDetailDto,
  ScanList,
  ScanQueued,
  ScanState,
  ScoredFlow,
  ScoreFlowsBody,
  ScoreResponse,
  StatsSummary,
  Talker,
  Timeseries,
  TopFeature,
  Transition,
  UpdateUserBody,
  UrlCheckBody,
  UrlCheckResponse,
  UrlPrediction,
  UrlReason,
  User,
  Verdict,
} from '@vigil/contracts';

// Dashboard-only: a model's feature spec read from ModelDetail.featureSpec (an open object in the API).
export interface FeatureInfo {
  name: string;
  kind: 'numeric' | 'categorical' | string;
  categories?: string[];
}
