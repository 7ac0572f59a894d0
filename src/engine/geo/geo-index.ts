// The packaged country/AS ranges held in this process, for looking up a few addresses at once
// (a page of a server case's flows, a host, a report's hosts): the two Parquet files of the geo
// cache (geo-cache.ts: disjoint ranges in netsift's 128-bit space, IPv4 mapped) read once into
// typed arrays (each bound exact, as two 64-bit halves: cached-ranges.ts), then each address is a
// binary search: the range with the greatest start at or below it, if its end reaches it. That is
// exactly what enrichGeo's ASOF join picks for a case's addresses. Measured on this machine (2
// cores shared, load 11-15): that join run for 300 new addresses took 5-6 s per call (it reads and
// orders both files each time); the index loads once in 3-6 s (load 10.6; ~1M ranges: 32 MB of
// 64-bit halves, the values interned; the DOUBLE bounds of cache format 1 took 2.5-4 s), then 300
// addresses take under 1 ms. A connected server case loads it in the background (store-flows.ts).
import { DuckDBInstance } from '@duckdb/node-api';
import { literal } from '../store/sql';
import type { GeoCache } from './geo-cache';

interface RangeTable {
  /**
   * Starts and ends exactly as the cache's Parquet files hold them: the upper and lower 64 bits
   * of each bound (the same numbers enrichGeo's join rejoins into UHUGEINT), in start order.
   */
  loHi: BigUint64Array;
  loLo: BigUint64Array;
  hiHi: BigUint64Array;
  hiLo: BigUint64Array;
  val: Uint32Array;
}

export interface GeoIndex {
  key: string;
  country: RangeTable;
  asn: RangeTable;
  /** Distinct values the tables point to. */
  countries: string[];
  asns: { asn: number; org: string | null }[];
}

const MASK64 = (1n << 64n) - 1n;

async function readTable(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  file: string,
  value: string,
  intern: (v: unknown[]) => number,
): Promise<RangeTable> {
  // disjoint ranges: ordered by start, no two share one
  const cols = (
    await conn.runAndReadAll(
      `SELECT lo_hi, lo_lo, hi_hi, hi_lo, ${value}
       FROM read_parquet(${literal(file)}) ORDER BY lo_hi, lo_lo`,
    )
  ).getColumnsJS();
  const n = cols[0].length;
  const t: RangeTable = {
    loHi: BigUint64Array.from(cols[0] as bigint[]),
    loLo: BigUint64Array.from(cols[1] as bigint[]),
    hiHi: BigUint64Array.from(cols[2] as bigint[]),
    hiLo: BigUint64Array.from(cols[3] as bigint[]),
    val: new Uint32Array(n),
  };
  for (let i = 0; i < n; i++) t.val[i] = intern(cols.slice(4).map((c) => c[i]));
  return t;
}

/** Reads the cache's two files into an index (a few seconds, once per data version). */
export async function loadGeoIndex(cache: GeoCache): Promise<GeoIndex> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  try {
    const countries: string[] = [];
    const cIdx = new Map<string, number>();
    const asns: GeoIndex['asns'] = [];
    const aIdx = new Map<string, number>();
    const country = await readTable(conn, cache.countryFile, 'country', ([c]) => {
      const k = String(c);
      let i = cIdx.get(k);
      if (i === undefined) cIdx.set(k, (i = countries.push(k) - 1));
      return i;
    });
    const asn = await readTable(conn, cache.asnFile, 'asn, as_org', ([a, o]) => {
      const k = `${String(a)}|${o === null ? '' : String(o)}`;
      let i = aIdx.get(k);
      if (i === undefined)
        aIdx.set(k, (i = asns.push({ asn: Number(a), org: o === null ? null : String(o) }) - 1));
      return i;
    });
    return { key: cache.key, country, asn, countries, asns };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Index of the value of the range holding `n` in `t`, or -1 (as the ASOF join picks it). */
export function findRange(t: RangeTable, n: bigint): number {
  const nh = n >> 64n;
  const nl = n & MASK64;
  let lo = 0;
  let hi = t.loHi.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const h = t.loHi[mid];
    if (h < nh || (h === nh && t.loLo[mid] <= nl)) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (at < 0) return -1;
  const eh = t.hiHi[at];
  return nh < eh || (nh === eh && nl <= t.hiLo[at]) ? t.val[at] : -1;
}
