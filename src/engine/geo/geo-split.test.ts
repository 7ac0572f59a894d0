// The case's join reads the cache in two parts (cached-ranges.ts): addresses below 2^64 on the
// bounds' lower halves, those from 2^64 up on the whole numbers. Small data packages of our own
// (NETSIFT_GEO_PACKAGES) put a range across 2^64, a single-address range inside a /64 inside a
// /16, and adjacent /64s that a DOUBLE cannot tell apart; the case's enrichment, the in-process
// index and the single lookup must all give the answers written here.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { bigIntToIp, parseIpv6 } from '../util/ip';
import { enrichGeo } from './geo-enrich';
import { geoFromData } from './geo-from-data';
import { caseGeo, lookupGeo } from './geo-lookup';

const P63 = 1n << 63n;
const P64 = 1n << 64n;
const v6 = (s: string) => parseIpv6(s)!;

/** [start, end, country, asn] of each IPv6 range (both lists alike); IPv4: 1.0.0.0/24. */
const V6: [bigint, bigint, string, number][] = [
  [P63, P64 + P63 - 1n, 'DE', 64500], // across 2^64
  [v6('2a00::'), v6('2a00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 'IT', 64503],
  [v6('2a00:1::'), v6('2a00:1::ffff:ffff:ffff:ffff'), 'FR', 64501],
  [v6('2a00:1:0:1::'), v6('2a00:1:0:1:ffff:ffff:ffff:ffff'), 'BE', 64502],
  [v6('2a00:1:0:1::5'), v6('2a00:1:0:1::5'), 'NL', 64504],
];

const WANT: [string, string | null, number | null][] = [
  [bigIntToIp(P63 - 1n), null, null],
  [bigIntToIp(P63), 'DE', 64500],
  [bigIntToIp(P64 - 1n), 'DE', 64500], // the low part's last address
  [bigIntToIp(P64), 'DE', 64500], // the high part's first, in a range starting below it
  [bigIntToIp(P64 + P63 - 1n), 'DE', 64500],
  [bigIntToIp(P64 + P63), null, null],
  ['2a00::1', 'IT', 64503],
  ['2a00:1::ffff:ffff:ffff:ffff', 'FR', 64501],
  ['2a00:1:0:1::', 'BE', 64502],
  ['2a00:1:0:1::4', 'BE', 64502],
  ['2a00:1:0:1::5', 'NL', 64504],
  ['2a00:1:0:1::6', 'BE', 64502],
  ['2a00:1:0:2::', 'IT', 64503],
  ['2a01::', null, null],
  ['1.0.0.0', 'AU', 13335],
  ['1.0.0.255', 'AU', 13335],
  ['1.0.1.0', null, null],
];

const tmp = makeTmpDir();
let store: CaseStore;

/** One fake package folder as geo-source.ts finds it. */
function writePackage(pkg: string, v4: string, v6file: string, v4Rows: string, v6Rows: string) {
  const dir = path.join(tmp.dir, 'packages', pkg);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '0.0.1' }));
  fs.writeFileSync(path.join(dir, v4), v4Rows);
  fs.writeFileSync(path.join(dir, v6file), v6Rows);
}

beforeAll(async () => {
  writePackage(
    '@ip-location-db/geo-whois-asn-country',
    'geo-whois-asn-country-ipv4-num.csv',
    'geo-whois-asn-country-ipv6-num.csv',
    '16777216,16777471,AU\n',
    V6.map(([a, b, c]) => `${a},${b},${c}\n`).join(''),
  );
  writePackage(
    '@ip-location-db/asn',
    'asn-ipv4-num.csv',
    'asn-ipv6-num.csv',
    '16777216,16777471,13335,"Cloudflare, Inc."\n',
    V6.map(([a, b, , n]) => `${a},${b},${n},AS${n} org\n`).join(''),
  );
  process.env.NETSIFT_GEO_PACKAGES = path.join(tmp.dir, 'packages');
  process.env.NETSIFT_GEO_CACHE = path.join(tmp.dir, 'cache');
  store = await CaseStore.open(tmp.file('split.duckdb'));
  await insertFlows(
    store,
    WANT.map(([ip]) => ({ ts: '2024-01-01 00:00:00', src_ip: '192.168.1.1', dst_ip: ip })),
  );
  await enrichGeo(store.conn);
});

afterAll(() => {
  store.close();
  tmp.cleanup();
});

const want = Object.fromEntries(WANT.map(([ip, country, asn]) => [ip, { country, asn }]));
const pick = (g: { ip: string; country: string | null; asn: number | null }) => [
  g.ip,
  { country: g.country, asn: g.asn },
];

describe('country and AS on both sides of 2^64 and in nested narrow IPv6 ranges', () => {
  it("in a case's enrichment", async () => {
    const got = await caseGeo(
      store.conn,
      WANT.map(([ip]) => ip),
    );
    expect(Object.fromEntries(got.map(pick))).toEqual(want);
  });

  it('from the in-process index and from a single lookup', async () => {
    const ips = WANT.map(([ip]) => ip);
    expect(Object.fromEntries((await geoFromData(ips)).map(pick))).toEqual(want);
    expect(Object.fromEntries((await lookupGeo(store.conn, ips)).map(pick))).toEqual(want);
  });
});
