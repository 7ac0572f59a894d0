// The site suggestion: which networks look like the analyst's own, read from the flows. A capture
// is taken where the site meets the rest of the world, so the site's hosts sit on one side of
// nearly every flow. The suggestion picks /24 (IPv4) or /64 (IPv6) networks greedily: each step
// takes the network found on either side of the most flows not yet covered, until 99% of the
// flows are covered, the next network would add under 2% of them, or 16 networks are picked.
// Only networks holding at least one address that started a flow to another network qualify:
// a popular external server (a resolver every host asks) is only ever answered, never the caller.
// Multicast, broadcast and unspecified addresses are nobody's network (see isNonHost).
import type { SitePrefix, SiteSuggestion } from '../../shared/site';
import type { DuckDBConnection } from '@duckdb/node-api';
import { all, one, run } from '../store/sql';
import { V4_MAPPED_BASE, bigIntToIp } from '../util/ip';

const V6_TAG = 1n << 64n;
const MAX_NETWORKS = 16;
const STOP_COVERAGE = 0.99;
const MIN_GAIN = 0.02;

/** SQL: the prefix key of a numeric address (IPv4 /24 below 2^41, IPv6 /64 tagged above 2^64). */
function prefixKey(col: string): string {
  return `CASE WHEN ip_nonhost(${col}) THEN NULL
    WHEN ${col} BETWEEN ${V4_MAPPED_BASE}::UHUGEINT AND ${V4_MAPPED_BASE + 0xffffffffn}::UHUGEINT THEN ${col} >> 8
    ELSE (${col} >> 64) + ${V6_TAG}::UHUGEINT END`;
}

/** A prefix key back to its network text. */
export function prefixText(key: bigint): string {
  return key >= V6_TAG ? `${bigIntToIp((key - V6_TAG) << 64n)}/64` : `${bigIntToIp(key << 8n)}/24`;
}

/**
 * `source`: 'flows', or 'det_target' when the detection run's per-target table (one row per
 * (src, dst, port, proto) with its flow count n, ../detect/shared-tables.ts) is on this connection: the
 * same counts from a fraction of the rows.
 */
export async function suggestSite(
  conn: DuckDBConnection,
  source: 'flows' | 'det_target' = 'flows',
): Promise<SiteSuggestion | null> {
  const from = source === 'flows' ? '(SELECT src_num, dst_num, 1 AS n FROM flows)' : 'det_target';
  await run(
    conn,
    `CREATE OR REPLACE TEMP TABLE site_pairs AS
       SELECT ${prefixKey('src_num')} AS sp, ${prefixKey('dst_num')} AS dp, sum(n)::BIGINT AS n, false AS covered FROM ${from} GROUP BY ALL`,
  );
  await run(conn, 'CREATE OR REPLACE TEMP TABLE site_chosen (p UHUGEINT, k INTEGER)');
  // networks with an address that started a flow to another network (the only candidates)
  await run(
    conn,
    'CREATE OR REPLACE TEMP TABLE site_callers AS SELECT DISTINCT sp AS p FROM site_pairs WHERE sp IS NOT NULL AND sp IS DISTINCT FROM dp',
  );
  try {
    const total =
      (await one<{ n: number }>(conn, 'SELECT coalesce(sum(n), 0)::BIGINT AS n FROM site_pairs'))
        ?.n ?? 0;
    if (total === 0) return null;
    let covered = 0;
    for (let k = 0; k < MAX_NETWORKS && covered < STOP_COVERAGE * total; k++) {
      const best = await one<{ p: string; gain: number }>(
        conn,
        `SELECT p::VARCHAR AS p, sum(n)::BIGINT AS gain FROM (
           SELECT sp AS p, n FROM site_pairs WHERE NOT covered AND sp IS NOT NULL
           UNION ALL SELECT dp, n FROM site_pairs WHERE NOT covered AND dp IS NOT NULL AND dp IS DISTINCT FROM sp
         ) SEMI JOIN site_callers USING (p)
         GROUP BY p ORDER BY gain DESC, p LIMIT 1`,
      );
      if (!best || best.gain < MIN_GAIN * total) break;
      await run(conn, 'INSERT INTO site_chosen VALUES ($1::UHUGEINT, $2)', [best.p, k]);
      await run(
        conn,
        'UPDATE site_pairs SET covered = true WHERE sp = $1::UHUGEINT OR dp = $1::UHUGEINT',
        [best.p],
      );
      covered += best.gain;
    }
    const chosen = await all<{ p: string; k: number; flows: number; src: number; dst: number }>(
      conn,
      `SELECT c.p::VARCHAR AS p, c.k,
              (SELECT sum(n) FROM site_pairs WHERE sp = c.p OR dp = c.p)::BIGINT AS flows,
              (SELECT coalesce(sum(n), 0) FROM site_pairs WHERE sp = c.p)::BIGINT AS src,
              (SELECT coalesce(sum(n), 0) FROM site_pairs WHERE dp = c.p)::BIGINT AS dst
       FROM site_chosen c ORDER BY c.k`,
    );
    if (chosen.length === 0) return null;
    // the busiest addresses of each chosen network (one more pass, over its flows only)
    const hosts = await all<{ p: string; num: string; n: number }>(
      conn,
      `WITH a AS (
         SELECT num, sum(n)::BIGINT AS n FROM (
           SELECT src_num AS num, sum(n) AS n FROM ${from} GROUP BY src_num
           UNION ALL SELECT dst_num, sum(n) FROM ${from} GROUP BY dst_num
         ) GROUP BY num
       ),
       k AS (SELECT ${prefixKey('num')} AS p, num, n FROM a)
       SELECT k.p::VARCHAR AS p, k.num::VARCHAR AS num, k.n FROM k JOIN site_chosen c ON c.p = k.p
       ORDER BY k.p, k.n DESC, k.num`,
    );
    const prefixes: SitePrefix[] = chosen.map((c) => {
      const mine = hosts.filter((h) => h.p === c.p);
      return {
        network: prefixText(BigInt(c.p)),
        hosts: mine.length,
        flows: c.flows,
        share: c.flows / total,
        asSource: c.src,
        asDestination: c.dst,
        top: mine.slice(0, 5).map((h) => bigIntToIp(BigInt(h.num))),
      };
    });
    return {
      networks: prefixes.map((p) => p.network),
      prefixes,
      coverage: covered / total,
      flows: total,
      computedAt: new Date().toISOString(),
    };
  } finally {
    await run(
      conn,
      'DROP TABLE IF EXISTS site_pairs; DROP TABLE IF EXISTS site_chosen; DROP TABLE IF EXISTS site_callers',
    );
  }
}
