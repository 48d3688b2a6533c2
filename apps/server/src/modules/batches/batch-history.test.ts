import { describe, expect, it } from 'vitest';
import {
  chunkHistoryJson,
  decodeChunkHistory,
  HISTORY_PART_ALERTS,
  historyAlert,
  historyParts,
} from './batch-history.js';

const tuple = { srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1, dstPort: 2, protocol: 'tcp' };

describe("a chunk's history", () => {
  it('is written in parts of at most HISTORY_PART_ALERTS alerts and read back whole', () => {
    const keys = ['a', 'b'];
    const alerts = Array.from({ length: 2 * HISTORY_PART_ALERTS + 7 }, (_, i) =>
      historyAlert(
        i + 1,
        { verdict: 'attack', probability: 0.5, category: 'dos', riskScore: 50, topFeatures: [] },
        tuple,
        // A line feed inside a value is escaped in JSON: parts still end at raw line feeds only.
        { a: `x\n${i}`, b: '' },
        keys,
      ),
    );
    const bytes = new TextEncoder().encode(chunkHistoryJson(alerts, keys));
    const parts = historyParts(bytes);
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => JSON.parse(Buffer.from(p).toString()).alerts.length)).toEqual([
      HISTORY_PART_ALERTS,
      HISTORY_PART_ALERTS,
      7,
    ]);
    const decoded = decodeChunkHistory(bytes);
    expect(decoded).toHaveLength(alerts.length);
    expect(decoded[HISTORY_PART_ALERTS + 3][0]).toBe(HISTORY_PART_ALERTS + 4);
    expect(decoded[5][11]).toEqual({ a: 'x\n5', b: '' });
  });

  it('reads the single document of a chunk stored before parts (0008)', () => {
    const old = [[1, 'attack', 0.5, 'dos', 50, null, null, null, null, null, [], { a: 1 }]];
    expect(decodeChunkHistory(JSON.stringify(old))).toEqual(old);
    expect(decodeChunkHistory(null)).toEqual([]);
  });
});
