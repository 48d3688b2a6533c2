import { describe, expect, it } from 'vitest';
import { sortFloat32 } from './binning.js';

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('sortFloat32', () => {
  it('sorts exactly as TypedArray#sort, −0 before +0, infinities and subnormals included', () => {
    const rand = lcg(42);
    const special = [
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e-45,
      -1e-45,
      3.4e38,
      -3.4e38,
      1,
      -1,
    ];
    for (const n of [0, 1, 7, 511, 512, 513, 5000, 70_000]) {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rand();
        a[i] =
          r < 0.1
            ? special[Math.floor(rand() * special.length)]
            : r < 0.4
              ? Math.floor(rand() * 20) - 10 // many duplicates, as in count features
              : (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6);
      }
      const expected = Float32Array.from(a).sort();
      const got = sortFloat32(Float32Array.from(a));
      // Compare bit patterns: toEqual would not tell −0 from +0.
      expect(bitsOf(got)).toEqual(bitsOf(expected));
    }
  });

  it('sorts a subarray in place, leaving the rest of its buffer alone', () => {
    const whole = new Float32Array(2000).map((_, i) => (i * 7919) % 1000);
    const view = whole.subarray(500, 1500);
    const before = Array.from(whole.subarray(0, 500));
    const expected = Float32Array.from(view).sort();
    expect(sortFloat32(view)).toBe(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
    expect(Array.from(whole.subarray(0, 500))).toEqual(before);
  });
});
