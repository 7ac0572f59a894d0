// IPv6 addresses in narrow ranges get their own range's country and AS, not a neighbour's: the
// truth is read straight from the packaged text range files (start,end as IPv6 text; the
// narrowest range holding an address wins), independently of the cache and its numbering, and
// compared with what a case's enrichment (ASOF join), the in-process index (server cases) and
// the single-address lookup answer. Bounds kept as doubles (about 2^72 apart for IPv6) fail this
// for ranges narrower than a /56: 2001:218:2000:52::/64 (JP) read as its neighbour's AU.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { bigIntToIp, parseIpv6, specialKind } from '../util/ip';
import { enrichGeo } from './geo-enrich';
import { geoFromData } from './geo-from-data';
import { caseGeo, lookupGeo } from './geo-lookup';
import { locateDatasets } from './geo-source';

interface TextRange {
  lo: bigint;
  hi: bigint;
  v: string;
}

/** The package's IPv6 list in its text form (`2001:200::,2001:218:...:ffff,AU`), as written. */
function readTextV6(kind: 'country' | 'asn'): TextRange[] {
  const d = locateDatasets().find((x) => x.kind === kind)!;
  const file = path.join(d.dir, path.basename(d.v6File).replace(/-num\.csv$/, '.csv'));
  const out: TextRange[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [a, b, v] = line.split(',');
    out.push({ lo: parseIpv6(a)!, hi: parseIpv6(b)!, v });
  }
  return out;
}

/**
 * The value of the narrowest range holding each address (null: none; undefined: two equally
 * narrow ones disagree). One pass over the ranges, each finding the sorted addresses it holds.
 */
function truth(ranges: TextRange[], addrs: bigint[]): Map<bigint, string | null | undefined> {
  const sorted = [...new Set(addrs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const best = new Map<bigint, { w: bigint; v: string | undefined }>();
  for (const r of ranges) {
    let i = 0;
    let j = sorted.length;
    while (i < j) {
      const m = (i + j) >>> 1;
      if (sorted[m] < r.lo) i = m + 1;
      else j = m;
    }
    const w = r.hi - r.lo;
    for (; i < sorted.length && sorted[i] <= r.hi; i++) {
      const b = best.get(sorted[i]);
      if (!b || w < b.w) best.set(sorted[i], { w, v: r.v });
      else if (w === b.w && r.v !== b.v) b.v = undefined;
    }
  }
  return new Map(sorted.map((n) => [n, best.has(n) ? best.get(n)!.v : null]));
}

/** Each edge of every 40th range of at most a /64, and the address on the other side of it. */
function probes(ranges: TextRange[]): bigint[] {
  const narrow = ranges.filter((r) => r.hi - r.lo < 1n << 64n);
  const out: bigint[] = [];
  for (let i = 0; i < narrow.length && out.length < 240; i += 40) {
    const r = narrow[i];
    out.push(r.lo - 1n, r.lo, r.hi, r.hi + 1n);
  }
  return out;
}

const tmp = makeTmpDir();
let store: CaseStore;
const want = new Map<string, { country: string | null; asn: number | null }>();

beforeAll(async () => {
  const country = readTextV6('country');
  const asn = readTextV6('asn');
  const pool = [...probes(country), ...probes(asn)];
  // two real neighbours whose doubles collide (checked against the text files below too)
  pool.push(parseIpv6('2001:218:2000:52::1')!, parseIpv6('2001:218:2000:53::1')!);
  const byCountry = truth(country, pool);
  const byAsn = truth(asn, pool);
  for (const n of pool) {
    const ip = bigIntToIp(n);
    if (ip.includes('.') || specialKind(ip)) continue; // IPv6 only; special space has no answer
    const c = byCountry.get(n);
    const a = byAsn.get(n);
    if (c === undefined || a === undefined) continue;
    want.set(ip, { country: c, asn: a === null ? null : Number(a) });
  }
  store = await CaseStore.open(tmp.file('geo-exact.duckdb'));
  const ips = [...want.keys()];
  await insertFlows(
    store,
    ips.map((ip) => ({ ts: '2024-01-01 00:00:00', src_ip: '192.168.1.1', dst_ip: ip })),
  );
  await enrichGeo(store.conn);
}, 300_000);

afterAll(() => {
  store.close();
  tmp.cleanup();
});

const pick = (g: { ip: string; country: string | null; asn: number | null }) => [
  g.ip,
  { country: g.country, asn: g.asn },
];

describe('IPv6 country and AS at narrow range edges', () => {
  it('finds addresses whose answer differs from a neighbour range a few addresses away', () => {
    expect(want.size).toBeGreaterThan(300);
    expect(want.get('2001:218:2000:52::1')).toEqual({ country: 'JP', asn: expect.any(Number) });
    expect(want.get('2001:218:2000:53::1')?.country).toBe('AU');
  });

  it("gives each address its own range's country and AS in a case's enrichment", async () => {
    const got = await caseGeo(store.conn, [...want.keys()]);
    expect(Object.fromEntries(got.map(pick))).toEqual(Object.fromEntries(want));
  });

  it('gives the same exact answers from the in-process index (server cases)', async () => {
    const got = await geoFromData([...want.keys()]);
    expect(Object.fromEntries(got.map(pick))).toEqual(Object.fromEntries(want));
  });

  it('gives the same exact answers for an address looked up alone', async () => {
    const some = ['2001:218:2000:52::1', '2001:218:2000:53::1', ...[...want.keys()].slice(0, 20)];
    const got = await lookupGeo(store.conn, some);
    expect(Object.fromEntries(got.map(pick))).toEqual(
      Object.fromEntries(some.map((ip) => [ip, want.get(ip)])),
    );
  });
});
