// The listed addresses among the flows' distinct addresses, as temp table bl_hits(ip, other): the
// SQL steps of sql.ts, then a check here of the addresses SQL leaves to TypeScript (IPv6).
import type { DuckDBConnection } from '@duckdb/node-api';
import { coveringRanges } from '../../../intel/cover';
import type { MatchRange } from '../../../intel/match-set';
import { all, one, run } from '../../kit';
import { ipToBigInt } from '../../../util/ip';
import { BUCKET_SPANS_SQL, V4_REACH_SQL, bucketsSql, hitsSql } from './sql';

export const HIT_TABLES = ['bl_v4', 'bl_bucket', 'bl_hits', 'bl_keep'];

/** Builds bl_hits from the case's intel_ranges (ranges: the same set, for the IPv6 check). */
export async function findHits(conn: DuckDBConnection, ranges: MatchRange[]): Promise<void> {
  await run(conn, V4_REACH_SQL);
  await run(conn, hitsSql(await prefilterBuckets(conn)));
  await pruneOtherHits(conn, ranges);
}

/** Most buckets the prefilter may hold (a few MB of hash table); past it, none is used. */
const MAX_BUCKETS = 1 << 21;

/** Builds bl_bucket at the finest shift that stays under MAX_BUCKETS; null: no prefilter. */
async function prefilterBuckets(conn: DuckDBConnection): Promise<8 | 16 | null> {
  const spans = (await one<{ s8: number; s16: number }>(conn, BUCKET_SPANS_SQL))!;
  const shift = spans.s8 <= MAX_BUCKETS ? 8 : spans.s16 <= MAX_BUCKETS ? 16 : null;
  if (shift !== null) await run(conn, bucketsSql(shift));
  return shift;
}

/**
 * Checks the addresses SQL could not (not dotted quads: IPv6, IPv4-mapped IPv6) against all the
 * ranges here, and drops those no range covers from bl_hits. There are few in most cases.
 */
async function pruneOtherHits(conn: DuckDBConnection, ranges: MatchRange[]): Promise<void> {
  const others = await all<{ ip: string }>(conn, 'SELECT ip FROM bl_hits WHERE other');
  if (others.length === 0) return;
  const nums = new Map<string, bigint>();
  for (const { ip } of others) {
    const n = ipToBigInt(ip);
    if (n !== null) nums.set(ip, n);
  }
  const covered = coveringRanges(ranges, nums.values());
  await run(conn, 'CREATE OR REPLACE TEMP TABLE bl_keep (ip VARCHAR NOT NULL)');
  const app = await conn.createAppender('bl_keep', 'main', 'temp');
  for (const [ip, n] of nums)
    if (covered.has(n)) {
      app.appendVarchar(ip);
      app.endRow();
    }
  app.closeSync();
  await run(conn, 'DELETE FROM bl_hits WHERE other AND ip NOT IN (SELECT ip FROM bl_keep)');
}
