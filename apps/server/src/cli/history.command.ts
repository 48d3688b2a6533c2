import { once } from 'node:events';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { z } from 'zod';
import { createAuditService } from '../modules/audit/audit.service.js';
import { exportQuerySchema, isoTimestamp } from '../modules/predictions/prediction-filters.schema.js';
import { exportChunks } from '../modules/predictions/predictions-export.js';
import { PredictionsQueryService } from '../modules/predictions/predictions-query.service.js';
import { withStore } from './with-store.js';

/** The CLI's audit actor: `cli:<os user>`. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** `2026-01-01` is read as midnight UTC; anything else must be an ISO timestamp with a zone. */
export function parseBefore(value: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const parsed = isoTimestamp.safeParse(text);
  if (!parsed.success) {
    throw new Error(
      `--before: expected an ISO 8601 date or timestamp with a zone (e.g. 2026-01-01T00:00:00Z), got "${value}"`,
    );
  }
  return parsed.data;
}

// CLI option (commander's camelCase key) → query-string field of the export API.
const FILTER_OPTIONS: [flag: string, key: string, help: string][] = [
  ['--from <iso>', 'from', 'created at or after (ISO 8601 with zone)'],
  ['--to <iso>', 'to', 'created before (ISO 8601 with zone)'],
  ['--verdict <verdict>', 'verdict', 'benign or attack'],
  ['--category <name>', 'category', 'attack category'],
  ['--min-score <n>', 'minScore', 'risk score at least n (0-100)'],
  ['--max-score <n>', 'maxScore', 'risk score at most n (0-100)'],
  ['--src-ip <addr>', 'srcIp', 'source address'],
  ['--dst-ip <addr>', 'dstIp', 'destination address'],
  ['--ip <addr>', 'ip', 'either address'],
  ['--model-id <id>', 'modelId', 'model id'],
  ['--kind <kind>', 'kind', 'model kind (flow schema)'],
  ['--q <text>', 'q', 'free-text search'],
  ['--sort <field[:dir]>', 'sort', 'created_at, risk_score or probability, with :asc or :desc'],
  ['--format <format>', 'format', 'csv (default), json or ndjson'],
];

const kebab = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Validates the options exactly as the export API validates its query string. */
export function parseHistoryOptions(opts: Record<string, unknown>): z.output<typeof exportQuerySchema> {
  const query = Object.fromEntries(
    FILTER_OPTIONS.map(([, key]) => [key, opts[key]]).filter(([, v]) => v !== undefined),
  );
  const parsed = exportQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? kebab(String(issue.path[0])) : 'options';
    throw new Error(`${field}: ${issue.message}`);
  }
  return parsed.data;
}

/** Writes chunks to stdout, waiting when the pipe is full; stops quietly if the reader goes away (`| head`). */
async function writeAll(chunks: AsyncIterable<string>): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    failure = err;
  };
  process.stdout.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure) break;
      // once() also settles (rejecting) when the pipe errors while we wait.
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain').catch(() => {});
    }
  } finally {
    process.stdout.off('error', onError);
  }
  if (failure && failure.code !== 'EPIPE') throw failure;
}

/** `vigil history` (export prediction history to stdout) and `vigil clear-history --before`. */
export function registerHistoryCommands(program: Command): void {
  const history = program
    .command('history')
    .description('print stored predictions matching the filters as CSV, JSON or NDJSON (newest first)');
  for (const [flag, , help] of FILTER_OPTIONS) history.option(flag, help);
  history.action(async (opts: Record<string, unknown>) => {
    const { format, sort, ...filters } = parseHistoryOptions(opts);
    await withStore(async (store) => {
      const pages = new PredictionsQueryService(store.db).exportPages(filters, sort);
      await writeAll(exportChunks(pages, format));
    });
  });

  program
    .command('clear-history')
    .description('delete stored predictions created before a date (recorded in the audit log)')
    .requiredOption('--before <iso>', 'ISO 8601 timestamp with zone, or a date (midnight UTC)')
    .action(async (opts: { before: string }) => {
      const before = parseBefore(opts.before);
      await withStore(async (store) => {
        const deleted = await new PredictionsQueryService(store.db).clearBefore(before);
        await createAuditService(store.db).record({
          actor: cliActor(),
          action: 'predictions.clear',
          target: 'predictions',
          outcome: 'success',
          details: { before: before.toISOString(), deleted },
        });
        console.log(
          `deleted ${deleted} prediction${deleted === 1 ? '' : 's'} created before ${before.toISOString()}`,
        );
      });
    });
}
