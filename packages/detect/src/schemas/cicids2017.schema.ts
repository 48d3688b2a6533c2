import { cicids2017LabelMappings } from './cicids2017-labels.js';
import { defineFlowSchema, type FlowSchema, numericColumns } from './flow-schema.js';

/**
 * The 76 flow statistics of CICFlowMeter-V3 as written in CIC-IDS-2017's MachineLearningCSV files,
 * in file order (names trimmed: the files pad most of them with a leading space).
 */
const FLOW_STATISTICS: readonly string[] = [
  'Flow Duration',
  'Total Fwd Packets',
  'Total Backward Packets',
  'Total Length of Fwd Packets',
  'Total Length of Bwd Packets',
  'Fwd Packet Length Max',
  'Fwd Packet Length Min',
  'Fwd Packet Length Mean',
  'Fwd Packet Length Std',
  'Bwd Packet Length Max',
  'Bwd Packet Length Min',
  'Bwd Packet Length Mean',
  'Bwd Packet Length Std',
  'Flow Bytes/s',
  'Flow Packets/s',
  'Flow IAT Mean',
  'Flow IAT Std',
  'Flow IAT Max',
  'Flow IAT Min',
  'Fwd IAT Total',
  'Fwd IAT Mean',
  'Fwd IAT Std',
  'Fwd IAT Max',
  'Fwd IAT Min',
  'Bwd IAT Total',
  'Bwd IAT Mean',
  'Bwd IAT Std',
  'Bwd IAT Max',
  'Bwd IAT Min',
  'Fwd PSH Flags',
  'Bwd PSH Flags',
  'Fwd URG Flags',
  'Bwd URG Flags',
  'Fwd Header Length',
  'Bwd Header Length',
  'Fwd Packets/s',
  'Bwd Packets/s',
  'Min Packet Length',
  'Max Packet Length',
  'Packet Length Mean',
  'Packet Length Std',
  'Packet Length Variance',
  'FIN Flag Count',
  'SYN Flag Count',
  'RST Flag Count',
  'PSH Flag Count',
  'ACK Flag Count',
  'URG Flag Count',
  'CWE Flag Count',
  'ECE Flag Count',
  'Down/Up Ratio',
  'Average Packet Size',
  'Avg Fwd Segment Size',
  'Avg Bwd Segment Size',
  'Fwd Avg Bytes/Bulk',
  'Fwd Avg Packets/Bulk',
  'Fwd Avg Bulk Rate',
  'Bwd Avg Bytes/Bulk',
  'Bwd Avg Packets/Bulk',
  'Bwd Avg Bulk Rate',
  'Subflow Fwd Packets',
  'Subflow Fwd Bytes',
  'Subflow Bwd Packets',
  'Subflow Bwd Bytes',
  'Init_Win_bytes_forward',
  'Init_Win_bytes_backward',
  'act_data_pkt_fwd',
  'min_seg_size_forward',
  'Active Mean',
  'Active Std',
  'Active Max',
  'Active Min',
  'Idle Mean',
  'Idle Std',
  'Idle Max',
  'Idle Min',
];

/**
 * CIC-IDS-2017 in its original MachineLearningCSV layout (Sharafaldin et al. 2018): 76 flow statistics
 * plus `Destination Port` and `Label`. Destination Port is kept as a feature, as is usual for this
 * data set, but is optional because widely shared copies drop it; when absent it is read as missing.
 * The files repeat " Fwd Header Length"; the repeat (pandas: "Fwd Header Length.1") is dropped.
 * The identifier columns of the GeneratedLabelledFlows variant are accepted and dropped.
 */
export const cicids2017Schema: FlowSchema = defineFlowSchema({
  id: 'cicids2017',
  version: 1,
  title: 'CIC-IDS-2017 (MachineLearningCSV)',
  description:
    'CICFlowMeter-V3 flow statistics as published in CIC-IDS-2017 MachineLearningCSV.zip: Destination ' +
    'Port, 76 statistics and Label (15 raw labels, mapped to attack families).',
  features: [
    { name: 'Destination Port', aliases: ['Dst Port'], kind: 'numeric', optional: true },
    ...numericColumns(FLOW_STATISTICS),
  ],
  dropped: [
    { name: 'Fwd Header Length.1', reason: 'redundant' },
    { name: 'Flow ID', reason: 'identifier' },
    { name: 'Source IP', aliases: ['Src IP'], reason: 'identifier' },
    { name: 'Source Port', aliases: ['Src Port'], reason: 'identifier' },
    { name: 'Destination IP', aliases: ['Dst IP'], reason: 'identifier' },
    { name: 'Timestamp', reason: 'identifier' },
    // Only the GeneratedLabelledFlows variant has it; kept out so both variants share one feature list.
    { name: 'Protocol', reason: 'not-portable' },
  ],
  labels: cicids2017LabelMappings('Label'),
});
