import { describe, expect, it } from 'vitest';
import type { ActiveModel } from '../modules/models/active-models.js';
import {
  MAX_VERDICT_MESSAGE_CHARS,
  verdictHead,
  verdictJson,
  verdictMessage,
  verdictValues,
} from './kafka-sink.js';
import type { ScoredBatch, ScoredFlow } from './stream-batch.js';

const flow = (over: Partial<ScoredFlow> = {}): ScoredFlow => ({
  key: 'kafka:t:0:12',
  message: 0,
  record: { flow_id: 'f"1\\\u0001' },
  prediction: {
    verdict: 'attack',
    probability: 0.8123456789,
    category: 'port"scan',
    riskScore: 81,
    topFeatures: [{ name: 'dst_port', value: null, contribution: -0.25 }],
    modelId: 'm',
    modelVersion: 3,
  },
  tuple: { srcIp: '10.0.0.1', dstIp: null, srcPort: 5, dstPort: null, protocol: 'tcp' },
  ...over,
});

describe('verdictJson', () => {
  it('writes exactly what JSON.stringify writes for the verdict message', () => {
    const batch = {
      source: 'stream:kafka',
      model: { id: 'gbdt-"x"', kind: 'synthetic-flows', version: 3 } as ActiveModel,
      flows: [],
    } as unknown as ScoredBatch;
    const at = '2026-01-01T00:00:00.000Z';
    const head = verdictHead(batch, at);
    const cases = [
      flow(),
      flow({ record: { uid: 'CZ' } }),
      flow({
        record: {},
        prediction: { ...flow().prediction, verdict: 'benign', topFeatures: [], probability: 1e-9 },
      }),
    ];
    for (const f of cases) {
      const text = verdictJson(head, f);
      expect(text).toBe(JSON.stringify(verdictMessage(batch, f, at)));
      expect(JSON.parse(text)).toEqual(verdictMessage(batch, f, at));
    }
  });
});

describe('verdictValues', () => {
  const batch = (flows: ScoredFlow[], arrays: boolean[]) =>
    ({
      source: 'stream:kafka',
      model: { id: 'm', kind: 'synthetic-flows', version: 1 } as ActiveModel,
      flows,
      arrays,
    }) as unknown as ScoredBatch;
  const at = '2026-01-01T00:00:00.000Z';

  it('writes one message per input message: a verdict, or an array for an array of records', () => {
    const values = verdictValues(
      batch(
        [
          flow({ key: 'a', message: 0 }),
          flow({ key: 'b0', message: 1 }),
          flow({ key: 'b1', message: 1 }),
          flow({ key: 'c', message: 2 }),
        ],
        [false, true, false],
      ),
      at,
    );
    expect(values.map((v) => JSON.parse(v))).toMatchObject([
      { key: 'a' },
      [{ key: 'b0' }, { key: 'b1' }],
      { key: 'c' },
    ]);
  });

  it('splits an array of verdicts that would be too large for the broker, keeping every verdict in order', () => {
    const flows = Array.from({ length: 5000 }, (_, i) => flow({ key: `kafka:t:0:7#${i}`, message: 0 }));
    const one = verdictJson(verdictHead(batch([], []), at), flows[0]).length;
    // 5,000 verdicts of ~400 characters: about 2 MB in one array without the limit.
    expect(one * 5000).toBeGreaterThan(2 * MAX_VERDICT_MESSAGE_CHARS);
    const values = verdictValues(batch(flows, [true]), at);
    expect(values.length).toBeGreaterThanOrEqual(3);
    for (const v of values) expect(v.length).toBeLessThanOrEqual(MAX_VERDICT_MESSAGE_CHARS);
    const keys = values.flatMap((v) => (JSON.parse(v) as { key: string }[]).map((x) => x.key));
    expect(keys).toEqual(flows.map((f) => f.key));
    // A tiny limit still writes each verdict, one per array.
    expect(verdictValues(batch(flows.slice(0, 3), [true]), at, 10).map((v) => JSON.parse(v).length)).toEqual([
      1, 1, 1,
    ]);
  });
});
