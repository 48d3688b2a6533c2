import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { detectFlowSchema, type FlowSchemaId } from '@vigil/detect';
import { describe, expect, it } from 'vitest';
import { type LoadedFlowDataset, loadFlowDataset } from '../src/datasets/index.js';

// The real data sets live next to the repository (../shared/datasets, see each SOURCE.md), never in it.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const datasetsDir = process.env.VIGIL_DATASETS_DIR ?? resolve(repoRoot, '../shared/datasets');
const present = existsSync(datasetsDir);
if (!present) {
  console.warn(
    `dataset-real: skipped, no data sets at ${datasetsDir} (set VIGIL_DATASETS_DIR to point elsewhere)`,
  );
}

interface Expected {
  readonly file: string;
  readonly schema: FlowSchemaId;
  readonly rows: number;
  /** Class counts from SOURCE.md, binary target. */
  readonly binary: Readonly<Record<string, number>>;
  /** Class counts from SOURCE.md grouped by the schema's category mapping (absent classes are 0). */
  readonly category: Readonly<Record<string, number>>;
  readonly features: number;
}

const cases: Expected[] = [
  {
    file: 'nsl-kdd/KDDTrain+.csv.gz',
    schema: 'nsl-kdd',
    rows: 125_973,
    binary: { benign: 67_343, attack: 58_630 },
    category: { normal: 67_343, dos: 45_927, probe: 11_656, r2l: 995, u2r: 52 },
    features: 41,
  },
  {
    file: 'nsl-kdd/KDDTest+.csv.gz',
    schema: 'nsl-kdd',
    rows: 22_544,
    binary: { benign: 9_711, attack: 12_833 },
    category: { normal: 9_711, dos: 7_458, probe: 2_421, r2l: 2_754, u2r: 200 },
    features: 41,
  },
  {
    file: 'unsw-nb15/UNSW_NB15_testing-set.csv.gz',
    schema: 'unsw-nb15',
    rows: 82_332,
    binary: { benign: 37_000, attack: 45_332 },
    category: {
      Normal: 37_000,
      Generic: 18_871,
      Exploits: 11_132,
      Fuzzers: 6_062,
      DoS: 4_089,
      Reconnaissance: 3_496,
      Analysis: 677,
      Backdoor: 583,
      Shellcode: 378,
      Worms: 44,
    },
    features: 42,
  },
  {
    file: 'cicids2017-improved-sample/CICIDS2017_improved_sample_rnd5000.csv.gz',
    schema: 'cicids2017-improved',
    rows: 43_419,
    binary: { benign: 5_000, attack: 38_419 },
    category: {
      benign: 5_000,
      dos: 5_000 + 5_000 + 3_859 + 1_740,
      ddos: 5_000,
      portscan: 5_000 + 5_000,
      'brute-force': 3_972 + 2_961,
      'web-attack': 73 + 18 + 13,
      botnet: 736,
      infiltration: 36,
      heartbleed: 11,
      attempted: 0,
    },
    features: 83,
  },
  {
    file: 'cicids2017-mlcsv-partial/CICIDS2017_sample_partial.csv.gz',
    schema: 'cicids2017',
    rows: 6_311,
    binary: { benign: 227, attack: 6_084 },
    category: {
      benign: 227,
      dos: 952,
      ddos: 0,
      portscan: 397,
      'brute-force': 553,
      'web-attack': 2_180,
      botnet: 1_966,
      infiltration: 36,
      heartbleed: 0,
      attempted: 0,
    },
    features: 77,
  },
];

async function firstLine(path: string): Promise<string> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

// Full binary loads are shared between tests: KDDTrain+ alone takes over a second to read.
const binaryLoads = new Map<string, Promise<LoadedFlowDataset>>();
function loadBinary(file: string): Promise<LoadedFlowDataset> {
  let load = binaryLoads.get(file);
  if (!load) {
    load = loadFlowDataset(resolve(datasetsDir, file), { schema: 'auto', target: 'binary' });
    binaryLoads.set(file, load);
  }
  return load;
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((s, v) => s + v, 0);

describe.skipIf(!present)('real data sets (../shared/datasets)', () => {
  it.each(cases.map((c) => [c.file, c] as const))(
    'detects the schema of %s from its header',
    async (_f, c) => {
      const header = (await firstLine(resolve(datasetsDir, c.file))).split(',');
      const { schema, confidence } = detectFlowSchema(header);
      expect(schema.id).toBe(c.schema);
      expect(confidence).toBe(1);
    },
  );

  it.each(cases.map((c) => [c.file, c] as const))('loads %s with the documented counts', async (_f, c) => {
    const path = resolve(datasetsDir, c.file);
    const bin = await loadBinary(c.file);
    console.info(`${c.file}: ${bin.dataset.nRows} rows in ${bin.elapsedMs.toFixed(0)} ms`);
    expect(bin.schema.id).toBe(c.schema);
    expect(bin.dataset.nRows).toBe(c.rows);
    expect(bin.stats.classCounts).toEqual(c.binary);
    expect(sum(bin.stats.classCounts)).toBe(c.rows);
    expect(bin.dataset.features).toHaveLength(c.features);

    const cat = await loadFlowDataset(path, { schema: c.schema, target: 'category' });
    expect(cat.stats.classCounts).toEqual(c.category);
    expect(sum(cat.stats.classCounts)).toBe(c.rows);
    expect(cat.stats.skipped).toBe(0);
  });

  it('drops identifiers and label-derived columns from the real CICIDS improved file', async () => {
    const path = resolve(datasetsDir, cases[3].file);
    const r = await loadFlowDataset(path, { schema: 'auto', target: 'binary', limit: 100 });
    const names = r.dataset.features.map((f) => f.name);
    for (const id of [
      'id',
      'Flow ID',
      'Src IP',
      'Src Port',
      'Dst IP',
      'Timestamp',
      'Attempted Category',
      'Label',
    ]) {
      expect(names).not.toContain(id);
    }
    expect(names).toContain('Dst Port');
    expect(r.dataset.nRows).toBe(100);
    expect(r.truncated).toBe(true);
    expect(r.warnings.filter((w) => w.code === 'ignored-columns')).toEqual([]);
  });

  it('reads the infinite rates of the MachineLearningCSV sample as missing and says so', async () => {
    const r = await loadBinary(cases[4].file);
    expect(r.stats.infiniteByColumn).toEqual({ 'Flow Bytes/s': 11, 'Flow Packets/s': 12 });
    expect(r.stats.missingCells).toBe(1);
    expect(r.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['infinite-values', 'absent-optional-column']),
    );
  });

  it('keeps categorical vocabularies of NSL-KDD and reuses them on the test set', async () => {
    const train = await loadBinary(cases[0].file);
    const service = train.dataset.features.find((f) => f.name === 'service');
    expect(service?.categories).toHaveLength(70);
    const test = await loadFlowDataset(resolve(datasetsDir, cases[1].file), {
      schema: 'nsl-kdd',
      target: 'binary',
      categories: train.dataset.features,
      classNames: train.dataset.classNames,
    });
    expect(test.dataset.features).toEqual(train.dataset.features);
  });
});
