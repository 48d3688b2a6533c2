// Reading labelled flow files into datasets: the I/O side of @vigil/detect's schemas and builder.

export {
  DatasetFileError,
  type DatasetFileErrorCode,
  type OpenedDatasetFile,
  openDatasetFile,
} from './dataset-file.js';
export { type LoadedFlowDataset, type LoadFlowDatasetOptions, loadFlowDataset } from './load-flow-dataset.js';
