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
export { FlowRecordError, type FlowRecordErrorCode } from './scoring/flow-record.error.js';
export {
  compileFlowRecordEncoder,
  type EncodeCounts,
  type FlowRecordEncoder,
  type FlowRecordEncoderOptions,
} from './scoring/flow-record-encoder.js';
export { FLOW_METADATA_FIELDS, FLOW_TUPLE_FIELDS, type FlowTuple } from './scoring/flow-tuple.js';
export type { SyntheticFlowClass } from './synthetic/flow-shapes.js';
export {
  generateSyntheticFlows,
  SYNTHETIC_FLOW_CATEGORIES,
  SYNTHETIC_FLOW_FEATURES,
  type SyntheticFlowOptions,
} from './synthetic/synthetic-flows.js';
