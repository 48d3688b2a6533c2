import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowTuple } from '@vigil/detect';
import type { ScoredChunk } from './batch-chunk-scoring.js';
import type { PackedChunk } from './batch-chunks.js';
import type { HistoryAlert } from './batch-history.js';
import type { BatchPrediction } from './batch-scorer.js';
import type { BadRow } from './batches.repo.js';

const utf8 = new TextEncoder();

/**
 * A batch's alerts waiting for history (batch-history.ts) are spilled to files beside its upload,
 * one per chunk, `<upload>.alerts/<first row>.bin`, while the chunk row in the store keeps only
 * their length (`batch_result_chunks.history_bytes`). Why a file: the alerts are written once and
 * read once, a few MB per chunk; through the store they went into its write-ahead log and table
 * (then became dead rows to vacuum), and on the embedded PGlite store that work was done on the
 * server's main thread, beside the scoring threads (~1 µs per scored row, profiled). A scoring
 * thread writes its chunk's file itself before the chunk commits, so a committed chunk's file is
 * complete; the upload folder is where every process of a deployment already reads uploads from.
 * A chunk scored again after a crash writes the same file again.
 */
export function pendingAlertsDir(uploadPath: string): string {
  return `${uploadPath}.alerts`;
}

export function pendingAlertsPath(uploadPath: string, firstRow: number): string {
  return join(pendingAlertsDir(uploadPath), `${firstRow}.bin`);
}

/** Where a chunk's alerts were, as JSON, before the binary format (a batch begun before it). */
function jsonPendingAlertsPath(uploadPath: string, firstRow: number): string {
  return join(pendingAlertsDir(uploadPath), `${firstRow}.json`);
}

/**
 * Writes a chunk's alerts; returns their length. No temporary file and rename: nothing reads the
 * file before its chunk commits, after this returns, and a write cut short by a crash leaves a
 * chunk that is scored and written again.
 */
export function writePendingAlerts(uploadPath: string, firstRow: number, bytes: Uint8Array): number {
  mkdirSync(pendingAlertsDir(uploadPath), { recursive: true });
  writeFileSync(pendingAlertsPath(uploadPath, firstRow), bytes);
  return bytes.byteLength;
}

/**
 * A chunk's alerts, or null when its file is gone or not the length its chunk recorded (deleted by
 * hand, or lost with the machine): the caller then writes the alerts from the chunk's results alone.
 */
export function readPendingAlerts(uploadPath: string, firstRow: number, bytes: number): Buffer | null {
  for (const path of [pendingAlertsPath(uploadPath, firstRow), jsonPendingAlertsPath(uploadPath, firstRow)]) {
    try {
      const data = readFileSync(path);
      return data.byteLength === bytes ? data : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return null;
}

/** Removes a batch's spilled alerts once they are all in history. */
export async function removePendingAlerts(uploadPath: string): Promise<void> {
  await rm(pendingAlertsDir(uploadPath), { recursive: true, force: true });
}

/** A scored chunk ready to commit: its alerts, if any, are in their file (`historyBytes` long). */
export interface SpilledChunk {
  packed: PackedChunk;
  historyBytes: number | null;
  bad: BadRow[];
}

/** Spills a scored chunk's alerts to its file beside the upload. */
export function spillChunk(uploadPath: string, scored: ScoredChunk): SpilledChunk {
  const { packed, history, bad } = scored;
  const historyBytes = history ? writePendingAlerts(uploadPath, packed.firstRow, history) : null;
  return { packed, historyBytes, bad };
}

/**
 * The file's format, binary: scoring threads write it, and writing alerts as JSON there cost them
 * a fifth of a chunk's time (mostly printing each top feature's two doubles), so the JSON that
 * history is copied from (batch-history.ts) is written from this after the batch is done.
 *
 *   "VAL1"  u32 header length  header (UTF-8 JSON: { keys, explained, names, alerts, numbers, strings })
 *   padding to 8 bytes  float64 numbers[numbers]  int32 lengths[strings]  UTF-8 text
 *
 * Per alert, in order: numbers row, probability, riskScore, srcPort, dstPort, top-feature count n,
 * then n × (index in `names`, value, contribution); strings verdict, category, srcIp, dstIp,
 * protocol, then the record: its values in the order of `keys`, or (keys null) its JSON text. A
 * string's length is in UTF-16 code units, −1 for null; the text is the strings one after another.
 * NaN stands for a null number. Files written before this format are the JSON of batch-history.ts.
 */
const MAGIC = [0x56, 0x41, 0x4c, 0x31]; // "VAL1"

/** A decoded file: its alerts, with records as values under `keys` when it has keys. */
export interface PendingAlerts {
  keys: string[] | null;
  alerts: HistoryAlert[];
  /**
   * False when the alerts were written without top features, to be explained when read
   * (batch-alert-explanations.ts).
   */
  explained: boolean;
}

/** Collects a chunk's alerts in the file's binary form (one scoring thread, one chunk). */
export class PendingAlertsWriter {
  private numbers = new Float64Array(4096);
  private n = 0;
  private lengths = new Int32Array(4096);
  private s = 0;
  /** The strings' UTF-8, written as they come: joining them in the end cost as much again. */
  private text = new Uint8Array(1 << 16);
  private t = 0;
  private count = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  /**
   * `keys`: the keys of every record (a delimited file's), whose values alone are kept. `explained`:
   * false when the alerts come without top features (BatchScorer.explainsAlerts).
   */
  constructor(
    private readonly keys: readonly string[] | null,
    private readonly explained = true,
  ) {}

  add(
    row: number,
    p: Pick<BatchPrediction, 'verdict' | 'probability' | 'category' | 'riskScore' | 'topFeatures'>,
    t: FlowTuple,
    record: unknown,
  ): void {
    const top = p.topFeatures;
    this.reserveNumbers(6 + 3 * top.length);
    this.number(row);
    this.number(p.probability);
    this.number(p.riskScore);
    this.number(t.srcPort);
    this.number(t.dstPort);
    this.number(top.length);
    for (const f of top) {
      let i = this.nameIndex.get(f.name);
      if (i === undefined) {
        i = this.names.length;
        this.names.push(f.name);
        this.nameIndex.set(f.name, i);
      }
      this.number(i);
      this.number(f.value);
      this.number(f.contribution);
    }
    const keys = this.keys;
    this.reserveStrings(5 + (keys === null ? 1 : keys.length));
    this.string(p.verdict);
    this.string(p.category);
    this.string(t.srcIp);
    this.string(t.dstIp);
    this.string(t.protocol);
    if (keys === null) this.string(JSON.stringify(record) ?? null);
    else if (Array.isArray(record)) for (let k = 0; k < keys.length; k++) this.string(record[k]);
    else {
      const fields = record as Record<string, unknown>;
      for (let k = 0; k < keys.length; k++) this.string(fields[keys[k]]);
    }
    this.count++;
  }

  /** The file's bytes, or null when no alert was added. */
  finish(): Uint8Array | null {
    if (this.count === 0) return null;
    const header = utf8.encode(
      JSON.stringify({
        keys: this.keys,
        explained: this.explained,
        names: this.names,
        alerts: this.count,
        numbers: this.n,
        strings: this.s,
      }),
    );
    const numbersAt = align8(8 + header.length);
    const lengthsAt = numbersAt + 8 * this.n;
    const textAt = lengthsAt + 4 * this.s;
    const text = this.text.subarray(0, this.t);
    const out = new Uint8Array(textAt + text.length);
    out.set(MAGIC, 0);
    new DataView(out.buffer).setUint32(4, header.length, true);
    out.set(header, 8);
    out.set(new Uint8Array(this.numbers.buffer, 0, 8 * this.n), numbersAt);
    out.set(new Uint8Array(this.lengths.buffer, 0, 4 * this.s), lengthsAt);
    out.set(text, textAt);
    return out;
  }

  private number(v: number | null): void {
    this.numbers[this.n++] = v ?? Number.NaN;
  }

  /** A record's values are cells (strings; a cell the row lacks is null). */
  private string(v: unknown): void {
    if (typeof v !== 'string') {
      this.lengths[this.s++] = -1;
      return;
    }
    const len = v.length;
    this.lengths[this.s++] = len;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit. ASCII is copied here (most cells are short
    // numbers, where a call per string cost more than the copy); anything else is encoded by TextEncoder.
    if (this.t + 3 * len > this.text.length) {
      const grown = new Uint8Array(Math.max(2 * this.text.length, this.t + 3 * len));
      grown.set(this.text.subarray(0, this.t));
      this.text = grown;
    }
    const text = this.text;
    let t = this.t;
    for (let i = 0; i < len; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) {
        this.t += utf8.encodeInto(v, text.subarray(this.t)).written;
        return;
      }
      text[t++] = c;
    }
    this.t = t;
  }

  private reserveNumbers(k: number): void {
    if (this.n + k <= this.numbers.length) return;
    const grown = new Float64Array(Math.max(2 * this.numbers.length, this.n + k));
    grown.set(this.numbers.subarray(0, this.n));
    this.numbers = grown;
  }

  private reserveStrings(k: number): void {
    if (this.s + k <= this.lengths.length) return;
    const grown = new Int32Array(Math.max(2 * this.lengths.length, this.s + k));
    grown.set(this.lengths.subarray(0, this.s));
    this.lengths = grown;
  }
}

const align8 = (n: number) => (n + 7) & ~7;

/** Whether a pending alerts file is in the binary format (else it is JSON, written before it). */
export function isBinaryPendingAlerts(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b);
}

/** The alerts of a binary pending alerts file ({@link isBinaryPendingAlerts}). */
export function decodePendingAlerts(bytes: Uint8Array): PendingAlerts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw corrupt('it ends inside its header');
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) as {
    keys: string[] | null;
    /** Absent in files written before it: those were explained. */
    explained?: boolean;
    names: string[];
    alerts: number;
    numbers: number;
    strings: number;
  };
  const numbersAt = align8(8 + headerLength);
  const lengthsAt = numbersAt + 8 * header.numbers;
  const textAt = lengthsAt + 4 * header.strings;
  if (!(textAt <= bytes.length)) throw corrupt('its header counts more values than it holds');
  // Copies (a Buffer's `slice` would not copy): the file's bytes need not be aligned for typed array views.
  const numbers = new Float64Array(new Uint8Array(bytes.subarray(numbersAt, lengthsAt)).buffer);
  const lengths = new Int32Array(new Uint8Array(bytes.subarray(lengthsAt, textAt)).buffer);
  const text = Buffer.from(bytes.subarray(textAt)).toString('utf8');
  const { keys, names } = header;
  let n = 0;
  let s = 0;
  let at = 0;
  const num = () => {
    const v = numbers[n++];
    return v === v ? v : null;
  };
  const str = () => {
    const len = lengths[s++];
    if (len < 0) return null;
    at += len;
    return text.slice(at - len, at);
  };
  const alerts: HistoryAlert[] = new Array(header.alerts);
  for (let a = 0; a < header.alerts; a++) {
    const row = num() as number;
    const probability = num() as number;
    const riskScore = num() as number;
    const srcPort = num();
    const dstPort = num();
    const nTop = num() as number;
    if (!(nTop >= 0 && n + 3 * nTop <= header.numbers)) throw corrupt(`alert ${a} has ${nTop} top features`);
    const topFeatures = new Array(nTop);
    for (let k = 0; k < nTop; k++)
      topFeatures[k] = { name: names[num() as number], value: num(), contribution: num() };
    const verdict = str() as string;
    const category = str();
    const srcIp = str();
    const dstIp = str();
    const protocol = str();
    let record: unknown;
    if (keys === null) {
      const json = str();
      record = json === null ? null : JSON.parse(json);
    } else {
      const values = new Array(keys.length);
      for (let k = 0; k < keys.length; k++) values[k] = str();
      record = values;
    }
    alerts[a] = [
      row,
      verdict,
      probability,
      category,
      riskScore,
      srcIp,
      dstIp,
      srcPort,
      dstPort,
      protocol,
      topFeatures,
      record as HistoryAlert[11],
    ];
  }
  if (n !== header.numbers || s !== header.strings || at !== text.length) {
    throw corrupt('its alerts do not add up to its header');
  }
  return { keys, alerts, explained: header.explained !== false };
}

const corrupt = (why: string) => new Error(`a pending alerts file is corrupt: ${why}`);
