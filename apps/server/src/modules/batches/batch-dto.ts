import type { FileInspection } from '@vigil/detect';
import { z } from 'zod';
import type { BatchHistoryState, BatchState } from '../../db/schema.js';
import type { BatchRow } from './batches.repo.js';

/** A batch as the API shows it: state, progress (rows/s, ETA) and counts. */
export interface BatchDto {
  id: number;
  name: string;
  kind: string;
  state: BatchState;
  format: { layout: string; delimiter: string; gzip: boolean; schema: string; headerRow: boolean };
  fileBytes: number;
  rowsTotal: number | null;
  rowsDone: number;
  rowsBad: number;
  /** 0–100, when the total is known. */
  percent: number | null;
  /** Over the current run (since it started or resumed). */
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  modelId: string | null;
  /**
   * The batch's alerts in prediction history: written once the batch is done ('pending' until
   * then, and for a moment after), or 'off' (VIGIL_HISTORY=none); `rows` alerts written so far.
   */
  history: { state: BatchHistoryState; rows: number };
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export function toBatchDto(row: BatchRow, now: Date): BatchDto {
  const format = row.format as unknown as FileInspection & { gzip?: boolean };
  const total = row.rows_total === null ? null : Number(row.rows_total);
  const done = Number(row.rows_done);
  let rate: number | null = null;
  let eta: number | null = null;
  if (row.run_started_at) {
    const end = row.state === 'running' ? now : (row.finished_at ?? row.updated_at);
    const seconds = (end.getTime() - row.run_started_at.getTime()) / 1000;
    const rows = done - Number(row.run_start_rows);
    if (seconds > 0 && rows > 0) rate = Math.round(rows / seconds);
    if (row.state === 'running' && rate && total !== null)
      eta = Math.max(0, Math.ceil((total - done) / rate));
  }
  return {
    id: Number(row.id),
    name: row.name,
    kind: row.kind,
    state: row.state,
    format: {
      layout: format.layout,
      delimiter: format.delimiter,
      gzip: format.gzip === true,
      schema: format.schema,
      headerRow: format.headerRow,
    },
    fileBytes: Number(row.file_bytes),
    rowsTotal: total,
    rowsDone: done,
    rowsBad: Number(row.rows_bad),
    percent: total ? Math.min(100, Math.round((1000 * done) / total) / 10) : total === 0 ? 100 : null,
    rowsPerSecond: rate,
    etaSeconds: row.state === 'done' ? 0 : eta,
    modelId: row.model_id,
    history: { state: row.history_state, rows: Number(row.history_rows) },
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

export const batchStateSchema = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);

export const batchSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string().describe('Model kind: flow schema id, synthetic-flows or url'),
  state: batchStateSchema,
  format: z.object({
    layout: z.string().describe('csv, zeek-tsv, json-lines or zeek-json'),
    delimiter: z.string(),
    gzip: z.boolean(),
    schema: z.string(),
    headerRow: z.boolean(),
  }),
  fileBytes: z.number().int(),
  rowsTotal: z.number().int().nullable().describe('Data rows in the file (counted at upload)'),
  rowsDone: z.number().int().describe('Rows processed (scored or bad), the checkpoint'),
  rowsBad: z.number().int(),
  percent: z.number().nullable(),
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  modelId: z.string().nullable(),
  history: z
    .object({
      state: z.enum(['pending', 'written', 'off']),
      rows: z.number().int().describe('Alerts written to prediction history so far'),
    })
    .describe(
      "The batch's alerts in prediction history (tagged batch:<id>): written once the batch is done, " +
        "so 'pending' lasts a moment past 'done' (and stays while a cancelled or failed batch waits for a " +
        "retry); 'off' when the server keeps no history",
    ),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});

const topEntry = z.object({ value: z.string(), count: z.number().int(), attacks: z.number().int() });
const badRow = z.object({ row: z.number().int(), line: z.number().int(), reason: z.string() });

export const summarySchema = z.object({
  rows: z.object({ scored: z.number().int(), bad: z.number().int() }),
  verdicts: z.object({ benign: z.number().int(), attack: z.number().int() }),
  categories: z.array(topEntry),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  topSources: z.array(topEntry),
  topDestinations: z.array(topEntry),
  topDomains: z.array(topEntry),
  badRows: z.array(badRow).describe('The first 1,000 bad rows: row number, line and reason'),
});

export const inspectionSchema = z.object({
  layout: z.string(),
  kind: z.enum(['flows', 'urls']),
  schema: z.string(),
  confidence: z.number(),
  delimiter: z.string(),
  header: z.array(z.string()),
  headerRow: z.boolean(),
  gzip: z.boolean(),
  bom: z.boolean(),
  rowsTotal: z.number().int(),
  columns: z.object({
    used: z.array(z.string()).describe('Columns read (features, 5-tuple, identifiers, labels, URL)'),
    unknown: z.array(z.string()).describe('Columns no model reads; ignored'),
    optionalMissing: z.array(z.string()).describe('Optional features absent from the file (read as missing)'),
  }),
  urlColumn: z.string().nullable(),
  preview: z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string().nullable())) }),
});
export type InspectionDto = z.infer<typeof inspectionSchema>;
