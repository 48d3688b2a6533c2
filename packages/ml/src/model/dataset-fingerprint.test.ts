import { describe, expect, it } from 'vitest';
import { createDataset } from '../data/dataset.js';
import { fingerprintDataset, fnv1a64 } from './dataset-fingerprint.js';

/** Reference FNV-1a 64 with BigInt over the same bytes fnv1a64 hashes (length prefix, UTF-16 LE). */
function referenceFnv(s: string): string {
  const bytes = [s.length & 255, (s.length >>> 8) & 255, (s.length >>> 16) & 255, s.length >>> 24];
  for (let i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i) & 255, s.charCodeAt(i) >>> 8);
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

describe('fnv1a64', () => {
  it('matches a BigInt FNV-1a 64 reference', () => {
    for (const s of ['', 'a', 'flow bytes', 'ünïcødé ✓', 'x'.repeat(300)])
      expect(fnv1a64(s)).toBe(referenceFnv(s));
  });
});

describe('fingerprintDataset', () => {
  const make = (bump = 0, label = 1) =>
    createDataset({
      features: [
        { name: 'bytes', kind: 'numeric' },
        { name: 'proto', kind: 'categorical', categories: ['tcp', 'udp'] },
      ],
      columns: [Float32Array.of(1, 2.5, Number.NaN + bump), Float32Array.of(0, 1, 1)],
      labels: Int32Array.of(0, label, 1),
      classNames: ['benign', 'malicious'],
    });

  it('is stable and a 64-bit hex string', () => {
    expect(fingerprintDataset(make())).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintDataset(make())).toBe(fingerprintDataset(make()));
  });

  it('changes with one value, one label or one name, not with NaN payload bits', () => {
    const fp = fingerprintDataset(make());
    const changed = make();
    changed.columns[0][1] = 2.25;
    expect(fingerprintDataset(changed)).not.toBe(fp);
    expect(fingerprintDataset(make(0, 0))).not.toBe(fp);
    expect(fingerprintDataset({ ...make(), classNames: ['benign', 'attack'] })).not.toBe(fp);
    const otherNaN = make();
    new Int32Array(otherNaN.columns[0].buffer)[2] = 0x7fc00001;
    expect(Number.isNaN(otherNaN.columns[0][2])).toBe(true);
    expect(fingerprintDataset(otherNaN)).toBe(fp);
  });
});
