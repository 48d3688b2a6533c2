import { canonicalFlow } from '@vigil/detect';

/**
 * Input records of streams: the canonical flow record, CICFlowMeter rows as JSON (either the
 * CICIDS2017 CSV names or CICFlowMeter v4's short ones) and Zeek conn.log JSON. Models of a
 * CICIDS2017 schema read CICFlowMeter rows as they are; for every other model, CICFlowMeter and Zeek
 * records are mapped to the canonical record, and the model's encoder takes the fields it knows.
 */
export type RecordFormat = 'canonical' | 'cicflowmeter' | 'zeek-conn';

type Rec = Record<string, unknown>;

const loose = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

// CICFlowMeter column (loose spelling) → canonical field, with the unit change where needed.
const CIC_FIELDS: Record<string, [field: string, scale?: number]> = {};
const cic = (field: string, names: string[], scale?: number) => {
  for (const n of names) CIC_FIELDS[loose(n)] = [field, scale];
};
cic('flow_id', ['Flow ID']);
cic('src_ip', ['Source IP', 'Src IP']);
cic('src_port', ['Source Port', 'Src Port']);
cic('dst_ip', ['Destination IP', 'Dst IP']);
cic('dst_port', ['Destination Port', 'Dst Port']);
cic('protocol', ['Protocol']);
cic('timestamp', ['Timestamp']);
// CICFlowMeter measures durations and inter-arrival times in microseconds.
cic('duration_ms', ['Flow Duration'], 1e-3);
cic('fwd_packets', ['Total Fwd Packets', 'Tot Fwd Pkts', 'Total Fwd Packet']);
cic('bwd_packets', ['Total Backward Packets', 'Tot Bwd Pkts', 'Total Bwd packets']);
cic('fwd_bytes', ['Total Length of Fwd Packets', 'TotLen Fwd Pkts', 'Total Length of Fwd Packet']);
cic('bwd_bytes', ['Total Length of Bwd Packets', 'TotLen Bwd Pkts', 'Total Length of Bwd Packet']);
cic('bytes_per_s', ['Flow Bytes/s', 'Flow Byts/s']);
cic('packets_per_s', ['Flow Packets/s', 'Flow Pkts/s']);
cic('mean_iat_ms', ['Flow IAT Mean'], 1e-3);
cic('syn_count', ['SYN Flag Count', 'SYN Flag Cnt']);
cic('rst_count', ['RST Flag Count', 'RST Flag Cnt']);

const CIC_SIGNATURE = ['flowduration', 'totalfwdpackets', 'totfwdpkts', 'totalfwdpacket'];
const PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp' };

/** Which format a record is in, from its field names. */
export function recordFormat(rec: Rec): RecordFormat {
  // Fast path: the canonical record (the simulator's, and what most producers send).
  if ('fwd_packets' in rec || 'duration_ms' in rec) return 'canonical';
  if (
    'id.orig_h' in rec ||
    ('uid' in rec && 'conn_state' in rec) ||
    (typeof rec.id === 'object' && 'orig_pkts' in rec)
  )
    return 'zeek-conn';
  for (const key in rec) if (CIC_SIGNATURE.includes(loose(key))) return 'cicflowmeter';
  return 'canonical';
}

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && v !== '-') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

/** A CICFlowMeter row as a canonical record; columns without a canonical meaning are dropped. */
export function canonicalFromCic(rec: Rec): Rec {
  const out: Rec = {};
  for (const key in rec) {
    const target = CIC_FIELDS[loose(key)];
    if (!target) continue;
    const [field, scale] = target;
    let v = rec[key];
    if (field === 'protocol') v = PROTOCOLS[String(v).trim()] ?? v;
    else if (scale !== undefined) {
      const n = num(v);
      v = n === undefined ? v : n * scale;
    }
    out[field] = v;
  }
  // CICIDS2017's MachineLearningCSV files have no protocol column: unknown, scored as missing.
  if (!('protocol' in out)) out.protocol = null;
  return out;
}

/** Counts of the Zeek history letters in `letters` (upper case: originator, lower: responder). */
function historyCount(history: unknown, letters: string): number {
  if (typeof history !== 'string') return 0;
  let n = 0;
  for (const ch of history) if (letters.includes(ch)) n++;
  return n;
}

/**
 * A Zeek conn.log JSON record as a canonical record. Flag counts come from the connection history
 * (S/s SYN, H/h SYN-ACK, R/r reset), which Zeek logs once per kind and direction, so they are lower
 * bounds; payload bytes are Zeek's orig_bytes / resp_bytes.
 */
export function canonicalFromZeek(rec: Rec): Rec {
  const id = (typeof rec.id === 'object' && rec.id !== null ? rec.id : {}) as Rec;
  const field = (dotted: string, nested: string) => rec[dotted] ?? id[nested];
  const ts = num(rec.ts);
  const durationS = num(rec.duration) ?? 0;
  const m = {
    durationMs: durationS * 1000,
    fwdPackets: num(rec.orig_pkts) ?? 0,
    bwdPackets: num(rec.resp_pkts) ?? 0,
    fwdBytes: num(rec.orig_bytes) ?? 0,
    bwdBytes: num(rec.resp_bytes) ?? 0,
    synCount: historyCount(rec.history, 'SsHh'),
    rstCount: historyCount(rec.history, 'Rr'),
  };
  const out: Rec = canonicalFlow(
    {
      flowId: typeof rec.uid === 'string' ? rec.uid : '',
      startMs: ts === undefined ? 0 : ts * 1000,
      srcIp: String(field('id.orig_h', 'orig_h') ?? ''),
      srcPort: 0,
      dstIp: String(field('id.resp_h', 'resp_h') ?? ''),
      dstPort: 0,
      protocol: 'tcp',
    },
    m,
  ) as unknown as Rec;
  // Keep what the record said, not canonicalFlow's placeholders.
  out.src_port = field('id.orig_p', 'orig_p');
  out.dst_port = field('id.resp_p', 'resp_p');
  out.protocol = rec.proto;
  if (ts === undefined) {
    delete out.start_time;
    delete out.end_time;
  }
  if (typeof rec.uid !== 'string') delete out.flow_id;
  for (const k of ['src_ip', 'dst_ip', 'src_port', 'dst_port', 'protocol'])
    if (out[k] === undefined || out[k] === '') delete out[k];
  return out;
}

/**
 * The record to score for a model of `schemaId`: CICFlowMeter rows unchanged for CICIDS2017 models,
 * other formats mapped to the canonical record, canonical records (and any model's own columns) as
 * they are. Non-objects are returned unchanged; the encoder rejects them with the reason.
 */
export function recordForModel(value: unknown, schemaId: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const rec = value as Rec;
  switch (recordFormat(rec)) {
    case 'zeek-conn':
      return canonicalFromZeek(rec);
    case 'cicflowmeter':
      return schemaId.startsWith('cicids2017') ? rec : canonicalFromCic(rec);
    default:
      return rec;
  }
}
