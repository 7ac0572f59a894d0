// GeoIP/ASN from the packaged data on a real case: well-known public addresses get their AS and
// country, private and other special addresses get nothing, nested ranges resolve to the
// narrowest one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { cutOut, flattenRanges } from './flatten-ranges';
import { enrichGeo } from './geo-enrich';
import { caseGeo, geoStatus, lookupGeo } from './geo-lookup';
import { geoPredicate } from '../context/context-predicates';
import { topGeo } from '../context/top-geo';
import { geoSourceInfo, geoSourceLine, versionDate } from './geo-source';

describe('flattenRanges', () => {
  const r = (lo: number, hi: number, v: string) => ({ lo: BigInt(lo), hi: BigInt(hi), v });
  const show = (x: { lo: bigint; hi: bigint; v: string }[]) =>
    x.map((p) => `${p.lo}-${p.hi}:${p.v}`);

  it('lets the narrowest range win and keeps the wide one around it', () => {
    expect(show(flattenRanges([r(0, 100, 'DE'), r(10, 20, 'BE'), r(50, 50, 'TR')]))).toEqual([
      '0-9:DE',
      '10-20:BE',
      '21-49:DE',
      '50-50:TR',
      '51-100:DE',
    ]);
  });

  it('handles equal starts, gaps, adjacency and deep nesting', () => {
    expect(
      show(flattenRanges([r(5, 9, 'A'), r(0, 9, 'B'), r(20, 30, 'C'), r(31, 40, 'C')])),
    ).toEqual(['0-4:B', '5-9:A', '20-40:C']);
    expect(
      show(flattenRanges([r(0, 100, 'A'), r(10, 90, 'B'), r(20, 30, 'C'), r(95, 100, 'D')])),
    ).toEqual(['0-9:A', '10-19:B', '20-30:C', '31-90:B', '91-94:A', '95-100:D']);
  });

  it('cuts holes out of ranges', () => {
    expect(
      show(
        cutOut(
          [r(0, 100, 'A')],
          [
            { lo: 10n, hi: 19n },
            { lo: 90n, hi: 200n },
          ],
        ),
      ),
    ).toEqual(['0-9:A', '20-89:A']);
  });
});

describe('GeoIP/ASN enrichment', () => {
  const tmp = makeTmpDir();
  let store: CaseStore;

  beforeAll(async () => {
    store = await CaseStore.open(tmp.file('geo.duckdb'));
    const flows = [
      ['192.168.1.10', '8.8.8.8'],
      ['192.168.1.10', '1.1.1.1'],
      ['10.0.0.5', '147.32.84.165'],
      ['192.168.1.11', '2001:4860:4860::8888'],
      ['192.168.1.12', '192.168.1.1'],
      ['100.64.0.1', '224.0.0.251'],
    ].map(([src, dst]) => ({ ts: '2024-01-01 00:00:00', src_ip: src, dst_ip: dst }));
    await insertFlows(store, flows);
  });

  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('names well-known addresses and leaves special ones without country or AS', async () => {
    const r = await enrichGeo(store.conn);
    expect(r.versions.join(' ')).toMatch(/@ip-location-db\/asn@/);
    const geo = await caseGeo(store.conn, [
      '8.8.8.8',
      '1.1.1.1',
      '147.32.84.165',
      '2001:4860:4860::8888',
      '192.168.1.10',
      '10.0.0.5',
      '192.168.1.1',
      '100.64.0.1',
      '224.0.0.251',
    ]);
    const by = Object.fromEntries(geo.map((g) => [g.ip, g]));
    expect(by['8.8.8.8']).toMatchObject({ asn: 15169, country: 'US' });
    expect(by['8.8.8.8'].asOrg).toMatch(/Google/);
    expect(by['1.1.1.1'].asn).toBe(13335);
    expect(by['1.1.1.1'].asOrg).toMatch(/Cloudflare/);
    expect(by['147.32.84.165']).toMatchObject({ asn: 2852, country: 'CZ' });
    expect(by['2001:4860:4860::8888'].asn).toBe(15169);
    // the country list itself maps 192.168.0.0/16 to a country: the guard must still win
    for (const ip of ['192.168.1.10', '10.0.0.5', '192.168.1.1', '100.64.0.1', '224.0.0.251'])
      expect(by[ip]).toEqual({ ip, country: null, asn: null, asOrg: null });
    expect(r.addresses).toBe(11);
    expect(r.withAsn).toBe(4);
    const status = await geoStatus(store.conn);
    expect(status).toMatchObject({ addresses: 11, withAsn: 4, stale: false });
  });

  it('selects flows by AS and country, and ranks them, for the filter language and charts', async () => {
    const count = async (p: { sql: string; params: (string | number)[] }) =>
      (await store.one<{ n: number }>(`SELECT count(*) AS n FROM flows WHERE ${p.sql}`, p.params))!
        .n;
    expect(await count(geoPredicate('dst', 'asn', [15169]))).toBe(2); // 8.8.8.8 and its IPv6
    expect(await count(geoPredicate('src', 'asn', ['AS15169']))).toBe(0);
    expect(await count(geoPredicate('any', 'asn', [13335, 2852]))).toBe(2);
    expect(await count(geoPredicate('dst', 'country', ['cz']))).toBe(1);
    expect(() => geoPredicate('dst', 'country', ['Czechia'])).toThrow(
      /not a two-letter country code/,
    );
    expect(() => geoPredicate('dst', 'asn', ['google'])).toThrow(/not an AS number/);
    const top = await topGeo(store, { by: 'asn', side: 'dst' });
    expect(top[0]).toMatchObject({ key: '15169', flows: 2, hosts: 2 });
    expect(top[0].label).toMatch(/Google/);
    const byCountry = await topGeo(store, { by: 'country', filter: 'dst ip 147.32.84.165' });
    expect(byCountry).toEqual([{ key: 'CZ', label: null, flows: 1, bytes: 200, hosts: 1 }]);
  });

  it('looks up addresses that are not in the case from the same data', async () => {
    const [quad9, priv] = await lookupGeo(store.conn, ['9.9.9.9', '172.16.5.4']);
    expect(quad9.asn).toBe(19281);
    expect(priv).toMatchObject({ country: null, asn: null });
  });

  it('names source, version, date and licence', () => {
    const info = geoSourceInfo();
    expect(info.error).toBeNull();
    expect(info.datasets.map((d) => d.package).sort()).toEqual([
      '@ip-location-db/asn',
      '@ip-location-db/geo-whois-asn-country',
    ]);
    expect(info.datasets.find((d) => d.kind === 'asn')!.attribution).toMatch(/DB-IP/);
    expect(geoSourceLine(info)).toMatch(/CC BY 4\.0/);
    expect(versionDate('2.3.2026061719')).toBe('2026-06-17');
  });
});
