import { describe, expect, it } from 'vitest';
import type { Batch } from '../api/types';
import { formatEta, progressText } from './batches';

const batch = (over: Partial<Batch>): Batch => ({
  id: 1,
  name: 'day.csv',
  kind: 'cicids2017',
  state: 'running',
  format: { layout: 'csv', delimiter: ',', gzip: false, schema: 'cicids2017', headerRow: true },
  fileBytes: 1000,
  rowsTotal: 200_000,
  rowsDone: 50_000,
  rowsBad: 0,
  percent: 25,
  rowsPerSecond: 120_000,
  etaSeconds: 2,
  modelId: 'm1',
  history: { state: 'pending', rows: 0 },
  error: null,
  createdBy: 'ana',
  createdAt: '2026-11-30T10:00:00Z',
  startedAt: '2026-11-30T10:00:00Z',
  finishedAt: null,
  updatedAt: '2026-11-30T10:00:01Z',
  ...over,
});

describe('progressText', () => {
  it('says rows, rate and time left while running', () => {
    expect(progressText(batch({ rowsBad: 3 }))).toBe(
      '50,000 of 200,000 rows · 3 bad · 120,000 rows/s · about 2 s left',
    );
  });

  it('says the alerts are still going into history after done, and nothing once they are', () => {
    const done = { state: 'done', rowsDone: 200_000, etaSeconds: 0 } as const;
    expect(progressText(batch({ ...done, history: { state: 'pending', rows: 12_500 } }))).toBe(
      '200,000 of 200,000 rows · adding alerts to history (12,500 so far)',
    );
    expect(progressText(batch({ ...done, history: { state: 'written', rows: 61_000 } }))).toBe(
      '200,000 of 200,000 rows',
    );
    expect(progressText(batch({ ...done, history: { state: 'off', rows: 0 } }))).toBe(
      '200,000 of 200,000 rows',
    );
  });

  it('formats the time left', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(200)).toBe('3 min 20 s');
    expect(formatEta(7300)).toBe('2 h 1 min');
  });
});
