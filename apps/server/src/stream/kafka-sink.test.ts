import { describe, expect, it } from 'vitest';
import type { ActiveModel } from '../modules/models/active-models.js';
import { verdictHead, verdictJson, verdictMessage } from './kafka-sink.js';
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
