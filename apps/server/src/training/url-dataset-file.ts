import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  classifyUrlLabel,
  createUrlDatasetBuilder,
  DataFormatError,
  normaliseColumnName,
  URL_LABEL_VALUES,
  type UrlDatasetResult,
} from '@vigil/detect';
import { parse } from 'csv-parse';
import { openDatasetFile } from '../datasets/dataset-file.js';

/** Column names read as the URL, then as the label (compared after normalising). */
const URL_COLUMNS = ['url', 'urls', 'link', 'address'];
const LABEL_COLUMNS = ['label', 'status', 'class', 'type', 'result', 'verdict'];

export interface LoadUrlDatasetOptions {
  /** Class of every row, for files of one class without a label column (e.g. a PhishTank dump). */
  readonly label?: 'benign' | 'malicious';
  /** Keep at most this many URLs per registrable domain. */
  readonly maxPerDomain?: number;
  /** A CSV with a `domain` column (e.g. a Tranco list) whose home pages are added as benign URLs. */
  readonly benignDomains?: string;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** A labelled URL file read into a dataset, with what was skipped. */
export interface LoadedUrlDataset extends UrlDatasetResult {
  readonly warnings: string[];
  /** Benign home-page URLs added from `benignDomains`. */
  readonly benignDomains: number;
  readonly elapsedMs: number;
}

/**
 * Streams a CSV of labelled URLs (plain or gzip) into a dataset of URL lexical features with each
 * row's registrable domain as its group. The header needs a `url` column and a label column
 * (`label`, `status`, `class`, …; values such as benign/legitimate and phishing/malicious), unless
 * `options.label` gives the class of every row. Rows with an unknown label are skipped and counted.
 */
export async function loadUrlDataset(
  path: string,
  options: LoadUrlDatasetOptions = {},
): Promise<LoadedUrlDataset> {
  const started = performance.now();
  const builder = createUrlDatasetBuilder({ maxPerDomain: options.maxPerDomain });
  let urlAt = -1;
  let labelAt = -1;
  const unknown = new Map<string, number>();
  let unknownRows = 0;

  const row = await readCsv(path, options.onProgress, (record, at) => {
    if (at === 1) {
      const names = record.map(normaliseColumnName);
      urlAt = names.findIndex((n) => URL_COLUMNS.includes(n));
      labelAt = options.label ? -1 : names.findIndex((n) => LABEL_COLUMNS.includes(n));
      if (urlAt < 0 || (labelAt < 0 && !options.label)) {
        const missing = [urlAt < 0 ? 'url' : '', labelAt < 0 && !options.label ? 'label' : ''].filter(
          Boolean,
        );
        throw new DataFormatError(
          'missing-columns',
          `the header has no ${missing.join(' or ')} column: expected a "url" column and a label column ` +
            `(${LABEL_COLUMNS.join(', ')}), or --label benign|malicious for a file of one class`,
          { row: 1, expected: 'url,label', got: record.join(','), missingColumns: missing },
        );
      }
      return;
    }
    const url = record[urlAt] ?? '';
    let cls = options.label;
    if (!cls) {
      const raw = record[labelAt] ?? '';
      cls = classifyUrlLabel(raw);
      if (!cls) {
        unknownRows++;
        if (unknown.size < 20 || unknown.has(raw)) unknown.set(raw, (unknown.get(raw) ?? 0) + 1);
        return;
      }
    }
    builder.push(url, cls);
  });
  let benignDomains = 0;
  if (options.benignDomains) {
    let domainAt = -1;
    const before = builder.rows;
    await readCsv(options.benignDomains, undefined, (record, at) => {
      if (at === 1) {
        domainAt = record.map(normaliseColumnName).findIndex((n) => n === 'domain' || n === 'host');
        if (domainAt < 0) {
          throw new DataFormatError('missing-columns', 'the header has no "domain" column', {
            row: 1,
            expected: 'a "domain" column (e.g. rank,domain)',
            got: record.join(','),
            missingColumns: ['domain'],
          });
        }
        return;
      }
      const domain = (record[domainAt] ?? '').trim().toLowerCase();
      // Half the home pages as typed with www, half without, so neither form means "benign".
      if (domain.length > 0) builder.push(`https://${at % 2 === 0 ? 'www.' : ''}${domain}/`, 'benign');
    });
    benignDomains = builder.rows - before;
  }
  if (row === 0) {
    throw new DataFormatError('empty-file', `${basename(path)}: the file is empty: expected a header row`, {
      row: 1,
      expected: 'a header row',
      got: 'nothing',
    });
  }
  const result = builder.finish();
  const { stats } = result;
  const warnings: string[] = [];
  if (unknownRows > 0) {
    const values = [...unknown.keys()].slice(0, 5).map((v) => `"${v}"`);
    warnings.push(
      `${unknownRows} rows skipped: unknown label ${values.join(', ')} (known: ${URL_LABEL_VALUES.join(', ')})`,
    );
  }
  if (stats.duplicates > 0) warnings.push(`${stats.duplicates} duplicate URLs skipped`);
  if (stats.overDomainCap > 0) {
    warnings.push(`${stats.overDomainCap} URLs skipped over --max-per-domain ${options.maxPerDomain}`);
  }
  if (stats.tooLong > 0) warnings.push(`${stats.tooLong} URLs longer than 2,048 characters skipped`);
  if (stats.empty > 0) warnings.push(`${stats.empty} empty URLs skipped`);
  if (stats.kept === 0) {
    throw new DataFormatError('no-rows', `${basename(path)}: no usable labelled URL in the file`, {
      expected: 'rows of url,label',
      got: `${row - 1} rows, none usable`,
    });
  }
  return { ...result, warnings, benignDomains, elapsedMs: performance.now() - started };
}

/**
 * Streams the records of a CSV file (plain or gzip) to `onRecord` with 1-based row numbers; returns
 * the number of records. A DataFormatError thrown by `onRecord` gets the file name in its message.
 */
async function readCsv(
  path: string,
  onProgress: LoadUrlDatasetOptions['onProgress'],
  onRecord: (record: string[], row: number) => void,
): Promise<number> {
  const file = await openDatasetFile(path, onProgress);
  let row = 0;
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 512,
    write(record: string[], _encoding, done) {
      try {
        onRecord(record, ++row);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: 1 << 20,
  });
  try {
    await pipeline([...file.stages, parser, sink]);
  } catch (err) {
    if (err instanceof DataFormatError && err.source === undefined) {
      err.source = path;
      err.message = `${basename(path)}: ${err.message}`;
    }
    throw err;
  }
  return row;
}
