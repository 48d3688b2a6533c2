import { describe, expect, it } from 'vitest';
import { SchemaDetectionError } from '../errors/data-format.error.js';
import { cicids2017Family } from './cicids2017-labels.js';
import type { FlowSchema } from './flow-schema.js';
import { detectFlowSchema, flowSchemas, getFlowSchema, rankFlowSchemas } from './flow-schema.registry.js';
import { matchHeader } from './header-match.js';

/** A header as a schema's own files have it: every feature, the dropped columns and the labels. */
function headerOf(schema: FlowSchema): string[] {
  const labels = new Set([schema.labels.binary.column, schema.labels.category.column]);
  return [...schema.dropped.map((c) => c.name), ...schema.features.map((f) => f.name), ...labels];
}

describe('flow schema registry', () => {
  it('has the five schemas, each with distinct ids and a non-empty signature', () => {
    expect(flowSchemas.map((s) => s.id)).toEqual([
      'nsl-kdd',
      'unsw-nb15',
      'cicids2017',
      'cicids2017-improved',
      'zeek-conn',
    ]);
    for (const s of flowSchemas) {
      // Zeek's conn.log is narrow (13 required columns); the data-set layouts have 30 and more.
      expect(s.signature.length).toBeGreaterThan(s.id === 'zeek-conn' ? 10 : 30);
      expect(getFlowSchema(s.id)).toBe(s);
    }
    expect(() => getFlowSchema('zeek')).toThrow(/unknown flow schema "zeek".*nsl-kdd/);
  });

  it.each(flowSchemas.map((s) => [s.id, s] as const))('detects %s from its own header', (_id, schema) => {
    const { schema: found, confidence } = detectFlowSchema(headerOf(schema));
    expect(found.id).toBe(schema.id);
    expect(confidence).toBe(1);
  });

  it('matches headers whatever the padding and case, and lowers confidence for unknown columns', () => {
    const header = headerOf(getFlowSchema('cicids2017')).map((c) => ` ${c.toUpperCase()}  `);
    header.push('My Extra Column');
    const { schema, confidence } = detectFlowSchema(header);
    expect(schema.id).toBe('cicids2017');
    expect(confidence).toBeCloseTo((header.length - 1) / header.length, 10);
  });

  it('reads the original layout: leading spaces, repeated "Fwd Header Length", no Destination Port', () => {
    const schema = getFlowSchema('cicids2017');
    const stats = schema.features.filter((f) => f.name !== 'Destination Port').map((f) => ` ${f.name}`);
    const at = stats.indexOf(' Fwd Avg Bytes/Bulk');
    stats.splice(at, 0, ' Fwd Header Length');
    const header = [...stats, ' Label'];
    expect(detectFlowSchema(header).schema.id).toBe('cicids2017');
    const m = matchHeader(schema, header);
    expect(m.duplicates).toEqual([]);
    expect(m.positions.get('Fwd Header Length.1')).toBe(at);
    expect(m.positions.has('Destination Port')).toBe(false);
  });

  it('fails on a foreign header with the candidates and what each misses', () => {
    const nsl = headerOf(getFlowSchema('nsl-kdd')).filter((c) => c !== 'service' && c !== 'flag');
    let error: unknown;
    try {
      detectFlowSchema(nsl);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchemaDetectionError);
    const err = error as SchemaDetectionError;
    expect(err.code).toBe('unknown-schema');
    expect(err.candidates[0]).toMatchObject({
      schemaId: 'nsl-kdd',
      matched: 39,
      required: 41,
      missing: ['service', 'flag'],
    });
    expect(err.candidates.map((c) => c.schemaId).sort()).toEqual(flowSchemas.map((s) => s.id).sort());
    expect(err.message).toMatch(/nsl-kdd \(39\/41 required columns; missing "service", "flag"\)/);
    expect(() => detectFlowSchema([])).toThrow(SchemaDetectionError);
  });

  it('ranks complete schemas first', () => {
    const ranks = rankFlowSchemas(headerOf(getFlowSchema('unsw-nb15')));
    expect(ranks[0].schema.id).toBe('unsw-nb15');
    expect(ranks[0].complete).toBe(true);
    expect(ranks.slice(1).every((r) => !r.complete)).toBe(true);
  });

  it('never makes identifiers, leaky columns or labels into features', () => {
    const notFeatures: Record<string, string[]> = {
      'nsl-kdd': ['difficulty', 'label'],
      'unsw-nb15': ['id', 'attack_cat', 'label'],
      cicids2017: [
        'Flow ID',
        'Source IP',
        'Destination IP',
        'Source Port',
        'Timestamp',
        'Fwd Header Length.1',
        'Label',
      ],
      'cicids2017-improved': [
        'id',
        'Flow ID',
        'Src IP',
        'Src Port',
        'Dst IP',
        'Timestamp',
        'Attempted Category',
        'Label',
      ],
      'zeek-conn': ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'tunnel_parents', 'label'],
    };
    for (const s of flowSchemas) {
      const names = s.features.map((f) => f.name.toLowerCase());
      for (const col of notFeatures[s.id]) expect(names, `${s.id}: ${col}`).not.toContain(col.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    }
    expect(getFlowSchema('cicids2017').features[0].name).toBe('Destination Port');
    expect(getFlowSchema('cicids2017-improved').features[0].name).toBe('Dst Port');
  });

  it('declares categorical features where the data has strings', () => {
    const categorical = (id: string) =>
      getFlowSchema(id)
        .features.filter((f) => f.kind === 'categorical')
        .map((f) => f.name);
    expect(categorical('nsl-kdd')).toEqual(['protocol_type', 'service', 'flag']);
    expect(categorical('unsw-nb15')).toEqual(['proto', 'service', 'state']);
    expect(categorical('cicids2017')).toEqual([]);
  });
});

describe('label mappings', () => {
  const classify = (id: string, target: 'binary' | 'category', raw: string) =>
    getFlowSchema(id).labels[target].classify(raw);

  it('maps NSL-KDD names, including the test-only attacks, to binary and category', () => {
    const cases: [string, string, string][] = [
      ['normal', 'benign', 'normal'],
      ['neptune', 'attack', 'dos'],
      ['apache2', 'attack', 'dos'],
      ['mailbomb', 'attack', 'dos'],
      ['processtable', 'attack', 'dos'],
      ['udpstorm', 'attack', 'dos'],
      ['mscan', 'attack', 'probe'],
      ['saint', 'attack', 'probe'],
      ['snmpgetattack', 'attack', 'r2l'],
      ['snmpguess', 'attack', 'r2l'],
      ['named', 'attack', 'r2l'],
      ['sendmail', 'attack', 'r2l'],
      ['xlock', 'attack', 'r2l'],
      ['xsnoop', 'attack', 'r2l'],
      ['worm', 'attack', 'r2l'],
      ['httptunnel', 'attack', 'u2r'],
      ['ps', 'attack', 'u2r'],
      ['sqlattack', 'attack', 'u2r'],
      ['xterm', 'attack', 'u2r'],
      [' Smurf. ', 'attack', 'dos'],
    ];
    for (const [raw, binary, category] of cases) {
      expect(classify('nsl-kdd', 'binary', raw), raw).toBe(binary);
      expect(classify('nsl-kdd', 'category', raw), raw).toBe(category);
    }
    expect(classify('nsl-kdd', 'binary', 'teardropp')).toBeUndefined();
    // 22 training attacks + 17 test-only attacks + normal.
    expect(getFlowSchema('nsl-kdd').labels.category.expected).toHaveLength(40);
  });

  it('maps UNSW-NB15 label 0/1 and normalised attack_cat', () => {
    expect(classify('unsw-nb15', 'binary', '0')).toBe('benign');
    expect(classify('unsw-nb15', 'binary', '1')).toBe('attack');
    expect(classify('unsw-nb15', 'binary', 'Normal')).toBeUndefined();
    expect(classify('unsw-nb15', 'category', ' Fuzzers ')).toBe('Fuzzers');
    expect(classify('unsw-nb15', 'category', 'Backdoors')).toBe('Backdoor');
    expect(classify('unsw-nb15', 'category', 'Backdoor')).toBe('Backdoor');
    expect(classify('unsw-nb15', 'category', 'reconnaissance')).toBe('Reconnaissance');
    expect(classify('unsw-nb15', 'category', 'Ransomware')).toBeUndefined();
  });

  it('maps both CICIDS layouts to the same families', () => {
    const cases: [string, string][] = [
      ['BENIGN', 'benign'],
      ['Benign', 'benign'],
      ['DoS slowloris', 'dos'],
      ['DoS Slowloris', 'dos'],
      ['DoS Hulk', 'dos'],
      ['DDoS', 'ddos'],
      ['PortScan', 'portscan'],
      ['Portscan', 'portscan'],
      ['Infiltration - Portscan', 'portscan'],
      ['FTP-Patator', 'brute-force'],
      ['BruteForce', 'brute-force'],
      ['Web Attack \uFFFD Brute Force', 'web-attack'],
      ['Web Attack \u2013 XSS', 'web-attack'],
      ['Web Attack - SQL Injection', 'web-attack'],
      ['WebAttack', 'web-attack'],
      ['Bot', 'botnet'],
      ['Botnet', 'botnet'],
      ['Infiltration', 'infiltration'],
      ['Heartbleed', 'heartbleed'],
      ['DoS Hulk - Attempted', 'attempted'],
      ['Web Attack - Brute Force - Attempted', 'attempted'],
    ];
    for (const [raw, family] of cases) {
      expect(cicids2017Family(raw), raw).toBe(family);
      for (const id of ['cicids2017', 'cicids2017-improved']) {
        expect(classify(id, 'category', raw), raw).toBe(family);
        expect(classify(id, 'binary', raw), raw).toBe(family === 'benign' ? 'benign' : 'attack');
      }
    }
    expect(cicids2017Family('Ransomware')).toBeUndefined();
    expect(cicids2017Family('Ransomware - Attempted')).toBeUndefined();
  });
});
