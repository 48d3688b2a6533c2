import {
  BINARY_CLASS_NAMES,
  defineFlowSchema,
  type FlowSchema,
  type LabelMapping,
  numericColumns,
} from './flow-schema.js';

/** UNSW-NB15's `attack_cat` classes, normal first, then by frequency in the official partitions. */
export const UNSW_NB15_CATEGORIES: readonly string[] = [
  'Normal',
  'Generic',
  'Exploits',
  'Fuzzers',
  'DoS',
  'Reconnaissance',
  'Analysis',
  'Backdoor',
  'Shellcode',
  'Worms',
];

const categoryByKey = new Map(UNSW_NB15_CATEGORIES.map((c) => [c.toLowerCase(), c]));
// The raw UNSW-NB15_1..4 files spell one class "Backdoors" and pad others with spaces.
categoryByKey.set('backdoors', 'Backdoor');
// Those raw files also leave attack_cat empty on normal traffic.
categoryByKey.set('', 'Normal');

const categoryMapping: LabelMapping = {
  column: 'attack_cat',
  classNames: UNSW_NB15_CATEGORIES,
  benignClass: 'Normal',
  expected: [...UNSW_NB15_CATEGORIES, 'Backdoors'],
  classify: (raw) => categoryByKey.get(raw.trim().toLowerCase()),
};

const binaryMapping: LabelMapping = {
  column: 'label',
  classNames: BINARY_CLASS_NAMES,
  benignClass: 'benign',
  expected: ['0', '1'],
  classify(raw) {
    const v = raw.trim();
    return v === '0' ? 'benign' : v === '1' ? 'attack' : undefined;
  },
};

/**
 * UNSW-NB15 partition files (Moustafa & Slay 2015): `id`, 42 flow features (proto, service and state
 * categorical; "-" in service means none and is a category of its own), `attack_cat` and `label`.
 * Beware: sttl and ct_state_ttl almost give the label away in this data set; they are kept because
 * they are legitimate flow features, but results that lean on them do not transfer to other networks.
 */
export const unswNb15Schema: FlowSchema = defineFlowSchema({
  id: 'unsw-nb15',
  version: 1,
  title: 'UNSW-NB15 (partition files)',
  description:
    'UNSW-NB15 training/testing partitions: 42 Argus/Bro flow features, attack_cat (10 classes) and ' +
    'label (0 normal / 1 attack). The row id is dropped.',
  features: [
    { name: 'dur', kind: 'numeric' },
    { name: 'proto', kind: 'categorical' },
    { name: 'service', kind: 'categorical' },
    { name: 'state', kind: 'categorical' },
    ...numericColumns([
      'spkts',
      'dpkts',
      'sbytes',
      'dbytes',
      'rate',
      'sttl',
      'dttl',
      'sload',
      'dload',
      'sloss',
      'dloss',
      'sinpkt',
      'dinpkt',
      'sjit',
      'djit',
      'swin',
      'stcpb',
      'dtcpb',
      'dwin',
      'tcprtt',
      'synack',
      'ackdat',
      'smean',
      'dmean',
      'trans_depth',
      'response_body_len',
      'ct_srv_src',
      'ct_state_ttl',
      'ct_dst_ltm',
      'ct_src_dport_ltm',
      'ct_dst_sport_ltm',
      'ct_dst_src_ltm',
      'is_ftp_login',
      'ct_ftp_cmd',
      'ct_flw_http_mthd',
      'ct_src_ltm',
      'ct_srv_dst',
      'is_sm_ips_ports',
    ]),
  ],
  dropped: [{ name: 'id', reason: 'identifier' }],
  labels: { binary: binaryMapping, category: categoryMapping },
});
