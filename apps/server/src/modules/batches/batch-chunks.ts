import type { Verdict } from '../../db/schema.js';

/**
 * A batch's per-row results, packed per chunk of consecutive input rows (table
 * batch_result_chunks): typed arrays for verdicts, probabilities, risk and category, the 5-tuple
 * (or URL and domain) as column arrays, and the chunk's aggregates. One row per chunk keeps the
 * write cost per input row at a few bytes; `predictions` gets the alerts only.
 */

/** Verdict codes in `verdicts`. */
export const BENIGN = 0;
export const ATTACK = 1;
/** A bad row: counted and reported, no result. */
export const BAD = 2;

/** Top talkers kept per chunk. Merged totals are exact for values in every chunk's top K. */
export const CHUNK_TOP_K = 100;

/** Counts of a key: all rows, attacks among them. */
export type Tally = [count: number, attacks: number];

/** What a chunk adds to its batch's summary. */
export interface ChunkAggregates {
  verdicts: { benign: number; attack: number };
  /** Risk scores in ten bins of 10 (the last one holds 100). */
  histogram: number[];
  categories: Record<string, Tally>;
  /** Top CHUNK_TOP_K per chunk, as [value, count, attacks], most attacking first. */
  sources: [string, number, number][];
  destinations: [string, number, number][];
  domains: [string, number, number][];
}

/** Per-row columns besides the scores: the flow 5-tuple, or a URL and its domain. */
export interface ChunkTuples {
  src?: (string | null)[];
  dst?: (string | null)[];
  sport?: (number | null)[];
  dport?: (number | null)[];
  proto?: (string | null)[];
  url?: (string | null)[];
  domain?: (string | null)[];
}

export interface RowResult {
  verdict: Verdict;
  probability: number;
  category: string;
  riskScore: number;
}

export interface RowTuple {
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: string | null;
}

/**
 * A chunk ready to store: the typed arrays' bytes and the tuples' UTF-8 JSON, each in a buffer of
 * its own (a scoring thread transfers them: {@link packedBuffers}).
 */
export interface PackedChunk {
  firstRow: number;
  rowCount: number;
  verdicts: Uint8Array;
  probabilities: Uint8Array;
  risk: Uint8Array;
  categoryIdx: Uint8Array;
  categories: string[];
  tuples: Uint8Array;
  aggregates: ChunkAggregates;
}

/** The buffers of a packed chunk, to transfer it to another thread without copying them. */
export function packedBuffers(c: PackedChunk): ArrayBuffer[] {
  return [c.verdicts, c.probabilities, c.risk, c.categoryIdx, c.tuples].map((a) => a.buffer as ArrayBuffer);
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
// TextEncoder gives each its own ArrayBuffer (Buffer.from may share a pool), so it can be transferred.
const utf8 = new TextEncoder();

/**
 * Count and attacks of one key in one number, `attacks * ATTACKS + count` (a chunk has fewer than
 * 2^26 rows, so both stay exact): a tally update allocates nothing, and a larger packed number is
 * a key with more attacks, then more rows, which is the order of the top lists.
 */
const ATTACKS = 2 ** 26;

function bump(map: Map<string, number>, key: string, attack: number): void {
  map.set(key, (map.get(key) ?? 0) + 1 + attack * ATTACKS);
}

const unpack = (packed: number): Tally => {
  const attacks = Math.floor(packed / ATTACKS);
  return [packed - attacks * ATTACKS, attacks];
};

/** Whether key `a` (packed tally `pa`) ranks after `b`: fewer attacks, then fewer rows, then later in code-unit order. */
const ranksAfter = (pa: number, a: string, pb: number, b: string): boolean => pa < pb || (pa === pb && a > b);

/**
 * The K most attacking, then most frequent, values of a tally (ties in code-unit order). A chunk's
 * source addresses can all differ: a heap of the best K so far keeps this one pass over the map,
 * where sorting every value cost more than scoring the rows.
 */
export function topOfTally(map: Map<string, number>, k: number): [string, number, number][] {
  // Min-heap by rank: the root is the worst of the kept values.
  const keys: string[] = [];
  const tallies: number[] = [];
  const siftDown = (i: number) => {
    const n = keys.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let w = l;
      if (l + 1 < n && ranksAfter(tallies[l + 1], keys[l + 1], tallies[l], keys[l])) w = l + 1;
      if (!ranksAfter(tallies[w], keys[w], tallies[i], keys[i])) return;
      [keys[i], keys[w]] = [keys[w], keys[i]];
      [tallies[i], tallies[w]] = [tallies[w], tallies[i]];
      i = w;
    }
  };
  // forEach: a for-of over the map made an entry array per key.
  map.forEach((tally, key) => {
    if (keys.length < k) {
      keys.push(key);
      tallies.push(tally);
      for (let i = keys.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!ranksAfter(tallies[i], keys[i], tallies[p], keys[p])) break;
        [keys[i], keys[p]] = [keys[p], keys[i]];
        [tallies[i], tallies[p]] = [tallies[p], tallies[i]];
        i = p;
      }
    } else if (k > 0 && ranksAfter(tallies[0], keys[0], tally, key)) {
      keys[0] = key;
      tallies[0] = tally;
      siftDown(0);
    }
  });
  return keys
    .map((key, i) => [key, tallies[i]] as const)
    .sort(([a, pa], [b, pb]) => (ranksAfter(pa, a, pb, b) ? 1 : ranksAfter(pb, b, pa, a) ? -1 : 0))
    .map(([key, packed]) => [key, ...unpack(packed)]);
}

/** Fills one chunk row by row (in input order), then packs it. */
export class ChunkBuilder {
  private readonly verdicts: Uint8Array;
  private readonly probs: Float32Array;
  private readonly risk: Uint8Array;
  private readonly cat: Uint16Array;
  private readonly categoryIndex = new Map<string, number>();
  private readonly tuples: ChunkTuples;
  private readonly hist = new Array<number>(10).fill(0);
  private readonly cats = new Map<string, number>();
  private readonly src = new Map<string, number>();
  private readonly dst = new Map<string, number>();
  private readonly dom = new Map<string, number>();
  private benign = 0;
  private attack = 0;

  constructor(
    readonly firstRow: number,
    readonly rowCount: number,
    readonly urls: boolean,
  ) {
    this.verdicts = new Uint8Array(rowCount).fill(BAD);
    this.probs = new Float32Array(rowCount);
    this.risk = new Uint8Array(rowCount);
    this.cat = new Uint16Array(rowCount);
    const col = <T>() => new Array<T | null>(rowCount).fill(null);
    this.tuples = urls
      ? { url: col(), domain: col() }
      : { src: col(), dst: col(), sport: col(), dport: col(), proto: col() };
  }

  /** Row `i` of the chunk (0-based) scored as a flow. */
  flow(i: number, r: RowResult, t: RowTuple): void {
    const a = this.scores(i, r);
    const tu = this.tuples;
    tu.src![i] = t.srcIp;
    tu.dst![i] = t.dstIp;
    tu.sport![i] = t.srcPort;
    tu.dport![i] = t.dstPort;
    tu.proto![i] = t.protocol;
    if (t.srcIp) bump(this.src, t.srcIp, a);
    if (t.dstIp) bump(this.dst, t.dstIp, a);
  }

  /** Row `i` of the chunk scored as a URL. */
  url(i: number, r: RowResult, url: string, domain: string | null): void {
    const a = this.scores(i, r);
    this.tuples.url![i] = url;
    this.tuples.domain![i] = domain;
    if (domain) bump(this.dom, domain.toLowerCase(), a);
  }

  private scores(i: number, r: RowResult): number {
    const a = r.verdict === 'attack' ? 1 : 0;
    this.verdicts[i] = a;
    if (a) this.attack++;
    else this.benign++;
    this.probs[i] = r.probability;
    const risk = Math.max(0, Math.min(100, Math.round(r.riskScore)));
    this.risk[i] = risk;
    this.hist[Math.min(9, Math.floor(risk / 10))]++;
    let c = this.categoryIndex.get(r.category);
    if (c === undefined) {
      c = this.categoryIndex.size;
      this.categoryIndex.set(r.category, c);
    }
    this.cat[i] = c;
    bump(this.cats, r.category, a);
    return a;
  }

  pack(): PackedChunk {
    return {
      firstRow: this.firstRow,
      rowCount: this.rowCount,
      verdicts: this.verdicts,
      // Typed arrays use the platform's byte order; every platform Node runs on is little-endian.
      probabilities: bytes(this.probs),
      risk: this.risk,
      categoryIdx: bytes(this.cat),
      categories: [...this.categoryIndex.keys()],
      tuples: utf8.encode(JSON.stringify(this.tuples)),
      aggregates: {
        verdicts: { benign: this.benign, attack: this.attack },
        histogram: [...this.hist],
        categories: Object.fromEntries([...this.cats].map(([c, packed]) => [c, unpack(packed)])),
        sources: topOfTally(this.src, CHUNK_TOP_K),
        destinations: topOfTally(this.dst, CHUNK_TOP_K),
        domains: topOfTally(this.dom, CHUNK_TOP_K),
      },
    };
  }
}

/** One decoded result row of a stored chunk (bad rows are skipped). */
export interface DecodedRow extends RowResult, RowTuple {
  row: number;
  url: string | null;
  domain: string | null;
}

/** A stored chunk as the repo returns it (or a packed one, in tests): the tuples as JSON text or bytes. */
export interface StoredChunk {
  first_row: number;
  row_count: number;
  verdicts: Uint8Array;
  probabilities: Uint8Array;
  risk: Uint8Array;
  category_idx: Uint8Array;
  categories: string[];
  tuples: string | Uint8Array;
}

/** The rows of a stored chunk with a result, in row order. */
export function* decodeChunk(c: StoredChunk): Generator<DecodedRow> {
  const n = c.row_count;
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const verdicts = c.verdicts;
  const risk = c.risk;
  const probs = view(c.probabilities);
  const cats = view(c.category_idx);
  const text = typeof c.tuples === 'string' ? c.tuples : Buffer.from(c.tuples).toString('utf8');
  const t = JSON.parse(text) as ChunkTuples;
  for (let i = 0; i < n; i++) {
    const v = verdicts[i];
    if (v === BAD) continue;
    yield {
      row: Number(c.first_row) + i,
      verdict: v === ATTACK ? 'attack' : 'benign',
      // float32 holds ~7 significant digits: print those, not the widened double's noise.
      probability: Number(probs.getFloat32(i * 4, true).toPrecision(7)),
      category: c.categories[cats.getUint16(i * 2, true)],
      riskScore: risk[i],
      srcIp: t.src?.[i] ?? null,
      dstIp: t.dst?.[i] ?? null,
      srcPort: t.sport?.[i] ?? null,
      dstPort: t.dport?.[i] ?? null,
      protocol: t.proto?.[i] ?? null,
      url: t.url?.[i] ?? null,
      domain: t.domain?.[i] ?? null,
    };
  }
}
