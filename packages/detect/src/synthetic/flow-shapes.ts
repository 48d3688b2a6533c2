import type { Random } from '@vigil/ml';

/** The kinds of traffic the synthetic generator draws. */
export type SyntheticFlowClass = 'benign' | 'portscan' | 'dos' | 'brute-force';

/** One synthetic flow before the derived rates are computed. */
export interface FlowShape {
  readonly dstPort: number;
  readonly protocol: 'tcp' | 'udp';
  readonly durationMs: number;
  readonly fwdPackets: number;
  readonly bwdPackets: number;
  readonly fwdBytes: number;
  readonly bwdBytes: number;
  readonly synCount: number;
  readonly rstCount: number;
}

/** Standard normal draw (Box–Muller); 1 - next() keeps the log away from zero. */
function normal(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Log-normal draw given its median and log-scale spread: flow sizes and durations are heavy-tailed. */
function logNormal(rng: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

function count(rng: Random, median: number, sigma: number, min = 1): number {
  return Math.max(min, Math.round(logNormal(rng, median, sigma)));
}

// Counters are exact in real exports, but timing and sizes are measured with jitter.
function jitter(rng: Random, v: number): number {
  return v * Math.exp(0.1 * normal(rng));
}

function bytesFor(rng: Random, packets: number, medianPerPacket: number, sigma: number, max = 1460): number {
  if (packets === 0) return 0;
  return Math.round(packets * Math.min(max, logNormal(rng, medianPerPacket, sigma)));
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

function tcp(
  rng: Random,
  dstPort: number,
  durationMs: number,
  fwdPackets: number,
  bwdPackets: number,
  fwdBytes: number,
  bwdBytes: number,
  rstProbability: number,
): FlowShape {
  return {
    dstPort,
    protocol: 'tcp',
    durationMs: jitter(rng, durationMs),
    fwdPackets,
    bwdPackets,
    fwdBytes: Math.round(jitter(rng, fwdBytes)),
    bwdBytes: Math.round(jitter(rng, bwdBytes)),
    synCount: rng.next() < 0.97 ? 1 : 2,
    rstCount: rng.next() < rstProbability ? 1 : 0,
  };
}

function benign(rng: Random): FlowShape {
  const u = rng.next();
  if (u < 0.18) {
    // DNS lookup: one query, one answer.
    const answer = rng.next() < 0.95 ? 1 : 0;
    return {
      dstPort: 53,
      protocol: 'udp',
      durationMs: answer ? jitter(rng, logNormal(rng, 20, 1)) : 0,
      fwdPackets: 1,
      bwdPackets: answer,
      fwdBytes: Math.round(logNormal(rng, 45, 0.3)),
      bwdBytes: answer ? Math.round(logNormal(rng, 120, 0.5)) : 0,
      synCount: 0,
      rstCount: 0,
    };
  }
  if (u < 0.28) {
    // Failed or refused connection (stale peers, P2P, misconfiguration): looks like a scan probe.
    const port = rng.next() < 0.7 ? pick(rng, [443, 80, 8080, 22, 3389, 445]) : 1 + rng.int(65535);
    const fwd = count(rng, 1.5, 0.4);
    return tcp(rng, port, logNormal(rng, 2, 1.5), fwd, rng.int(2), fwd * 40, 0, 0.8);
  }
  if (u < 0.34) {
    // Long-lived keep-alive or interactive session: a trickle of packets, like slow DoS.
    const fwd = count(rng, 14, 0.8);
    const bwd = count(rng, fwd * 0.8, 0.4);
    const port = pick(rng, [22, 443, 443, 80]);
    return tcp(
      rng,
      port,
      logNormal(rng, 40_000, 1),
      fwd,
      bwd,
      bytesFor(rng, fwd, 60, 0.5),
      bytesFor(rng, bwd, 100, 0.6),
      0.05,
    );
  }
  if (u < 0.38) {
    // Legitimate SSH/FTP login: the same exchange as one brute-force attempt, minus the failure.
    const fwd = count(rng, 20, 0.5);
    const bwd = Math.max(1, Math.round(fwd * (0.9 + 0.4 * rng.next())));
    return tcp(
      rng,
      rng.next() < 0.7 ? 22 : 21,
      logNormal(rng, 5000, 0.8),
      fwd,
      bwd,
      bytesFor(rng, fwd, 90, 0.5),
      bytesFor(rng, bwd, 110, 0.5),
      0.1,
    );
  }
  if (u < 0.42) {
    // Bulk upload or backup: many full packets at a high rate, like a flood.
    const fwd = count(rng, 300, 1);
    const bwd = Math.max(1, Math.round(fwd * (0.2 + 0.4 * rng.next())));
    return tcp(
      rng,
      pick(rng, [443, 80]),
      logNormal(rng, 4000, 1),
      fwd,
      bwd,
      bytesFor(rng, fwd, 1000, 0.4),
      bwd * 60,
      0.03,
    );
  }
  // Web browsing and API calls: small requests, larger responses.
  const port = rng.next() < 0.78 ? 443 : pick(rng, [80, 8080, 8443]);
  const fwd = count(rng, 8, 0.8, 2);
  const bwd = count(rng, fwd * 1.3, 0.4);
  return tcp(
    rng,
    port,
    logNormal(rng, 1500, 1.2),
    fwd,
    bwd,
    bytesFor(rng, fwd, 120, 0.6),
    bytesFor(rng, bwd, 900, 0.5),
    0.05,
  );
}

function portscan(rng: Random): FlowShape {
  const u = rng.next();
  const dstPort = u < 0.6 ? 1 + rng.int(1024) : u < 0.9 ? 1 + rng.int(65535) : pick(rng, [22, 80, 443, 3389]);
  const open = rng.next() < 0.15;
  const fwd = open ? count(rng, 2, 0.3) : 1 + (rng.next() < 0.2 ? 1 : 0);
  const bwd = open ? count(rng, 1.5, 0.3) : rng.next() < 0.6 ? 1 : 0;
  // A few probes wait for a retransmission timeout, which makes their duration benign-like.
  const duration = rng.next() < 0.2 ? logNormal(rng, 1000, 0.8) : logNormal(rng, 0.5, 1.5);
  return tcp(rng, dstPort, duration, fwd, bwd, open ? fwd * 30 : 0, bwd * 20, open ? 0.3 : 0.75);
}

function dos(rng: Random): FlowShape {
  if (rng.next() < 0.6) {
    // Flood: many packets quickly, little answered.
    const fwd = count(rng, 400, 1);
    const bwd = Math.round(fwd * (0.05 + 0.4 * rng.next()));
    return tcp(
      rng,
      80,
      logNormal(rng, 3000, 1),
      fwd,
      bwd,
      bytesFor(rng, fwd, 300, 0.7),
      bytesFor(rng, bwd, 200, 0.7),
      0.1,
    );
  }
  // Slow (slowloris-like): holds the connection with a trickle of partial headers.
  const fwd = count(rng, 12, 0.5);
  const bwd = count(rng, 4, 0.6, 0);
  return tcp(
    rng,
    pick(rng, [80, 80, 443]),
    logNormal(rng, 60_000, 0.7),
    fwd,
    bwd,
    bytesFor(rng, fwd, 40, 0.5),
    bytesFor(rng, bwd, 60, 0.5),
    0.2,
  );
}

function bruteForce(rng: Random): FlowShape {
  const fwd = count(rng, 18, 0.4);
  const bwd = Math.max(1, Math.round(fwd * (0.9 + 0.4 * rng.next())));
  const port = rng.next() < 0.6 ? 22 : 21;
  return tcp(
    rng,
    port,
    logNormal(rng, 4000, 0.6),
    fwd,
    bwd,
    bytesFor(rng, fwd, 80, 0.4),
    bytesFor(rng, bwd, 90, 0.4),
    0.2,
  );
}

/** Draws one flow of the given class. */
export function sampleFlowShape(cls: SyntheticFlowClass, rng: Random): FlowShape {
  switch (cls) {
    case 'benign':
      return benign(rng);
    case 'portscan':
      return portscan(rng);
    case 'dos':
      return dos(rng);
    case 'brute-force':
      return bruteForce(rng);
  }
}
