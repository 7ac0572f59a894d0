// The address-context terms of the filter language (issue 17): `as`, `country` and `host name`,
// parsed with errors at the offending token, compiled to bound SQL and run on a real DuckDB case
// whose geo_addrs and dns_names hold known rows; refused by name on a ClickHouse store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLICKHOUSE } from '../../flowstore/dialect';
import { compileFilterCh } from '../../flowstore/clickhouse/flow-where';
import { flowsTableSql } from '../../flowstore/clickhouse/server-schema';
import { Binder } from '../../flowstore/clickhouse/sql-params';
import { tableModel } from '../../flowstore/clickhouse/table-model';
import type { CaseStore } from '../../store/case-store';
import { fixtureStore } from '../fixture.test-helper';
import { FilterError } from './filter-error';
import { checkFilter, filterToSql } from './index';
import { parseFilter } from './parser';

function err(text: string): FilterError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  throw new Error(`expected '${text}' to fail`);
}

describe('address-context filter terms: parsing', () => {
  it('parses as, country and host name, directed or not, single or listed', () => {
    expect(parseFilter('src as 15169')).toEqual({
      kind: 'geo',
      dir: 'src',
      field: 'asn',
      values: [15169],
    });
    expect(parseFilter('as in [AS15169, 8075]')).toEqual({
      kind: 'geo',
      dir: 'any',
      field: 'asn',
      values: [15169, 8075],
    });
    expect(parseFilter('dst country cn')).toEqual({
      kind: 'geo',
      dir: 'dst',
      field: 'country',
      values: ['CN'],
    });
    expect(parseFilter('country in [US DE]')).toMatchObject({ values: ['US', 'DE'] });
    expect(parseFilter('country != US')).toMatchObject({ kind: 'not', expr: { kind: 'geo' } });
    expect(parseFilter('host name WWW.Example.COM.')).toEqual({
      kind: 'host-name',
      dir: 'any',
      names: [{ name: 'www.example.com', suffix: false }],
    });
    expect(parseFilter('dst host name *.example.com')).toEqual({
      kind: 'host-name',
      dir: 'dst',
      names: [{ name: 'example.com', suffix: true }],
    });
    expect(parseFilter('host name in [a.example "*.b.example"]')).toMatchObject({
      names: [
        { name: 'a.example', suffix: false },
        { name: 'b.example', suffix: true },
      ],
    });
    // `host` followed by an address is still the address term
    expect(parseFilter('host 10.0.0.5')).toMatchObject({ kind: 'addr' });
  });

  const cases: [string, RegExp, string][] = [
    ['src as google', /expected an AS number \(15169 or AS15169\) at 'google'/, 'google'],
    ['as 99999999999', /expected an AS number/, '99999999999'],
    ['as', /expected an AS number .* at end of filter/, ''],
    ['dst country USA', /expected a two-letter country code \(CN, US, DE, ...\) at 'USA'/, 'USA'],
    ['country in [CN 12]', /expected a two-letter country code .* at '12'/, '12'],
    ['country uk', /'uk' is not an ISO 3166 country code: the United Kingdom is GB/, 'uk'],
    ['host name *', /expected a host name .* at '\*'/, '*'],
    ['host name www.*.com', /expected a host name/, 'www.*.com'],
    ['host name bad..name', /expected a host name/, 'bad..name'],
    ['host name', /expected a host name .* at end of filter/, ''],
    ['name example.com', /matched as 'host name example.com'/, 'name'],
    ['src cuntry CN', /after 'src' at 'cuntry' \(did you mean 'country'\?\)/, 'cuntry'],
    ['country > CN', /'country' takes = or != or 'in'/, '>'],
  ];
  it.each(cases)('%s', (text, message, token) => {
    const e = err(text);
    expect(e.message).toMatch(message);
    expect(e.token).toBe(token);
    if (token) expect(text.slice(e.offset, e.offset + e.length)).toBe(token);
    else expect(e.offset).toBe(text.length);
  });

  it('checkFilter returns the position of the bad value', () => {
    expect(checkFilter('proto tcp and dst country XYZ')).toEqual({
      ok: false,
      error: {
        message: "expected a two-letter country code (CN, US, DE, ...) at 'XYZ' (column 27)",
        offset: 26,
        length: 3,
        token: 'XYZ',
      },
    });
  });

  it('binds every value (nothing of the text reaches the SQL)', () => {
    const { sql, params } = filterToSql('host name www.example.com or dst country CN', 2, 'f');
    expect(sql).not.toMatch(/example|CN/);
    expect(sql).toContain('f.src_ip IN (SELECT addr FROM dns_names WHERE name = $3)');
    expect(sql).toContain('f.dst_ip IN (SELECT ip FROM geo_addrs WHERE country IN ($4))');
    expect(params).toEqual(['www.example.com', 'CN']);
    // a name with a quote is no host name: refused at the parser, never near SQL
    expect(checkFilter(`host name "x'--.example"`)).toMatchObject({ ok: false });
  });
});

// Fixture flows (fixture.test-helper.ts): 1 10.0.0.5->8.8.8.8, 5 10.0.0.5->8.8.4.4 (icmp),
// 6 203.0.113.9->10.0.0.9, 2/3 10.0.0.5->10.0.0.9, 8 10.0.0.9->10.0.0.5, 7 IPv6.
describe('address-context filter terms on DuckDB', () => {
  let store: CaseStore;
  beforeAll(async () => {
    store = await fixtureStore();
    await store.run(`INSERT INTO geo_addrs VALUES
      ('8.8.8.8', 'US', 15169, 'GOOGLE'), ('8.8.4.4', 'US', 15169, 'GOOGLE'),
      ('203.0.113.9', 'NL', 1136, 'KPN')`);
    await store.run(`INSERT INTO dns_names VALUES
      ('dns.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 15:00:00', '2017-01-27 15:00:00', 300, 1),
      ('www.example.com', '10.0.0.9', 'A', NULL, 'pcap', 1, '2017-01-27 15:00:00', '2017-01-27 15:00:00', 300, 1),
      ('mail.corp.example.com', '10.0.0.5', 'A', NULL, 'zeek-dns', 1, '2017-01-27 15:00:00', '2017-01-27 15:00:00', 300, 1),
      ('notexample.com', '203.0.113.9', 'A', NULL, 'pcap', 1, '2017-01-27 15:00:00', '2017-01-27 15:00:00', 300, 1)`);
  });
  afterAll(() => store.close());

  async function ids(filter: string): Promise<number[]> {
    const { sql, params } = filterToSql(filter);
    const rows = await store.all<{ id: number }>(
      `SELECT id FROM flows WHERE ${sql} ORDER BY id`,
      params,
    );
    return rows.map((r) => r.id);
  }

  const CASES: [string, number[]][] = [
    ['dst as 15169', [1, 5]],
    ['src as 15169', []],
    ['as AS1136', [6]],
    ['as in [15169 1136]', [1, 5, 6]],
    ['dst country US', [1, 5]],
    ['country nl', [6]],
    ['country in [US NL]', [1, 5, 6]],
    // unknown country (private, IPv6) is not "not US": it stays, as SQL's NOT IN over known rows
    ['not dst country US', [2, 3, 4, 6, 7, 8]],
    ['country != US and proto tcp', [2, 3, 6, 7]],
    ['host name dns.google', [1]],
    ['dst host name www.example.com', [2, 3, 6]],
    ['src host name www.example.com', [8]],
    // the suffix form: the name and every name under it, never a name that only ends alike
    ['host name *.example.com', [1, 2, 3, 5, 6, 8]],
    ['host name example.com', []],
    ['src host name *.corp.example.com', [1, 2, 3, 5]],
    ['host name in [dns.google notexample.com]', [1, 6]],
    ['dst country US and not host name dns.google', [5]],
  ];
  it.each(CASES)('%s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });
});

describe('address-context filter terms on a ClickHouse store', () => {
  it('are refused by name (the data is in the local case)', () => {
    const columns = [
      ...flowsTableSql(CLICKHOUSE, 'flows').matchAll(/^ {2}(\w+) (.+?)(?: DEFAULT .*)?,?$/gm),
    ]
      .filter((m) => m[1] !== 'INDEX')
      .map((m) => ({ name: m[1], type: m[2] }));
    const model = tableModel({ table: 'flows', dialect: CLICKHOUSE, columns });
    const ctx = { model, dialect: CLICKHOUSE, internal: [] };
    // an address term still compiles
    expect(compileFilterCh(parseFilter('dst ip 8.8.8.8'), ctx, new Binder())).toContain('dst_ip');
    for (const f of ['dst country CN', 'src as 15169', 'host name *.example.com'])
      expect(() => compileFilterCh(parseFilter(`proto tcp and ${f}`), ctx, new Binder())).toThrow(
        /'as', 'country' and 'host name' are not available on a ClickHouse store/,
      );
  });
});
