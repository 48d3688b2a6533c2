/**
 * The canonical flow record: one bidirectional connection as Vigil's streams carry it. The 5-tuple,
 * start and end times, packets and bytes in both directions, duration, TCP flag counts, and the
 * CICFlowMeter-like rates derived from them. Its numeric field names are the features of the
 * synthetic-flows model ({@link SYNTHETIC_FLOW_FEATURES}), so that model scores it as it is; models of
 * other schemas read the fields they know through their record encoder.
 */
export interface CanonicalFlowRecord {
  /** Unique id of the flow at its exporter (the simulator's are `sim-<seed>-<n>`). */
  flow_id: string;
  /** ISO 8601 start and end of the flow. */
  start_time: string;
  end_time: string;
  src_ip: string;
  src_port: number;
  dst_ip: string;
  dst_port: number;
  protocol: 'tcp' | 'udp' | 'icmp';
  duration_ms: number;
  /** Packets and payload bytes sent by the initiator (fwd) and the responder (bwd). */
  fwd_packets: number;
  bwd_packets: number;
  fwd_bytes: number;
  bwd_bytes: number;
  /** Bytes and packets per second over the flow; null when the duration is 0 (as CICFlowMeter's NaN). */
  bytes_per_s: number | null;
  packets_per_s: number | null;
  /** Mean gap between consecutive packets of the flow, 0 for a single packet. */
  mean_iat_ms: number;
  /** TCP SYN and RST flags seen in the flow (0 for UDP). */
  syn_count: number;
  rst_count: number;
}

/** The measured part of a flow, from which {@link canonicalFlow} derives the rest. */
export interface FlowMeasurements {
  readonly durationMs: number;
  readonly fwdPackets: number;
  readonly bwdPackets: number;
  readonly fwdBytes: number;
  readonly bwdBytes: number;
  readonly synCount: number;
  readonly rstCount: number;
}

/** Endpoints and identity of a flow. */
export interface FlowEndpoints {
  readonly flowId: string;
  readonly startMs: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  readonly protocol: 'tcp' | 'udp' | 'icmp';
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

// ISO formatting is a third of a simulated flow's cost: the text up to the second is cached, as
// consecutive flows mostly start within the same second.
let cachedSecond = Number.NaN;
let cachedPrefix = '';

/** `toISOString()` of a time in ms since the epoch (integral ms, years 0–9999). */
export function isoTime(ms: number): string {
  const t = Math.floor(ms);
  const second = Math.floor(t / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const frac = t - second * 1000;
  return `${cachedPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/**
 * Builds a canonical record, deriving the rates the way CICFlowMeter does (undefined rate at
 * duration 0, mean inter-arrival over packets − 1 gaps).
 */
export function canonicalFlow(at: FlowEndpoints, m: FlowMeasurements): CanonicalFlowRecord {
  const packets = m.fwdPackets + m.bwdPackets;
  const bytes = m.fwdBytes + m.bwdBytes;
  const durationMs = round3(Math.max(0, m.durationMs));
  const seconds = durationMs / 1000;
  return {
    flow_id: at.flowId,
    start_time: isoTime(at.startMs),
    end_time: isoTime(at.startMs + durationMs),
    src_ip: at.srcIp,
    src_port: at.srcPort,
    dst_ip: at.dstIp,
    dst_port: at.dstPort,
    protocol: at.protocol,
    duration_ms: durationMs,
    fwd_packets: m.fwdPackets,
    bwd_packets: m.bwdPackets,
    fwd_bytes: m.fwdBytes,
    bwd_bytes: m.bwdBytes,
    bytes_per_s: seconds > 0 ? round3(bytes / seconds) : null,
    packets_per_s: seconds > 0 ? round3(packets / seconds) : null,
    mean_iat_ms: packets > 1 ? round3(durationMs / (packets - 1)) : 0,
    syn_count: m.synCount,
    rst_count: m.rstCount,
  };
}
