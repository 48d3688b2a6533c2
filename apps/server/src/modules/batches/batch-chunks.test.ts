import { describe, expect, it } from 'vitest';
import { CHUNK_TOP_K, ChunkBuilder, topOfTally } from './batch-chunks.js';

/** The top K by sorting every value: most attacks, then most rows, then code-unit order. */
function sortedTop(tally: Map<string, [number, number]>, k: number): [string, number, number][] {
  return [...tally]
    .map(([v, [n, a]]) => [v, n, a] as [string, number, number])
    .sort((x, y) => y[2] - x[2] || y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .slice(0, k);
}

describe('chunk tallies', () => {
  it('keeps the same top K as sorting every value, ties included', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [rows, keys, k] of [
      [5000, 4000, 100], // mostly unique keys: long runs of ties
      [5000, 30, 100], // fewer keys than K
      [20000, 500, 10],
      [10, 10, 0],
    ]) {
      const builder = new ChunkBuilder(1, rows, false);
      const expected = new Map<string, [number, number]>();
      for (let i = 0; i < rows; i++) {
        const src = `10.0.${Math.floor(random() * keys)}.1`;
        const attack = random() < 0.3;
        builder.flow(
          i,
          { verdict: attack ? 'attack' : 'benign', probability: 0.5, category: 'x', riskScore: 50 },
          { srcIp: src, dstIp: null, srcPort: null, dstPort: null, protocol: null },
        );
        const t = expected.get(src) ?? [0, 0];
        t[0]++;
        t[1] += attack ? 1 : 0;
        expected.set(src, t);
      }
      const packed = builder.pack();
      expect(packed.aggregates.sources).toEqual(sortedTop(expected, CHUNK_TOP_K));
      if (k !== CHUNK_TOP_K) {
        const tally = new Map([...expected].map(([v, [n, a]]) => [v, a * 2 ** 26 + n]));
        expect(topOfTally(tally, k)).toEqual(sortedTop(expected, k));
      }
      const attacks = [...expected.values()].reduce((s, [, a]) => s + a, 0);
      expect(packed.aggregates.categories).toEqual({ x: [rows, attacks] });
    }
  });
});
