import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateTo, migrateToLatest } from '../src/db/database.js';
import { ChunkBuilder, decodeChunk } from '../src/modules/batches/batch-chunks.js';
import { decodeChunkHistory } from '../src/modules/batches/batch-history.js';
import { selectChunks } from '../src/modules/batches/batch-results.repo.js';
import { describeEachEngine, openTestStore, type TestStore } from './support/stores.js';

// A chunk stored before 0009 (base64 text columns, history as text) reads the same after it, and
// 0009's down() gives the text back.
describeEachEngine('migration 0009: batch chunks as bytes', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(engine);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('converts stored chunks and their pending alerts, and back', async () => {
    const builder = new ChunkBuilder(1, 3, false);
    const tuple = { srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 5000, dstPort: 443, protocol: 'tcp' };
    builder.flow(0, { verdict: 'attack', probability: 0.875, category: 'dos', riskScore: 88 }, tuple);
    builder.flow(2, { verdict: 'benign', probability: 0.125, category: 'benign', riskScore: 12 }, tuple);
    const packed = builder.pack();
    const expected = [
      ...decodeChunk({ ...packed, first_row: 1, row_count: 3, category_idx: packed.categoryIdx }),
    ];
    expect(expected.map((r) => [r.row, r.verdict])).toEqual([
      [1, 'attack'],
      [3, 'benign'],
    ]);
    // Pending alerts in 0008's form: a plain array of alerts with records as objects.
    const alerts = [
      [1, 'attack', 0.875, 'dos', 88, '10.0.0.1', '10.0.0.2', 5000, 443, 'tcp', [], { a: 'b' }],
    ];
    const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

    expect(await migrateTo(store.db, '0008-batch-history')).toEqual(['0009-batch-chunk-bytes']);
    const batch = await sql<{ id: number }>`
      insert into batches (name, kind, file_path, file_bytes, format, state, created_by, history_state)
      values ('old', 'synthetic', '/nowhere', 1, '{}', 'done', 'test', 'pending') returning id`.execute(
      store.db,
    );
    const id = Number(batch.rows[0].id);
    await sql`
      insert into batch_result_chunks (batch_id, first_row, row_count, created_at, model_id, verdicts,
        probabilities, risk, category_idx, categories, tuples, aggregates, history)
      values (${id}, 1, 3, now(), 'm', ${base64(packed.verdicts)}, ${base64(packed.probabilities)},
        ${base64(packed.risk)}, ${base64(packed.categoryIdx)}, ${JSON.stringify(packed.categories)},
        ${Buffer.from(packed.tuples).toString('utf8')}, ${JSON.stringify(packed.aggregates)},
        ${JSON.stringify(alerts)})`.execute(store.db);

    expect(await migrateToLatest(store.db)).toEqual(['0009-batch-chunk-bytes']);
    const [chunk] = await selectChunks(store.db, id, 0, 10);
    expect([...decodeChunk(chunk)]).toEqual(expected);
    expect(decodeChunkHistory(chunk.history)).toEqual(alerts);

    expect(await migrateTo(store.db, '0008-batch-history')).toEqual(['0009-batch-chunk-bytes']);
    const text = await sql<{ verdicts: string; history: string }>`
      select verdicts, history from batch_result_chunks where batch_id = ${id}`.execute(store.db);
    expect(text.rows[0]).toEqual({ verdicts: base64(packed.verdicts), history: JSON.stringify(alerts) });
    await migrateToLatest(store.db);
  });
});
