// A Zeek folder (conn.log beside dns.log, http.log and ssl.log, written in Zeek's TSV format with
// Zeek 6 field lists) imported as a folder: flows from conn.log, the other logs as context; the
// host context lists HTTP hosts/URIs, TLS names and DNS queries, each selecting its flows.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { countFlows } from '../query/flows';
import { CaseStore } from '../store/case-store';
import type { ImportSummary } from '../../shared/model';
import { contextStatus } from './context-status';
import { addressesOf, hostContext, namesAt, namesOf } from './host-context';
import { hostNamePredicate } from './context-predicates';

const FOLDER = path.resolve(import.meta.dirname, '../../../tests/fixtures/zeek-context');

describe('Zeek context logs', () => {
  const tmp = makeTmpDir();
  let store: CaseStore;
  let sum: ImportSummary;

  beforeAll(async () => {
    store = await CaseStore.open(tmp.file('zeek.duckdb'));
    sum = await importPaths(store, [FOLDER], { keepGoing: true });
  });

  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('imports conn.log as flows and the other logs as context, each line counted', async () => {
    expect(sum.failed).toBe(0);
    expect(sum.files.map((f) => path.basename(f.path))).toEqual(['conn.log']);
    expect(sum.flows).toBe(7);
    const logs = Object.fromEntries(sum.context!.logs.map((l) => [path.basename(l.path), l]));
    expect(logs['dns.log']).toMatchObject({ kind: 'zeek-dns', rows: 4, rejected: 0 });
    expect(logs['http.log']).toMatchObject({ kind: 'zeek-http', rows: 2, rejected: 0 });
    expect(logs['ssl.log']).toMatchObject({ kind: 'zeek-ssl', rows: 1, rejected: 1 });
    // the bad line is named with its line number and field
    expect(logs['ssl.log'].rejectSamples).toEqual([
      { line: 10, reason: 'id.resp_h: "not-an-address" is not an IP address' },
    ]);
    const st = await contextStatus(store.conn);
    expect(st.zeek).toEqual({ dns: 4, http: 2, ssl: 1 });
    expect(st.contextImports.map((i) => i.kind).sort()).toEqual([
      'zeek-dns',
      'zeek-http',
      'zeek-ssl',
    ]);
    expect(st.geo).toMatchObject({ withCountry: 2, withAsn: 1 }); // 93.184.216.34 has no AS in the data; 198.51.100.7 is documentation space
  });

  it('refuses a context log that is already in the case', async () => {
    const again = await importPaths(store, [path.join(FOLDER, 'http.log')], { keepGoing: true });
    expect(again.context!.logs[0].error).toMatch(
      /http\.log: already imported \(context import \d+, same sha256\)/,
    );
    expect((await contextStatus(store.conn)).zeek.http).toBe(2);
  });

  it('turns dns.log answers into names, with CNAME and PTR', async () => {
    const names = await namesOf(store.conn, '93.184.216.34');
    expect(names.map((n) => [n.name, n.rtype, n.source]).sort()).toEqual([
      ['edge.example.net', 'PTR', 'zeek-dns'],
      ['www.example.com', 'A', 'zeek-dns'],
    ]);
    const g = await namesOf(store.conn, '142.250.74.68');
    expect(g).toEqual([
      expect.objectContaining({
        name: 'www.google.com',
        via: 'www3.l.google.com',
        ttl: 60,
        firstSeen: '2023-11-14T22:13:20.300Z',
        lastSeen: '2023-11-14T22:13:20.300Z',
      }),
    ]);
    expect((await addressesOf(store.conn, { name: 'google.com' })).length).toBe(0);
    expect(
      (await addressesOf(store.conn, { name: 'google.com', suffix: true })).map((n) => n.addr),
    ).toEqual(['142.250.74.68']);
    expect(
      (await addressesOf(store.conn, { name: 'WWW.Example.com.' })).map((n) => n.addr),
    ).toEqual(['93.184.216.34']);
    // at a time: not before the answer, still within TTL / grace after it, not a day later
    const at = await namesAt(store.conn, [
      { ip: '93.184.216.34', at: '2023-11-14T22:13:19Z' },
      { ip: '93.184.216.34', at: '2023-11-14T22:13:25Z' },
      { ip: '93.184.216.34', at: '2023-11-16T22:13:25Z' },
    ]);
    expect(at).toEqual({ '93.184.216.34|2023-11-14T22:13:25Z': ['www.example.com'] });
  });

  it('selects flows by host name, exact or by suffix', async () => {
    const count = async (p: { sql: string; params: (string | number)[] }) =>
      (await store.one<{ n: number }>(`SELECT count(*) AS n FROM flows WHERE ${p.sql}`, p.params))!
        .n;
    expect(await count(hostNamePredicate('dst', 'www.example.com', false))).toBe(2);
    expect(await count(hostNamePredicate('dst', 'example.com', false))).toBe(0);
    expect(await count(hostNamePredicate('any', 'google.com', true))).toBe(1);
    expect(await count(hostNamePredicate('src', 'www.example.com', false))).toBe(0);
  });

  it('gives the host context of a client, each item selecting its flows', async () => {
    const h = await hostContext(store.conn, '192.168.1.50');
    const http = h.items.filter((i) => i.kind === 'http');
    expect(http).toHaveLength(1);
    expect(http[0]).toMatchObject({
      value: 'www.example.com',
      role: 'client',
      peer: '93.184.216.34',
      port: 80,
      count: 2,
    });
    expect(http[0].examples.sort()).toEqual(['GET /index.html', 'GET /login?next=%2Fadmin']);
    expect(await countFlows(store, { selector: http[0].selector })).toBe(2);
    const tls = h.items.filter((i) => i.kind === 'tls');
    expect(tls.map((t) => [t.value, t.detail, t.peer])).toEqual([
      ['www.google.com', 'TLSv13', '142.250.74.68'],
    ]);
    expect(await countFlows(store, { selector: tls[0].selector })).toBe(1);
    const dns = h.items
      .filter((i) => i.kind === 'dns')
      .map((d) => d.value)
      .sort();
    expect(dns).toEqual([
      '34.216.184.93.in-addr.arpa',
      'nonexistent.example.org',
      'www.example.com',
      'www.google.com',
    ]);
    const g = h.items.find((i) => i.value === 'www.google.com' && i.kind === 'dns')!;
    expect(g.examples).toEqual(['142.250.74.68', 'www3.l.google.com']);
    expect(await countFlows(store, { selector: g.selector })).toBe(1);
    // the server side sees the same lines from the other end
    const srv = await hostContext(store.conn, '93.184.216.34');
    expect(srv.items.map((i) => [i.kind, i.role, i.peer])).toEqual([
      ['http', 'server', '192.168.1.50'],
    ]);
    expect(srv.geo?.country).toBe('US');
    expect(srv.names.map((n) => n.name).sort()).toEqual(['edge.example.net', 'www.example.com']);
  });
});
