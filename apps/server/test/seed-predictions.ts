import type { Db } from '../src/db/database.js';
import type { Verdict } from '../src/db/schema.js';

/** A prediction row as seeded, with its created_at in microseconds since the epoch for sorting. */
export interface SeedRow {
  id: number;
  createdAtUs: number;
  createdAt: string;
  modelId: string;
  kind: string;
  verdict: Verdict;
  probability: number;
  category: string | null;
  riskScore: number;
  srcIp: string | null;
  dstIp: string | null;
  protocol: string | null;
  source: string | null;
}

export type SeedInput = Omit<SeedRow, 'id' | 'createdAtUs'>;

/** ISO text with microseconds for `ms` milliseconds plus `us` microseconds after the epoch. */
export function isoMicros(ms: number, us = 0): string {
  const base = new Date(ms).toISOString(); // …T12:00:00.123Z
  return `${base.slice(0, 23)}${String(us).padStart(3, '0')}Z`;
}

function toMicros(iso: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!m) throw new Error(`seed: not a UTC ISO timestamp: ${iso}`);
  const whole = Date.parse(`${m[1]}Z`);
  return whole * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

/** Inserts rows straight into `predictions` in batches; returns them with their ids, in insert order. */
export async function seedPredictions(db: Db, rows: SeedInput[]): Promise<SeedRow[]> {
  const out: SeedRow[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const inserted = await db
      .insertInto('predictions')
      .values(
        batch.map((r) => ({
          created_at: r.createdAt,
          model_id: r.modelId,
          kind: r.kind,
          verdict: r.verdict,
          probability: r.probability,
          category: r.category,
          risk_score: r.riskScore,
          src_ip: r.srcIp,
          dst_ip: r.dstIp,
          src_port: 40000,
          dst_port: 443,
          protocol: r.protocol,
          source: r.source,
          top_features: JSON.stringify([{ name: 'src_bytes', value: 1, contribution: 0.5 }]),
          record: JSON.stringify({ src_bytes: 1 }),
        })),
      )
      .returning('id')
      .execute();
    inserted.forEach((row, k) => {
      out.push({ ...batch[k], id: Number(row.id), createdAtUs: toMicros(batch[k].createdAt) });
    });
  }
  return out;
}

export const CATEGORIES = ['DoS', 'PortScan', '=cmd()'] as const;

/**
 * `n` varied rows from `startMs`, three per second (ties on created_at), some apart by a single
 * microsecond, with ties on risk score and probability too.
 */
export function variedRows(n: number, startMs: number): SeedInput[] {
  return Array.from({ length: n }, (_, i) => {
    const attack = i % 4 === 0 || i % 7 === 0;
    return {
      // Every third second, the rows differ by microseconds only: a millisecond cursor would skip them.
      createdAt: isoMicros(startMs + Math.floor(i / 3) * 1000, i % 9 >= 6 ? i % 3 : 0),
      modelId: i % 2 === 0 ? 'model-a' : 'model-b',
      kind: i % 5 === 0 ? 'unsw-nb15' : 'nsl-kdd',
      verdict: attack ? 'attack' : 'benign',
      probability: attack ? 0.5 + (i % 5) / 10 : (i % 4) / 10,
      category: attack ? CATEGORIES[i % 3] : null,
      riskScore: attack ? 50 + (i % 6) * 10 : (i % 3) * 10,
      srcIp: i % 11 === 10 ? null : i % 13 === 0 ? '192.168.1.0' : `10.0.0.${i % 5}`,
      dstIp: `192.168.1.${i % 3}`,
      protocol: i % 3 === 0 ? 'udp' : 'tcp',
      source: 'test',
    };
  });
}

type Sorted = 'created_at' | 'risk_score' | 'probability';
const sortValue: Record<Sorted, (r: SeedRow) => number> = {
  created_at: (r) => r.createdAtUs,
  risk_score: (r) => r.riskScore,
  probability: (r) => r.probability,
};

/** The order the API promises: sort value, then id, both in the chosen direction. */
export function expectedOrder(rows: SeedRow[], field: Sorted, dir: 'asc' | 'desc'): number[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows]
    .sort((a, b) => sign * (sortValue[field](a) - sortValue[field](b) || a.id - b.id))
    .map((r) => r.id);
}
