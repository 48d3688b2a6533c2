import type { Dataset } from '../data/dataset.js';

/**
 * FNV-1a, 64-bit, computed on two 32-bit halves (BigInt per byte would be ~50× slower on
 * datasets of hundreds of megabytes). Not a cryptographic hash: it identifies data, it does not
 * authenticate it.
 */
class Fnv1a64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  byte(b: number): void {
    const lo = (this.lo ^ (b & 0xff)) >>> 0;
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40); all partial products stay below 2^53.
    const m = lo * 0x1b3;
    this.lo = m >>> 0;
    this.hi = (Math.imul(this.hi, 0x1b3) + ((m / 0x100000000) | 0) + (lo << 8)) >>> 0;
  }

  /** Four bytes, least significant first, so the result does not depend on platform endianness. */
  word(w: number): void {
    this.byte(w);
    this.byte(w >>> 8);
    this.byte(w >>> 16);
    this.byte(w >>> 24);
  }

  /**
   * `word` for each value, with the state in locals: this loop is the whole cost on large datasets.
   * `nanAs` replaces the bits of NaN floats when `floats` views the same memory.
   */
  words(bits: Int32Array, floats?: Float32Array, nanAs = 0): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < bits.length; i++) {
      const w = floats && floats[i] !== floats[i] ? nanAs : bits[i];
      for (let k = 0; k < 32; k += 8) {
        lo = (lo ^ ((w >>> k) & 0xff)) >>> 0;
        const m = lo * 0x1b3;
        hi = (Math.imul(hi, 0x1b3) + ((m / 0x100000000) | 0) + (lo << 8)) >>> 0;
        lo = m >>> 0;
      }
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** A length prefix, then UTF-16 code units: field boundaries cannot be shifted to collide. */
  text(s: string): void {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c);
      this.byte(c >>> 8);
    }
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** 16-hex-digit FNV-1a 64 hash of a string's UTF-16 code units. */
export function fnv1a64(s: string): string {
  const h = new Fnv1a64();
  h.text(s);
  return h.hex();
}

const CANONICAL_NAN = 0x7fc00000;

function hashFloat32(h: Fnv1a64, values: Float32Array): void {
  // Every NaN means "missing"; payload bits must not change the fingerprint.
  h.words(new Int32Array(values.buffer, values.byteOffset, values.length), values, CANONICAL_NAN);
}

/**
 * Deterministic 64-bit fingerprint (16 hex digits) of a dataset: shape, feature names, kinds and
 * categories, every column value (NaNs treated alike), labels, class names and weights. Recorded in
 * model documents so a model can be traced to the exact data it was trained on.
 */
export function fingerprintDataset(ds: Dataset): string {
  const h = new Fnv1a64();
  h.word(ds.nRows);
  h.word(ds.features.length);
  for (const f of ds.features) {
    h.text(f.name);
    h.text(f.kind);
    h.word(f.categories?.length ?? 0);
    for (const c of f.categories ?? []) h.text(c);
  }
  for (const col of ds.columns) hashFloat32(h, col);
  h.word(ds.labels ? 1 : 0);
  if (ds.labels) h.words(ds.labels);
  h.word(ds.classNames?.length ?? 0);
  for (const c of ds.classNames ?? []) h.text(c);
  h.word(ds.weights ? 1 : 0);
  if (ds.weights) hashFloat32(h, ds.weights);
  return h.hex();
}
