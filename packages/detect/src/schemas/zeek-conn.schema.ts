import { BINARY_CLASS_NAMES, defineFlowSchema, type FlowSchema, tableLabelMapping } from './flow-schema.js';

const numeric = (name: string, optional?: boolean) => ({ name, kind: 'numeric' as const, optional });
const categorical = (name: string, optional?: boolean) => ({
  name,
  kind: 'categorical' as const,
  optional,
});

// Zeek writes no label. Labelled exports of conn.log (IoT-23's `label` column: Benign / Malicious)
// can still be trained on; both targets read that one column.
const labels = tableLabelMapping({
  column: 'label',
  classNames: BINARY_CLASS_NAMES,
  benignClass: 'benign',
  table: { benign: 'benign', normal: 'benign', malicious: 'attack', attack: 'attack' },
});

/**
 * Zeek (formerly Bro) `conn.log`, as TSV with `#fields` header lines or as JSON lines: one record per
 * connection. The connection's identity (ts, uid, originator address and port, responder address,
 * tunnel parents, community id) is dropped; the responder port, protocol, service, state, history
 * and the byte and packet counters are features. Unset fields (`-` in TSV, absent in JSON) are
 * missing values. `local_orig`/`local_resp` are optional: they need Zeek's `Site::local_nets`.
 */
export const zeekConnSchema: FlowSchema = defineFlowSchema({
  id: 'zeek-conn',
  version: 1,
  title: 'Zeek conn.log',
  description:
    'Zeek conn.log (TSV with #fields, or JSON lines): responder port, proto, service, conn_state, ' +
    'history and the byte/packet counters; identifiers dropped. Unlabelled as Zeek writes it.',
  features: [
    numeric('id.resp_p'),
    categorical('proto'),
    categorical('service'),
    numeric('duration'),
    numeric('orig_bytes'),
    numeric('resp_bytes'),
    categorical('conn_state'),
    categorical('local_orig', true),
    categorical('local_resp', true),
    numeric('missed_bytes'),
    categorical('history'),
    numeric('orig_pkts'),
    numeric('orig_ip_bytes'),
    numeric('resp_pkts'),
    numeric('resp_ip_bytes'),
  ],
  dropped: [
    { name: 'ts', reason: 'identifier' },
    { name: 'uid', reason: 'identifier' },
    { name: 'id.orig_h', reason: 'identifier' },
    { name: 'id.orig_p', reason: 'identifier' },
    { name: 'id.resp_h', reason: 'identifier' },
    { name: 'tunnel_parents', reason: 'identifier' },
    { name: 'community_id', reason: 'identifier' },
    { name: 'detailed-label', reason: 'leaky' },
  ],
  labels: { binary: labels, category: labels },
});

/** The columns of a default Zeek conn.log, in the order Zeek writes them. */
export const ZEEK_CONN_FIELDS: readonly string[] = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
];
