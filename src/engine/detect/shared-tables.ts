// Per-run aggregates that several detectors read, built once as temp tables of the run's flow
// session (ctx.sql: the job's DuckDB connection, or a ClickHouse session) instead of each detector scanning and hashing the 10M flows again:
//   det_ipname  every distinct (numeric address, text form) seen as src or dst; detectors group
//               on numbers (they hash faster than text) and look the text forms up here for the
//               few addresses they report, instead of scanning the flows again for them
//   det_addr    every distinct address with its class (ip_class: internal, external, non-host;
//               the one rule, see src/engine/util/ip.ts addressClass), so range macros run once
//               per address, not once per flow (columns num, cls, internal, external)
//   det_target  per (src, dst, dst port, proto) over the whole capture: flows, bytes both ways,
//               first/last seen, whether every flow failed / was refused, the source ports used
//               and whether every flow was an answer without a request (REPLY_FLAGS); scan,
//               background, exfil, ip-activity and beacon's candidate pairs read it (1.6M rows
//               at 10M flows)
//   det_wsd     per (window, src, dst) flow count, distinct ports, bytes both ways and failed
//               flows (4.8M rows at 10M flows): iqr's pairs as they are; hbos sums them per
//               host-window and counts its distinct ports from det_wsd's single ports and det_wsdm
// The runner passes one cache per run (DetectContext.shared); without it (a detector run on its
// own, as in tests) each call rebuilds the table, so results never depend on the cache.
import type { DetectDialect } from '../flowstore/dialect-detect';
import type { DetectContext } from './types';
import { windowMicros } from './windows';

/** A flow that got nowhere: SYN without answer, refused, or nothing came back. */
export const FAILED = `(state IN ('connecting', 'reset') OR (dst_bytes = 0 AND coalesce(dst_pkts, 0) = 0))`;
/** A flow the destination refused or never answered the handshake of. */
export const REFUSED = `(state IN ('reset', 'connecting'))`;

/**
 * A TCP record whose source answered rather than asked, read from the TCP flags the exporter
 * kept: Argus and the pcap reader write them per direction as "SRC_DST" (e.g. "SA_" or "SA_R"):
 * the source sent a SYN-ACK while the destination sent no SYN, or only a reset; nfdump writes
 * the flags of a one-way flow as "CEUAPRSF" with dots (e.g. "...A..S." or "...A.R.."): a SYN-ACK
 * with no data and no FIN, or a reset without a SYN. Such records are responses to someone else's
 * request or backscatter of a spoofed flood (the victim answering forged sources), never a probe
 * or a flood by their source.
 */
export function replyFlagsSql(d: DetectDialect): string {
  const part = (i: number) => d.splitPart('state_raw', "'_'", i);
  const has = (s: string, c: string) => d.contains(s, `'${c}'`);
  const at = (i: number) => d.charAt('state_raw', i);
  return `(state_raw IS NOT NULL AND CASE
  WHEN ${has('state_raw', '_')} THEN NOT ${has(part(2), 'S')}
    AND ((${has(part(1), 'S')} AND ${has(part(1), 'A')})
      OR (${has(part(1), 'R')} AND NOT ${has(part(1), 'S')}))
  WHEN length(state_raw) = 8 AND ${d.regexFull('state_raw', "'[C.][E.][U.][A.][P.][R.][S.][F.]'")} THEN
    (${at(4)} = 'A' AND ${at(7)} = 'S' AND ${at(5)} = '.' AND ${at(8)} = '.')
    OR (${at(6)} = 'R' AND ${at(7)} = '.')
  ELSE false END)`;
}

/**
 * A flow that got nowhere, for `uni` (unidirectional) exports: those carry no reply bytes, so only
 * the state the exporter read from the flags says a SYN went unanswered or was refused.
 */
export function failedSql(uni: boolean): string {
  return uni ? REFUSED : FAILED;
}

/**
 * Whether the case's flows are one-way records (NetFlow v5, plain nfdump: under 1% of the flows
 * carry reply bytes or packets), decided once per run. A reply is then a flow of its own in the
 * other direction.
 */
export async function unidirectional(ctx: DetectContext<object>): Promise<boolean> {
  const key = 'uni';
  if (ctx.shared?.has(key)) {
    await ctx.shared.get(key);
    return uniCache.get(ctx.shared) ?? false;
  }
  const { d, flows } = ctx.sql;
  const compute = (async () => {
    const [r] = await ctx.sql.rows<{ uni: boolean }>(
      `SELECT ${d.boolOut('coalesce(avg((dst_bytes > 0 OR coalesce(dst_pkts, 0) > 0)::INTEGER), 0) < 0.01')} AS uni FROM ${flows}`,
    );
    const uni = r?.uni === true;
    if (ctx.shared) uniCache.set(ctx.shared, uni);
    return uni;
  })();
  if (!ctx.shared) return compute;
  ctx.shared.set(
    key,
    compute.then(() => undefined),
  );
  return compute;
}
const uniCache = new WeakMap<object, boolean>();

/**
 * A port below this is a service port; from it to an ephemeral port (this or above) is the shape
 * of an answer. Ports a host is seen serving count as its service ports too (see probe-targets.ts).
 */
export const EPHEMERAL_FROM = 1024;

async function ensure(
  ctx: DetectContext<object>,
  key: string,
  build: () => Promise<void>,
): Promise<void> {
  if (!ctx.shared) return build();
  let p = ctx.shared.get(key);
  if (!p) {
    p = build();
    ctx.shared.set(key, p);
  }
  return p;
}

/** Temp table det_ipname(num, ip): the text forms of every address in the flows. */
export async function addressNames(ctx: DetectContext<object>): Promise<string> {
  const f = ctx.sql.flows;
  await ensure(ctx, 'det_ipname', () =>
    ctx.sql.createTemp(
      'det_ipname',
      `SELECT DISTINCT src_num AS num, src_ip AS ip FROM ${f}
       UNION SELECT DISTINCT dst_num, dst_ip FROM ${f}`,
    ),
  );
  return 'det_ipname';
}

/**
 * SQL for a CTE body `(num, ips)`: each address's text forms, sorted, for the numbers `nums`
 * (a subquery yielding one column) selects. Needs det_ipname (addressNames).
 */
export function namesOf(d: DetectDialect, nums: string): string {
  return `SELECT num, ${d.listAgg('ip', { orderBy: [{ expr: 'ip' }] })} AS ips FROM det_ipname WHERE num IN (${nums}) GROUP BY num`;
}

/**
 * Temp table det_addr(num, cls, internal, external): the class of every address in the flows
 * (ip_class), with the two booleans detectors filter on most.
 */
export async function addressClasses(ctx: DetectContext<object>): Promise<string> {
  await addressNames(ctx);
  const d = ctx.sql.d;
  await ensure(ctx, 'det_addr', () =>
    ctx.sql.createTemp(
      'det_addr',
      `SELECT num, cls, cls = 'internal' AS internal, cls = 'external' AS external
       FROM (SELECT num, ${d.ipClass('num')} AS cls FROM (SELECT DISTINCT num FROM det_ipname))`,
    ),
  );
  return 'det_addr';
}

/**
 * Temp table det_target(src_num, dst_num, dst_port, proto, n, up, down, first_ts, last_ts,
 * failed, refused, sp_lo, sp_hi, reply_flags): every flow of the capture in one row per target;
 * failed / refused / reply_flags say that every one of its flows did (FAILED / REFUSED /
 * replyFlagsSql); sp_lo and sp_hi are its lowest and highest source port (equal: one source
 * port). dst_port NULL (icmp and the like) is a target too.
 */
export async function targets(ctx: DetectContext<object>): Promise<string> {
  const { d, flows } = ctx.sql;
  await ensure(ctx, 'det_target', () =>
    ctx.sql.createTemp(
      'det_target',
      `SELECT src_num, dst_num, dst_port, proto, count(*) AS n, sum(src_bytes)::BIGINT AS up, sum(dst_bytes)::BIGINT AS down,
              min(ts) AS first_ts, max(ts) AS last_ts, ${d.boolAnd(FAILED)} AS failed, ${d.boolAnd(REFUSED)} AS refused,
              min(src_port) AS sp_lo, max(src_port) AS sp_hi, ${d.boolAnd(replyFlagsSql(d))} AS reply_flags
       FROM ${flows} GROUP BY src_num, dst_num, dst_port, proto`,
    ),
  );
  return 'det_target';
}

/**
 * Temp tables det_wsd(w, src_num, dst_num, n, ports, up, down, failed, port_lo): per pair-window
 * (w = epoch_us(ts) // window microseconds, as the detectors' own windows) its flows, distinct
 * destination ports, bytes both ways, failed flows and lowest port (its only one when ports = 1);
 * det_wsdm(w, src_num, dst_num, dst_port): the ports of the pair-windows with more than one.
 * Nearly every pair-window uses one port (4.78M pair-windows, 4.83M port rows at 10M flows), so
 * min = max settles its count, and only the few others go back to their flows for a distinct
 * count: far cheaper than hashing a (window, src, dst, port) table once more.
 */
export async function windowPairs(ctx: DetectContext<object>): Promise<string> {
  const us = windowMicros(ctx.windowSeconds);
  const { d, flows } = ctx.sql;
  const w = (ts: string) => d.intDiv(d.epochUs(ts), '$us::BIGINT');
  await ensure(ctx, `det_wsd:${us}`, async () => {
    // DuckDB fills the multi-port pair-windows' counts in place (UPDATE ... FROM); ClickHouse
    // tables take no such update, so there the counts are joined into a second table
    const duck = d.name === 'duckdb';
    await ctx.sql.createTemp(
      duck ? 'det_wsd' : 'det_wsd0',
      `SELECT ${w('ts')} AS w, src_num, dst_num, count(*) AS n,
              CASE WHEN min(dst_port) IS NULL THEN 0 WHEN min(dst_port) = max(dst_port) THEN 1 END AS ports,
              sum(src_bytes)::BIGINT AS up, sum(dst_bytes)::BIGINT AS down, ${d.countIf(FAILED)} AS failed,
              min(dst_port) AS port_lo
       FROM ${flows} GROUP BY ALL`,
      { us },
    );
    await ctx.sql.createTemp(
      'det_wsdm',
      `WITH multi AS (SELECT w, src_num, dst_num FROM ${duck ? 'det_wsd' : 'det_wsd0'} WHERE ports IS NULL)
       SELECT DISTINCT ${w('f.ts')} AS w, f.src_num, f.dst_num, f.dst_port
       FROM ${flows} f SEMI JOIN multi m
         ON m.src_num = f.src_num AND m.dst_num = f.dst_num AND m.w = ${w('f.ts')}
       WHERE f.dst_port IS NOT NULL`,
      { us },
    );
    if (duck)
      await ctx.sql.run(
        `UPDATE det_wsd SET ports = m.ports
         FROM (SELECT w, src_num, dst_num, count(*) AS ports FROM det_wsdm GROUP BY ALL) m
         WHERE det_wsd.ports IS NULL AND det_wsd.w = m.w AND det_wsd.src_num = m.src_num AND det_wsd.dst_num = m.dst_num`,
      );
    else {
      await ctx.sql.createTemp(
        'det_wsd',
        `SELECT a.w AS w, a.src_num AS src_num, a.dst_num AS dst_num, a.n AS n, coalesce(a.ports, m.ports) AS ports,
                a.up AS up, a.down AS down, a.failed AS failed, a.port_lo AS port_lo
         FROM det_wsd0 a LEFT JOIN (SELECT w, src_num, dst_num, count(*) AS ports FROM det_wsdm GROUP BY ALL) m
           ON a.w = m.w AND a.src_num = m.src_num AND a.dst_num = m.dst_num`,
      );
      await ctx.sql.dropTemp('det_wsd0');
    }
  });
  return 'det_wsd';
}
