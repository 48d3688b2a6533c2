import { generateSyntheticFlows } from '@vigil/detect';
import type { ModelDocument } from '@vigil/ml';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import type { FlowSource, SourceBatch, StreamMessage } from '../src/stream/flow-source.js';
import { SYNTHETIC_SCHEMA } from '../src/training/demo-model.js';
import { trainModel } from '../src/training/training.service.js';
import { defaultTrainingConfig } from '../src/training/training-config.js';

let cached: Promise<ModelDocument> | undefined;

/** A demo-like model of synthetic flows (fewer rows and rounds than `vigil demo`, to stay fast). */
export function streamModel(): Promise<ModelDocument> {
  cached ??= (async () => {
    const dataset = generateSyntheticFlows({ rows: 3000, seed: 21 });
    const defaults = defaultTrainingConfig();
    const config = {
      ...defaults,
      seed: 21,
      gbdt: { ...defaults.gbdt, nEstimators: 40, earlyStoppingRounds: 10 },
    };
    return (await trainModel({ dataset, schema: SYNTHETIC_SCHEMA, target: 'binary', config })).document;
  })();
  return cached;
}

/** A source that hands over the given batches, recording commits. */
export function arraySource(batches: StreamMessage[][], name = 'test'): FlowSource & { commits: number } {
  const source = {
    name,
    deadLetters: 'table' as const,
    commits: 0,
    async *batches(): AsyncGenerator<SourceBatch> {
      for (const messages of batches) {
        yield {
          messages,
          commit: async () => {
            source.commits++;
          },
        };
      }
    },
    async stop() {},
  };
  return source;
}

export async function storedKeys(db: Db, source: string): Promise<string[]> {
  const rows = await db
    .selectFrom('predictions')
    .select('event_key')
    .where('source', '=', source)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.event_key ?? '');
}

export async function countRows(db: Db, table: 'predictions' | 'stream_dead_letters'): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0].n);
}
