// The packaged CSVs turned once into two small Parquet files under NETSIFT_HOME/geo/<versions>/
// (country.parquet, asn.parquet: each range's start and end in netsift's one 128-bit address space,
// IPv4 mapped into ::ffff:0:0/96, as two exact 64-bit halves: see cached-ranges.ts). Built the
// first time a case is enriched after the packages change:
// ranges made disjoint (narrowest wins, see flatten-ranges.ts), special-purpose space cut out
// (private, loopback, multicast... never get a country or AS), then written by DuckDB. A case
// joins its distinct addresses against these files; nothing is fetched at run time.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { netsiftHome } from '../core/home';
import { NetsiftError } from '../core/errors';
import { literal } from '../store/sql';
import { SPECIAL_RANGES, V4_MAPPED_BASE, parseCidr } from '../util/ip';
import { appendBounds, BOUND_COLUMNS } from './cached-ranges';
import { cutOut, flattenRanges, type ValueRange } from './flatten-ranges';
import { locateDatasets, type LocatedDataset } from './geo-source';

/**
 * Bump when the cache layout or the way it is derived changes (rows are in start order): the
 * folder's name carries it, so a cache of another layout is rebuilt, never misread.
 * 2: bounds as exact 64-bit halves (1 held them as DOUBLE).
 */
const CACHE_FORMAT = 2;

export interface GeoCache {
  dir: string;
  countryFile: string;
  asnFile: string;
  /** package@version of each data set. */
  versions: string[];
  key: string;
  /** Ranges written (after flattening and cutting out special space). */
  countryRanges?: number;
  asnRanges?: number;
}

interface AsValue {
  asn: number;
  org: string;
}

/** IPv4-mapped space of the IPv6 lists: IPv4 comes from the IPv4 lists only. */
const V4_MAPPED_HOLE = { lo: V4_MAPPED_BASE, hi: V4_MAPPED_BASE + 0xffffffffn };

function specialHoles(): { lo: bigint; hi: bigint }[] {
  return SPECIAL_RANGES.map((s) => parseCidr(s.cidr)!);
}

/** Splits `lo,hi,rest` where rest may be one quoted CSV field ("Cloudflare, Inc."). */
function splitLine(line: string): [string, string, string[]] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  if (a <= 0 || b <= a) return null;
  const rest = line.slice(b + 1);
  const fields: string[] = [];
  let i = 0;
  while (i <= rest.length) {
    if (rest[i] === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        const q = rest.indexOf('"', j);
        if (q < 0) return null;
        s += rest.slice(j, q);
        if (rest[q + 1] === '"') {
          s += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      fields.push(s);
      i = j + 1; // past the comma
    } else {
      const c = rest.indexOf(',', i);
      const end = c < 0 ? rest.length : c;
      fields.push(rest.slice(i, end));
      i = end + 1;
    }
  }
  return [line.slice(0, a), line.slice(a + 1, b), fields];
}

function readRanges<V>(
  file: string,
  v4: boolean,
  value: (fields: string[]) => V | null,
): ValueRange<V>[] {
  const out: ValueRange<V>[] = [];
  const text = fs.readFileSync(file, 'utf8');
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line) continue;
    const parts = splitLine(line);
    const v = parts && value(parts[2]);
    if (!parts || v === null || !/^\d+$/.test(parts[0]) || !/^\d+$/.test(parts[1]))
      throw new NetsiftError(
        `${file}: line ${lineNo}: not "start,end,value" (${line.slice(0, 80)})`,
        'internal',
      );
    const base = v4 ? V4_MAPPED_BASE : 0n;
    out.push({ lo: base + BigInt(parts[0]), hi: base + BigInt(parts[1]), v });
  }
  return out;
}

/** Disjoint ranges of one data set, IPv4 and IPv6, with special-purpose space cut out. */
export function loadDataset<V>(
  d: Pick<LocatedDataset, 'v4File' | 'v6File'>,
  value: (fields: string[]) => V | null,
  same: (a: V, b: V) => boolean,
): ValueRange<V>[] {
  const holes = specialHoles();
  const v4 = flattenRanges(readRanges(d.v4File, true, value), same);
  const v6 = cutOut(flattenRanges(readRanges(d.v6File, false, value), same), [V4_MAPPED_HOLE]);
  return cutOut([...v4, ...v6], holes).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
}

const countryValue = (f: string[]): string | null => (/^[A-Z]{2}$/.test(f[0] ?? '') ? f[0] : null);
const asValue = (f: string[]): AsValue | null =>
  /^\d+$/.test(f[0] ?? '')
    ? { asn: Number(f[0]), org: (f[1] ?? '').replace(/[\t\r\n]/g, ' ') }
    : null;

function cacheKey(sets: LocatedDataset[]): string {
  return [...sets.map((d) => `${d.kind}-${d.version}`), `f${CACHE_FORMAT}`]
    .join('_')
    .replace(/[^\w.-]/g, '_');
}

/** The cache for the installed packages, if it was built already (no work). */
export function existingGeoCache(root = geoCacheRoot()): GeoCache | null {
  const sets = locateDatasets();
  const key = cacheKey(sets);
  const dir = path.join(root, key);
  const c = describe(dir, key, sets);
  return fs.existsSync(path.join(dir, 'done.json')) ? c : null;
}

function describe(dir: string, key: string, sets: LocatedDataset[]): GeoCache {
  return {
    dir,
    key,
    countryFile: path.join(dir, 'country.parquet'),
    asnFile: path.join(dir, 'asn.parquet'),
    versions: sets.map((d) => `${d.package}@${d.version}`),
  };
}

let building: Promise<GeoCache> | null = null;

/** The cache for the installed packages, built on first use (a few seconds, once per version). */
export function ensureGeoCache(root = geoCacheRoot()): Promise<GeoCache> {
  const done = existingGeoCache(root);
  if (done) return Promise.resolve(done);
  if (!building) building = buildCache(root).finally(() => (building = null));
  return building;
}

/** NETSIFT_HOME/geo; NETSIFT_GEO_CACHE moves it (tests share one build across their homes). */
export function geoCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETSIFT_GEO_CACHE
    ? path.resolve(env.NETSIFT_GEO_CACHE)
    : path.join(netsiftHome(env), 'geo');
}

async function buildCache(root: string): Promise<GeoCache> {
  const sets = locateDatasets();
  const key = cacheKey(sets);
  const final = path.join(root, key);
  const tmp = path.join(root, `.${key}.tmp-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp, { recursive: true });
  const target = describe(tmp, key, sets);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const counts: Record<string, number> = {};
    for (const d of sets) {
      // appended straight into a DuckDB table (no text round trip), then written as Parquet
      const out = d.kind === 'country' ? target.countryFile : target.asnFile;
      if (d.kind === 'country') {
        await conn.run(`CREATE TABLE r (${BOUND_COLUMNS}, country VARCHAR)`);
        const app = await conn.createAppender('r');
        const rows = loadDataset(d, countryValue, (a, b) => a === b);
        for (const x of rows) {
          appendBounds(app, x);
          app.appendVarchar(x.v);
          app.endRow();
        }
        app.closeSync();
        counts.country = rows.length;
      } else {
        await conn.run(`CREATE TABLE r (${BOUND_COLUMNS}, asn BIGINT, as_org VARCHAR)`);
        const app = await conn.createAppender('r');
        const rows = loadDataset(d, asValue, (a, b) => a.asn === b.asn && a.org === b.org);
        for (const x of rows) {
          appendBounds(app, x);
          app.appendBigInt(BigInt(x.v.asn));
          app.appendVarchar(x.v.org);
          app.endRow();
        }
        app.closeSync();
        counts.asn = rows.length;
      }
      await conn.run(`COPY r TO ${literal(out)} (FORMAT parquet)`);
      await conn.run('DROP TABLE r');
    }
    fs.writeFileSync(
      path.join(tmp, 'done.json'),
      JSON.stringify(
        { versions: target.versions, counts, built: new Date().toISOString() },
        null,
        2,
      ),
    );
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      // another process finished the same build first: use its files
      if (!fs.existsSync(path.join(final, 'done.json'))) throw e;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return { ...describe(final, key, sets), countryRanges: counts.country, asnRanges: counts.asn };
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
