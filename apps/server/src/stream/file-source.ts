import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { openDatasetFile } from '../datasets/dataset-file.js';
import { Pacer } from './embedded-sources.js';
import type { FlowSource, SourceBatch, StreamMessage } from './flow-source.js';

export interface FileSourceOptions {
  path: string;
  /** Flows per second; undefined = as fast as they are scored. */
  rate?: number;
  batchSize: number;
  /** ndjson (one JSON record per line) or csv (a header row, then records); default by extension. */
  format?: 'ndjson' | 'csv';
}

/** The format a file name suggests: `.csv` / `.csv.gz` → csv, anything else → NDJSON. */
export function fileFormat(path: string): 'ndjson' | 'csv' {
  return /\.csv(\.gz)?$/i.test(path) ? 'csv' : 'ndjson';
}

/**
 * Replays a file of flow records (NDJSON or CSV, gzip detected by content) at a chosen rate. Keys
 * are `file:<absolute path>:<line>`, so replaying the same file again stores nothing twice. NDJSON
 * lines are handed over as text: a line that is not JSON becomes a dead letter, not a stop.
 */
export function createFileSource(options: FileSourceOptions): FlowSource {
  const path = resolve(options.path);
  const format = options.format ?? fileFormat(path);
  const abort = new AbortController();
  return {
    name: 'file',
    deadLetters: 'table',
    async *batches(): AsyncGenerator<SourceBatch> {
      const file = await openDatasetFile(path);
      const parser =
        format === 'csv'
          ? parse({ columns: true, skip_empty_lines: true, bom: true, relax_column_count: true, info: true })
          : undefined;
      // Bounded read-ahead: a batch of parsed records, or a few 1 MiB chunks of text.
      const out = new PassThrough({ objectMode: true, highWaterMark: parser ? options.batchSize : 4 });
      const decoder = new StringDecoder('utf8');
      const piping = pipeline([...file.stages, ...(parser ? [parser] : []), out], {
        signal: abort.signal,
      }).catch((err: unknown) => {
        if (!abort.signal.aborted) out.destroy(err as Error);
      });
      const pacer = new Pacer(options.rate, abort.signal);
      let line = 0;
      let pending = '';
      let batch: StreamMessage[] = [];
      const emit = async function* (final: boolean): AsyncGenerator<SourceBatch> {
        while (batch.length >= options.batchSize || (final && batch.length > 0)) {
          const n = await pacer.allowance(Math.min(options.batchSize, batch.length));
          if (abort.signal.aborted) return;
          const messages = batch.slice(0, n);
          batch = batch.slice(n);
          pacer.took(n);
          yield { messages, commit: async () => {} };
        }
      };
      try {
        for await (const chunk of out) {
          if (abort.signal.aborted) break;
          if (parser) {
            const { record, info } = chunk as { record: Record<string, string>; info: { lines: number } };
            batch.push({ key: `file:${path}:${info.lines}`, value: record });
          } else {
            pending += decoder.write(chunk as Buffer);
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const text of lines) {
              line++;
              if (text.trim() !== '') batch.push({ key: `file:${path}:${line}`, value: text });
            }
          }
          yield* emit(false);
        }
        pending += decoder.end();
        if (!parser && pending.trim() !== '') batch.push({ key: `file:${path}:${++line}`, value: pending });
        yield* emit(true);
      } finally {
        abort.abort();
        await piping;
      }
    },
    async stop() {
      abort.abort();
    },
  };
}
