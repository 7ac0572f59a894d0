// Country and AS of a server case's addresses (geo-from-data.ts, the in-process index of the
// packaged ranges) are what enrichGeo's range join gives a case holding the same addresses:
// thousands of spread IPv4 and IPv6 addresses, range edges, special space, in one comparison.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { FLOW_STORE_SETTING } from '../flowstore/flow-store-setting';
import { CaseStore } from '../store/case-store';
import { bigIntToIp, V4_MAPPED_BASE } from '../util/ip';
import { enrichGeo } from './geo-enrich';
import { cachedRanges } from './cached-ranges';
import { ensureGeoCache } from './geo-cache';
import { geoFromData } from './geo-from-data';
import { caseGeo } from './geo-lookup';

const tmp = makeTmpDir();
let store: CaseStore;
let ips: string[];

/** A deterministic spread of addresses, plus each side of some ranges' edges. */
async function addresses(): Promise<string[]> {
  const out = new Set<string>(['8.8.8.8', '1.1.1.1', '10.0.0.1', '255.255.255.255', '::1']);
  let x = 0x9e3779b9;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < 3000; i++) {
    const v4 = next();
    out.add(bigIntToIp(V4_MAPPED_BASE + BigInt(v4)));
    if (i % 3 === 0)
      // in 2000::/3, where most IPv6 ranges are
      out.add(
        bigIntToIp((0x2000n << 112n) | (BigInt(next() & 0x1fff) << 112n) | (BigInt(next()) << 80n)),
      );
  }
  // range edges from the data itself: a start, and the address before it
  const cache = await ensureGeoCache();
  const probe = await CaseStore.open(':memory:');
  try {
    for (const f of [cache.countryFile, cache.asnFile]) {
      const rows = await probe.all<{ lo: string; hi: string }>(
        `SELECT lo::VARCHAR AS lo, hi::VARCHAR AS hi FROM ${cachedRanges(f)} USING SAMPLE 300 ROWS (reservoir, 7)`,
      );
      for (const r of rows)
        for (const n of [BigInt(r.lo), BigInt(r.lo) - 1n, BigInt(r.hi), BigInt(r.hi) + 1n])
          out.add(bigIntToIp(n));
    }
  } finally {
    probe.close();
  }
  return [...out];
}

beforeAll(async () => {
  ips = await addresses();
  store = await CaseStore.open(tmp.file('geo.duckdb'));
  await insertFlows(
    store,
    ips.map((ip, i) => ({
      ts: '2024-01-01 00:00:00',
      src_ip: ip,
      dst_ip: ips[(i + 1) % ips.length],
    })),
  );
  await enrichGeo(store.conn);
}, 300_000);
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('country and AS for a case whose flows are on a server', () => {
  it("answers as the case's enrichment does, address by address", async () => {
    const want = await caseGeo(store.conn, ips);
    const got = await geoFromData(ips);
    expect(got).toEqual(want);
    expect(want.filter((g) => g.country).length).toBeGreaterThan(1000);
    expect(want.filter((g) => g.asn !== null && g.ip.includes(':')).length).toBeGreaterThan(10);
  });

  it('is what caseGeo gives once the case records a flow store', async () => {
    const other = await CaseStore.open(tmp.file('server-case.duckdb'));
    try {
      const some = ips.slice(0, 500);
      expect((await caseGeo(other.conn, some)).every((g) => g.country === null)).toBe(true);
      await other.setSetting(FLOW_STORE_SETTING, {
        url: 'clickhouse://u@h:8123/db',
        mapping: null,
      });
      expect(await caseGeo(other.conn, some)).toEqual(await caseGeo(store.conn, some));
    } finally {
      other.close();
    }
  });
});
