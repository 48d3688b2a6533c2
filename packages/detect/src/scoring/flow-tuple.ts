import { normaliseColumnName } from '../schemas/flow-schema.js';

/** The canonical flow 5-tuple of a record, each part null when absent or unreadable. */
export interface FlowTuple {
  readonly srcIp: string | null;
  readonly dstIp: string | null;
  readonly srcPort: number | null;
  readonly dstPort: number | null;
  /** Lower case name (`tcp`, `udp`, `icmp`, …) or the protocol number as text. */
  readonly protocol: string | null;
}

/** Parts of the 5-tuple, in {@link FlowTuple} order. */
export const TUPLE_SRC_IP = 0;
export const TUPLE_DST_IP = 1;
export const TUPLE_SRC_PORT = 2;
export const TUPLE_DST_PORT = 3;
export const TUPLE_PROTOCOL = 4;

/**
 * Spellings of the 5-tuple fields across exports: canonical (`src_ip`), CICFlowMeter ("Source IP",
 * "Src IP"), UNSW-NB15 (`srcip`, `sport`, `dsport`, `proto`), Zeek conn.log (`id.orig_h`, …),
 * NSL-KDD (`protocol_type`). Matched after {@link normaliseColumnName}.
 */
export const FLOW_TUPLE_FIELDS: readonly (readonly string[])[] = [
  ['src_ip', 'source ip', 'src ip', 'srcip', 'source_ip', 'src_addr', 'saddr', 'id.orig_h'],
  ['dst_ip', 'destination ip', 'dst ip', 'dstip', 'destination_ip', 'dst_addr', 'daddr', 'id.resp_h'],
  ['src_port', 'source port', 'src port', 'sport', 'source_port', 'id.orig_p'],
  ['dst_port', 'destination port', 'dst port', 'dsport', 'dport', 'destination_port', 'id.resp_p'],
  ['protocol', 'proto', 'protocol_type'],
];

/**
 * Fields of the canonical flow record that describe a flow but are not model inputs (timestamps,
 * identifiers, a label): accepted and ignored whatever the schema.
 */
export const FLOW_METADATA_FIELDS: readonly string[] = [
  'timestamp',
  'ts',
  'start_time',
  'end_time',
  'community_id',
  'flow_id',
  'uid',
  'label',
];

/** Normalised field name → tuple part. */
export function tupleLookup(): Map<string, number> {
  const lookup = new Map<string, number>();
  FLOW_TUPLE_FIELDS.forEach((names, part) => {
    for (const n of names) lookup.set(normaliseColumnName(n), part);
  });
  return lookup;
}

// Dotted IPv4 and IPv6 (with an optional zone): a cheap shape check, not a full parser.
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}(?:%[0-9A-Za-z._-]{1,16})?$/;
const PROTOCOL_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' };

/** Address text, null when absent; undefined when the value is not an address. */
export function readAddress(v: unknown): string | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s.length === 0) return null;
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s)) ? s : undefined;
}

/** Port number, null when absent; undefined when not a whole number 0..65535. */
export function readPort(v: unknown): number | null | undefined {
  if (v === null) return null;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const s = v.trim();
    if (s.length === 0) return null;
    n = Number(s);
  } else return undefined;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** Protocol name in lower case (numbers → IANA names when common), null when absent, undefined when unreadable. */
export function readProtocol(v: unknown): string | null | undefined {
  if (v === null) return null;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 255) return undefined;
    return PROTOCOL_NAMES[v] ?? String(v);
  }
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (s.length === 0) return null;
  if (s.length > 32) return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? (PROTOCOL_NAMES[n] ?? s) : s;
}
