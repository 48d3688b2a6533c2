import type { Batch } from '@vigil/contracts';
import type { FileInspection } from '@vigil/detect';
import type { BatchRow } from './batches.repo.js';

/** A batch row as the API shows it: state, progress (rows/s, ETA) and counts. */
export function toBatchDto(row: BatchRow, now: Date): Batch {
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
