import { describe, expect, it } from 'vitest';
import { confusionSpec, readModelReport, rocSpec } from '../charts/model-options';
import { categorySpec, scoreBins, scoreSpec, talkersSpec, timelineSpec } from '../charts/options';
import { csvCell, fileSlug, seriesTable, toCsv } from './csv';

describe('CSV export of chart data', () => {
  it('quotes what needs quoting and neutralises spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell('=cmd()')).toBe("'=cmd()");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-03-04T05:06:07Z'))).toBe('2026-03-04T05:06:07.000Z');
  });

  it('writes a header and CRLF-terminated rows', () => {
    const csv = toCsv(
      seriesTable(
        'bucket',
        ['t1', 't2'],
        [
          { name: 'benign', values: [3, 4] },
          { name: 'attack', values: [1, 0] },
        ],
      ),
    );
    expect(csv).toBe('bucket,benign,attack\r\nt1,3,1\r\nt2,4,0\r\n');
  });

  it('exports the numbers behind the timeline, not the drawn labels', () => {
    const spec = timelineSpec({
      window: { from: '2026-03-04T00:00:00Z', to: '2026-03-04T02:00:00Z' },
      bucket: 'hour',
      groupBy: 'verdict',
      buckets: ['2026-03-04T00:00:00.000Z', '2026-03-04T01:00:00.000Z'],
      series: [
        { key: 'benign', counts: [10, 12] },
        { key: 'attack', counts: [2, 0] },
      ],
    });
    expect(toCsv(spec.table)).toBe(
      'bucket_start_utc,benign,attack\r\n2026-03-04T00:00:00.000Z,10,2\r\n2026-03-04T01:00:00.000Z,12,0\r\n',
    );
  });

  it('leaves benign out of the category chart and keeps addresses as text', () => {
    const summary = {
      byCategory: [
        { category: 'benign', count: 90 },
        { category: 'DoS', count: 7 },
        { category: null, count: 3 },
      ],
      topSources: [{ ip: '10.0.0.5', attacks: 4, total: 9 }],
    };
    expect(toCsv(categorySpec(summary as never).table)).toBe(
      'category,count\r\nDoS,7\r\nuncategorised,3\r\n',
    );
    expect(toCsv(talkersSpec(summary.topSources).table)).toBe('ip,alerts,total\r\n10.0.0.5,4,9\r\n');
  });

  it('bins risk scores in tens, with 100 in the last bin', () => {
    expect(scoreBins([0, 9, 10, 55, 99, 100, Number.NaN])).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(scoreSpec([100]).table.rows.at(-1)).toEqual([90, 100, 1]);
  });

  it('reads ROC points and the confusion matrix from a model’s metrics', () => {
    const report = readModelReport({
      test: {
        classNames: ['benign', 'attack'],
        confusion: [
          [90, 5],
          [3, 40],
        ],
        rocCurve: [
          { fpr: 0, tpr: 0, threshold: null },
          { fpr: 0.1, tpr: 0.9, threshold: 0.5 },
        ],
        accuracy: 0.94,
      },
      topFeatures: [{ name: 'syn_count', value: 12.5 }],
    });
    expect(report.pr).toBeNull();
    expect(report.importance).toEqual([{ name: 'syn_count', value: 12.5 }]);
    expect(toCsv(rocSpec(report.roc ?? []).table)).toBe(
      'false_positive_rate,true_positive_rate,threshold\r\n0,0,\r\n0.1,0.9,0.5\r\n',
    );
    expect(toCsv(confusionSpec(report.confusion ?? [], report.classNames).table)).toBe(
      'true_class,predicted_benign,predicted_attack\r\nbenign,90,5\r\nattack,3,40\r\n',
    );
    expect(readModelReport({ test: { confusion: [[1, 2]] } }).confusion).toBeNull();
  });

  it('makes file names from titles', () => {
    expect(fileSlug('Detections over time')).toBe('detections-over-time');
    expect(fileSlug('ROC / PR: curves!')).toBe('roc-pr-curves');
    expect(fileSlug('***')).toBe('chart');
  });
});
