// The flows grid's pages carry the country, AS and names of their addresses (issue 17), looked up
// for the page only: on both page paths (id ranges; sorted ids fetched by rowid or id), with the
// names known at each flow's own start, and nothing added on a case without the tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { fixtureStore } from '../query/fixture.test-helper';
import { queryFlows } from '../query/flows';
import type { FlowsRequest } from '../../shared/query';
import { CaseStore } from '../store/case-store';
import { decoratePage } from './flow-page-context';

let store: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
  await store.run(`INSERT INTO geo_addrs VALUES
    ('8.8.8.8', 'US', 15169, 'GOOGLE'), ('8.8.4.4', 'US', 15169, 'GOOGLE'),
    ('203.0.113.9', NULL, 64500, 'EXAMPLE-AS')`);
  // flow 1 starts 2017-01-27 16:00:00.000, flow 5 (8.8.4.4) at 16:00:10
  await store.run(`INSERT INTO dns_names VALUES
    ('dns.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 15:59:59.999', '2017-01-27 15:59:59.999', 60, 1),
    ('same-ms.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 16:00:00.000400', '2017-01-27 16:00:00.000400', 60, 1),
    ('old.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 12:00:00', '2017-01-27 12:30:00', 60, 1),
    ('later.google', '8.8.8.8', 'A', NULL, 'pcap', 1, '2017-01-27 16:00:00.001', '2017-01-27 17:00:00', 60, 1),
    ('a.dns.google', '8.8.4.4', 'A', NULL, 'zeek-dns', 1, '2017-01-27 15:00:00', '2017-01-27 15:10:00', 86400, 2),
    ('b.dns.google', '8.8.4.4', 'A', NULL, 'pcap', 1, '2017-01-27 15:00:00', '2017-01-27 15:20:00', 60, 2),
    ('mail.example', '10.0.0.5', 'PTR', NULL, 'pcap', 1, '2017-01-27 15:00:00', '2017-01-27 15:00:00', 300, 1)`);
});
afterAll(() => store.close());

/** A DNS query from an internal host to 8.8.8.8 at `ts`. */
const dnsFlow = (ts: string) => ({
  ts,
  proto: 'udp',
  state: 'established',
  src_ip: '10.0.0.1',
  src_port: 5000,
  dst_ip: '8.8.8.8',
  dst_port: 53,
  src_bytes: 60,
  dst_bytes: 90,
});

const page = async (s: CaseStore, req: FlowsRequest) =>
  decoratePage(s, (await queryFlows(s, req)).rows);

describe('flows pages with address context', () => {
  it('adds country/AS and the names at the flow start to an id-ordered page', async () => {
    const rows = await page(store, { offset: 0, limit: 8 });
    expect(rows.find((r) => r.id === 1)).toMatchObject({
      dst_country: 'US',
      dst_asn: 15169,
      dst_as_org: 'GOOGLE',
      // answered just before the flow, or in its millisecond: named, newest first; the next
      // millisecond's answer is not yet; the 12:00 answer's TTL and grace hour ran out at 13:30
      dst_names: ['same-ms.google', 'dns.google'],
      src_country: null,
      src_asn: null,
      // 15:00 + an hour's grace reaches 16:00 exactly
      src_names: ['mail.example'],
    });
    // a day's TTL keeps a.dns.google, the grace hour keeps b.dns.google (answered later: first)
    expect(rows.find((r) => r.id === 5)).toMatchObject({
      dst_names: ['b.dns.google', 'a.dns.google'],
      dst_country: 'US',
    });
    expect(rows.find((r) => r.id === 6)).toMatchObject({
      src_country: null,
      src_asn: 64500,
      src_as_org: 'EXAMPLE-AS',
      src_names: [],
    });
    // private and IPv6 documentation addresses have nothing
    expect(rows.find((r) => r.id === 7)).toMatchObject({ src_country: null, dst_names: [] });
  });

  it('adds the same to a filtered, sorted page, and leaves the cached page as it was', async () => {
    const req: FlowsRequest = {
      filter: 'dst country US or src as 64500',
      sort: [{ column: 'bytes', dir: 'desc' }],
      offset: 0,
      limit: 10,
    };
    const rows = await page(store, req);
    expect(rows.map((r) => [r.id, r.dst_country, r.dst_names, r.src_asn])).toEqual([
      [6, null, [], 64500],
      [1, 'US', ['same-ms.google', 'dns.google'], null],
      [5, 'US', ['b.dns.google', 'a.dns.google'], null],
    ]);
    expect((await queryFlows(store, req)).rows[0]).not.toHaveProperty('src_asn');
  });

  it('reads an address again once an import changed the flows (addresses are kept per version)', async () => {
    const s = await fixtureStore();
    try {
      await s.run(`INSERT INTO geo_addrs VALUES ('8.8.8.8', 'US', 15169, 'GOOGLE')`);
      const before = await page(s, { offset: 0, limit: 8 });
      expect(before.find((r) => r.id === 1)?.dst_names).toEqual([]);
      // an import brings a flow and the name its capture saw for an address pages already had
      await s.run(`INSERT INTO dns_names VALUES
        ('new.google', '8.8.8.8', 'A', NULL, 'pcap', 2, '2017-01-27 15:59:00', '2017-01-27 15:59:00', 300, 1)`);
      await insertFlows(s, [dnsFlow('2017-01-27 17:00:00')]);
      const after = await page(s, { offset: 0, limit: 8 });
      expect(after.find((r) => r.id === 1)).toMatchObject({
        dst_country: 'US',
        dst_names: ['new.google'],
      });
    } finally {
      s.close();
    }
  });

  it('adds nothing on a case without the context tables', async () => {
    const bare = await CaseStore.open(':memory:', { threads: 1 });
    try {
      await insertFlows(bare, [dnsFlow('2017-01-27 16:00:00')]);
      for (const t of ['geo_addrs', 'dns_names', 'zeek_http']) await bare.run(`DROP TABLE ${t}`);
      const rows = await page(bare, { offset: 0, limit: 5 });
      expect(rows).toHaveLength(1);
      expect(rows[0]).not.toHaveProperty('dst_country');
    } finally {
      bare.close();
    }
  });
});
