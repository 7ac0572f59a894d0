import { describe, expect, it } from 'vitest';
import { parseMapping } from './mapping-file';

const ok = {
  table: 'akv',
  fields: { ts: 'TimeReceived', src_ip: 'SrcAddr', dst_ip: 'DstAddr', dst_bytes: null },
};

describe('mapping file', () => {
  it('reads table, fields (null = absent) and the unit of integer times', () => {
    expect(parseMapping(JSON.stringify({ ...ok, ts_unit: 'ms' }), 'm.json')).toEqual({
      file: 'm.json',
      table: 'akv',
      fields: ok.fields,
      tsUnit: 'ms',
    });
  });

  it('names the file and the field that is wrong', () => {
    const bad = (o: unknown) => () => parseMapping(JSON.stringify(o), 'm.json');
    expect(() => parseMapping('{', 'm.json')).toThrow(/^m\.json: not JSON/);
    expect(bad({ fields: ok.fields })).toThrow(/m\.json: "table" must be a plain table name/);
    expect(bad({ ...ok, fields: { ...ok.fields, bytes: 'Bytes' } })).toThrow(
      /fields\.bytes: not a netsift field/,
    );
    expect(bad({ ...ok, fields: { ...ok.fields, label: 'x; DROP' } })).toThrow(
      /fields\.label: a column name or null/,
    );
    expect(bad({ table: 'akv', fields: { ts: 'T', src_ip: 'S' } })).toThrow(
      /fields\.dst_ip is required/,
    );
    expect(bad({ ...ok, ts_unit: 'ns' })).toThrow(/ts_unit is s, ms or us/);
    expect(bad({ ...ok, sql: 'x' })).toThrow(/unknown key "sql"/);
  });
});
