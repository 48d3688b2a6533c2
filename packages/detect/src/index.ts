// Public API of @vigil/detect. Explicit exports only.

export { createDatasetBuilder } from './dataset/dataset-builder.js';
export {
  type DatasetBuilder,
  type DatasetBuilderOptions,
  type DatasetBuildResult,
  type DatasetBuildStats,
  DatasetWarning,
  type DatasetWarningCode,
} from './dataset/dataset-builder.types.js';
export { classifyNumericCell, type NumericCellKind } from './dataset/numeric-cell.js';
export {
  DataFormatError,
  type DataFormatErrorCode,
  type DataFormatErrorDetails,
  type SchemaCandidate,
  SchemaDetectionError,
} from './errors/data-format.error.js';
export { checkBom, checkMagic, checkNotBinary, detectBom, isGzip } from './files/bytes-sniff.js';
export {
  batchKinds,
  type ColumnPlan,
  planColumns,
  SYNTHETIC_FLOWS_KIND,
  URL_BATCH_KIND,
  type UsedColumn,
} from './files/column-plan.js';
export { type CsvReader, type CsvReaderOptions, createCsvReader, parseCsvLine } from './files/csv-reader.js';
export { type Delimiter, delimiterName, detectDelimiter } from './files/delimiter.js';
export { FileFormatError, type FileFormatErrorCode } from './files/file-format.error.js';
export {
  type FileInspection,
  type FileLayout,
  inspectText,
  MAX_COLUMNS,
  PREVIEW_ROWS,
} from './files/inspect.js';
export { createRecordMapper, type RecordMapper } from './files/record-mapper.js';
export { looksLikeUrl } from './files/url-list.js';
export { countNewlines, findInvalidUtf8, hexAround, utf8CompleteLength } from './files/utf8.js';
export { flattenZeekJson, parseZeekTsvHeader, type ZeekTsvHeader } from './files/zeek.js';
export { cicids2017Schema } from './schemas/cicids2017.schema.js';
export { cicids2017ImprovedSchema } from './schemas/cicids2017-improved.schema.js';
export { CICIDS2017_CATEGORIES, cicids2017Family } from './schemas/cicids2017-labels.js';
export {
  BINARY_CLASS_NAMES,
  type DroppedColumn,
  type DropReason,
  FLOW_TARGETS,
  type FlowColumn,
  type FlowFeatureColumn,
  type FlowSchema,
  type FlowSchemaId,
  type FlowTarget,
  type LabelMapping,
  normaliseColumnName,
} from './schemas/flow-schema.js';
export {
  detectFlowSchema,
  type FlowSchemaRank,
  flowSchemas,
  getFlowSchema,
  isFlowSchemaId,
  rankFlowSchemas,
} from './schemas/flow-schema.registry.js';
export { type DuplicateColumn, type HeaderMatch, matchHeader } from './schemas/header-match.js';
export { NSL_KDD_ATTACK_CATEGORIES, NSL_KDD_CATEGORIES, nslKddSchema } from './schemas/nsl-kdd.schema.js';
export { UNSW_NB15_CATEGORIES, unswNb15Schema } from './schemas/unsw-nb15.schema.js';
export { ZEEK_CONN_FIELDS, zeekConnSchema } from './schemas/zeek-conn.schema.js';
export { FlowRecordError, type FlowRecordErrorCode } from './scoring/flow-record.error.js';
export {
  compileFlowRecordEncoder,
  type EncodeCounts,
  type FlowRecordEncoder,
  type FlowRecordEncoderOptions,
  type FlowRowEncoder,
} from './scoring/flow-record-encoder.js';
export { FLOW_METADATA_FIELDS, FLOW_TUPLE_FIELDS, type FlowTuple } from './scoring/flow-tuple.js';
export {
  type CanonicalFlowRecord,
  canonicalFlow,
  type FlowEndpoints,
  type FlowMeasurements,
} from './simulator/canonical-flow.js';
export {
  ATTACK_SCENARIOS,
  type AttackScenario,
  SCENARIO_FAMILY,
} from './simulator/scenarios.js';
export {
  createTrafficSimulator,
  type FlowGroundTruth,
  type SimulatedFlow,
  type TrafficSimulator,
  type TrafficSimulatorOptions,
} from './simulator/traffic-simulator.js';
export type { SyntheticFlowClass } from './synthetic/flow-shapes.js';
export {
  generateSyntheticFlows,
  SYNTHETIC_FLOW_CATEGORIES,
  SYNTHETIC_FLOW_FEATURES,
  type SyntheticFlowOptions,
} from './synthetic/synthetic-flows.js';
export {
  classifyUrlLabel,
  createUrlDatasetBuilder,
  URL_LABEL_VALUES,
  type UrlDatasetBuilder,
  type UrlDatasetOptions,
  type UrlDatasetResult,
  type UrlDatasetStats,
} from './url/url-dataset.js';
export { analyseUrl, emptyUrlDetails, extractUrlFeatures, type UrlDetails } from './url/url-features.js';
export { decodePunycode, IP_ENCODINGS, type IpEncoding, ipEncoding, isMixedScript } from './url/url-host.js';
export {
  type Brand,
  PHISHED_BRANDS,
  SUSPICIOUS_TLDS,
  SUSPICIOUS_WORDS,
  URL_SHORTENERS,
} from './url/url-lists.js';
export { emptyUrlParts, splitUrl, type UrlParts } from './url/url-parts.js';
export { describeUrlFeature } from './url/url-reasons.js';
export {
  URL_CLASS_NAMES,
  URL_FEATURE_COUNT,
  URL_FEATURE_INDEX,
  URL_FEATURE_NAMES,
  URL_FEATURES,
  URL_SCHEMA,
  URL_SCHEMA_ID,
  URL_SCHEMA_VERSION,
  type UrlFeatureName,
} from './url/url-schema.js';
