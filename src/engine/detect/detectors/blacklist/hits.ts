// The listed addresses among the flows' distinct addresses, as temp table bl_hits(ip) where the
// flows are: the SQL steps of sql.ts, then a check here of the addresses SQL leaves to
// TypeScript (IPv6).
import { coveringRanges } from '../../../intel/cover';
import type { MatchRange } from '../../../intel/match-set';
import { V4_MAPPED_BASE, ipToBigInt } from '../../../util/ip';
import type { FlowSql } from '../../kit';
import { BUCKET_SPANS_SQL, V4_REACH_SELECT, bucketsSelect, foundSelect } from './sql';

export const HIT_TABLES = ['bl_v4src', 'bl_v4', 'bl_bucket', 'bl_found', 'bl_keep', 'bl_hits'];

/** Builds bl_hits from the ranges of the match set. */
export async function findHits(sql: FlowSql, ranges: MatchRange[]): Promise<void> {
  await sql.loadTemp(
    'bl_v4src',
    [
      ['lo', 'bigint'],
      ['hi', 'bigint'],
    ],
    v4Parts(ranges),
  );
  await sql.createTemp('bl_v4', V4_REACH_SELECT);
  await sql.createTemp('bl_found', foundSelect(sql.d, sql.flows, await prefilterBuckets(sql)));
  await pruneOtherHits(sql, ranges);
}

/** The IPv4 part of every range, as 32-bit offsets (lo, hi). */
export function v4Parts(ranges: MatchRange[]): number[][] {
  const top = V4_MAPPED_BASE + 0xffffffffn;
  const out: number[][] = [];
  for (const r of ranges) {
    if (r.lo > top || r.hi < V4_MAPPED_BASE) continue;
    const lo = r.lo > V4_MAPPED_BASE ? r.lo : V4_MAPPED_BASE;
    const hi = r.hi < top ? r.hi : top;
    out.push([Number(lo - V4_MAPPED_BASE), Number(hi - V4_MAPPED_BASE)]);
  }
  return out;
}

/** Most buckets the prefilter may hold (a few MB of hash table); past it, none is used. */
const MAX_BUCKETS = 1 << 21;

/** Builds bl_bucket at the finest shift that stays under MAX_BUCKETS; null: no prefilter. */
async function prefilterBuckets(sql: FlowSql): Promise<8 | 16 | null> {
  const [spans] = await sql.rows<{ s8: number; s16: number }>(BUCKET_SPANS_SQL(sql.d));
  const shift = spans.s8 <= MAX_BUCKETS ? 8 : spans.s16 <= MAX_BUCKETS ? 16 : null;
  if (shift !== null) await sql.createTemp('bl_bucket', bucketsSelect(sql.d, shift));
  return shift;
}

/**
 * Checks the addresses SQL could not (not dotted quads: IPv6, IPv4-mapped IPv6) against all the
 * ranges here, and keeps in bl_hits only those some range covers. There are few in most cases.
 */
async function pruneOtherHits(sql: FlowSql, ranges: MatchRange[]): Promise<void> {
  const others = await sql.rows<{ ip: string }>('SELECT ip FROM bl_found WHERE other');
  const nums = new Map<string, bigint>();
  for (const { ip } of others) {
    const n = ipToBigInt(ip);
    if (n !== null) nums.set(ip, n);
  }
  const covered = coveringRanges(ranges, nums.values());
  const keep = [...nums].filter(([, n]) => covered.has(n)).map(([ip]) => [ip]);
  await sql.loadTemp('bl_keep', [['ip', 'text']], keep);
  await sql.createTemp(
    'bl_hits',
    'SELECT ip FROM bl_found WHERE NOT other OR ip IN (SELECT ip FROM bl_keep)',
  );
}
