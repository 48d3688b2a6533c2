import { describe, expect, it } from 'vitest';
import { recordFromForm, recordsFromJson, recordTemplate } from './flow-input';

const features = [
  { name: 'dst_port', kind: 'numeric' },
  { name: 'protocol', kind: 'categorical', categories: ['tcp', 'udp'] },
  { name: 'syn_count', kind: 'numeric' },
];

describe('flow input on the Check page', () => {
  it('accepts one flow, an array, or a request body, and says what is wrong otherwise', () => {
    expect(recordsFromJson('{"dst_port": 22}')).toEqual({ records: [{ dst_port: 22 }] });
    expect(recordsFromJson('[{"a":1},{"a":2}]')).toEqual({ records: [{ a: 1 }, { a: 2 }] });
    expect(recordsFromJson('{"schema":"nsl-kdd","records":[{"a":1}]}')).toEqual({
      records: [{ a: 1 }],
      schema: 'nsl-kdd',
    });
    expect(recordsFromJson('{"dst_port": 22')).toHaveProperty(
      'error',
      expect.stringMatching(/not valid JSON/),
    );
    expect(recordsFromJson('[1]')).toEqual({ error: 'Flow 1 is not an object of field → value' });
    expect(recordsFromJson('[]')).toHaveProperty('error');
    expect(recordsFromJson('  ')).toHaveProperty('error');
  });

  it('builds a record from the form: numbers, categories, missing values, the 5-tuple', () => {
    expect(
      recordFromForm(features, { dst_port: '22', protocol: 'tcp', src_ip: '10.0.0.5', dst_port_x: 'x' }),
    ).toEqual({
      record: { dst_port: 22, protocol: 'tcp', syn_count: null, src_ip: '10.0.0.5' },
    });
    expect(recordFromForm(features, { syn_count: 'lots', src_port: '70000' })).toEqual({
      errors: { syn_count: expect.any(String), src_port: expect.any(String) },
    });
  });

  it('offers a JSON template with every feature and the 5-tuple', () => {
    const t = JSON.parse(recordTemplate(features));
    expect(Object.keys(t)).toEqual(['dst_port', 'protocol', 'syn_count', 'src_ip', 'dst_ip', 'src_port']);
    expect(t.protocol).toBe('tcp');
  });
});
