// The packaged country/AS ranges held in this process, for looking up a few addresses at once
// (a page of a server case's flows, a host, a report's hosts): the two Parquet files of the geo
// cache (geo-cache.ts: disjoint ranges in netsift's 128-bit space, IPv4 mapped) read once into
// typed arrays, then each address is a binary search: the range with the greatest start at or
// below it, if its end reaches it. That is exactly what enrichGeo's ASOF join picks for a case's
// addresses. Measured on this machine (2 cores shared, load 11-15): that join run for 300 new
// addresses took 5-6 s per call (it reads and orders both files each time); the index loads once
// in about 7 s (~1M ranges: 16 MB of doubles, the values interned), then 300 addresses take about
// 1 ms. A connected server case loads it in the background (store-flows.ts).
import { DuckDBInstance } from '@duckdb/node-api';
import { literal } from '../store/sql';
import type { GeoCache } from './geo-cache';

interface RangeTable {
  /**
   * Starts and ends as the cache's Parquet files hold them: DOUBLE (Parquet has no 128-bit
   * integer, so DuckDB wrote the UHUGEINT columns as doubles: exact for IPv4, rounded to about
   * 2^72 for IPv6). enrichGeo's join compares in the same doubles, so the index does too.
   */
  lo: Float64Array;
  hi: Float64Array;
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

/** An address as DuckDB casts a UHUGEINT to DOUBLE: lower + upper * 2^64, each rounded. */
export function addrToDouble(n: bigint): number {
  return Number(n & MASK64) + Number(n >> 64n) * 2 ** 64;
}

async function readTable(
  conn: Awaited<ReturnType<DuckDBInstance['connect']>>,
  file: string,
  value: string,
  intern: (v: unknown[]) => number,
): Promise<RangeTable> {
  // the file's own row order (start order) breaks ties between equal rounded starts
  const cols = (
    await conn.runAndReadAll(
      `SELECT lo::DOUBLE AS lo, hi::DOUBLE AS hi, ${value}
       FROM read_parquet(${literal(file)}, file_row_number = true) ORDER BY lo, file_row_number`,
    )
  ).getColumnsJS();
  const n = cols[0].length;
  const t: RangeTable = {
    lo: Float64Array.from(cols[0] as number[]),
    hi: Float64Array.from(cols[1] as number[]),
    val: new Uint32Array(n),
  };
  for (let i = 0; i < n; i++) t.val[i] = intern(cols.slice(2).map((c) => c[i]));
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
  const x = addrToDouble(n);
  let lo = 0;
  let hi = t.lo.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t.lo[mid] <= x) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return at >= 0 && x <= t.hi[at] ? t.val[at] : -1;
}
