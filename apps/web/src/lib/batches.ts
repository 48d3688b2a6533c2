import type { Batch, BatchState } from '../api/types';

export const FINAL_STATES: readonly BatchState[] = ['done', 'failed', 'cancelled'];

export const isFinal = (b: Pick<Batch, 'state'>) => FINAL_STATES.includes(b.state);

/** "3 min 20 s", "45 s", "—". */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** One line a user reads under the progress bar. */
export function progressText(b: Batch): string {
  const total = b.rowsTotal === null ? '?' : b.rowsTotal.toLocaleString('en-GB');
  const parts = [`${b.rowsDone.toLocaleString('en-GB')} of ${total} rows`];
  if (b.rowsBad > 0) parts.push(`${b.rowsBad.toLocaleString('en-GB')} bad`);
  if (b.state === 'running' && b.rowsPerSecond)
    parts.push(`${b.rowsPerSecond.toLocaleString('en-GB')} rows/s`);
  if (b.state === 'running' && b.etaSeconds !== null) parts.push(`about ${formatEta(b.etaSeconds)} left`);
  if (b.state === 'done' && b.history?.state === 'pending')
    parts.push(`adding alerts to history (${b.history.rows.toLocaleString('en-GB')} so far)`);
  return parts.join(' · ');
}
