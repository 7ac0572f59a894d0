// SQL that the probe detectors (scan, background) share: how replies are read (SCAN_MODE_SQL) and
// the targets of the sources that probe (targetCtes), over the per-run shared tables
// (shared-tables.ts).
import type { DetectDialect } from '../flowstore/dialect-detect';
import { pick } from './pick';
import { EPHEMERAL_FROM } from './shared-tables';

/** targets1's columns (targets0's but failed_bytes and refused, then failed and has_rev). */
const TARGET1_COLS = [
  'src_num',
  'dst_num',
  'dst_port',
  'proto',
  'first_ts',
  'last_ts',
  'n',
  'sp_lo',
  'sp_hi',
  'reply_flags',
];

/** The columns of targetCtes' `targets` (what scan and background read of each target). */
export const TARGET_COLS = [
  ...TARGET1_COLS,
  'failed',
  'has_rev',
  'internal',
  'src_internal',
  'src_cls',
  'reply',
];

/**
 * Whether replies are read from reverse flows (a unidirectional export). Unidirectional exports
 * (NetFlow v5, plain nfdump) carry no reply bytes: a reply is then a flow in the other direction,
 * and a target failed when none came back. Named parameter $replies.
 */
export const SCAN_MODE_SQL = (d: DetectDialect, flows: string): string => `
SELECT ${d.boolOut(`CASE $replies WHEN 'reverse' THEN true WHEN 'bytes' THEN false
       ELSE coalesce(avg((dst_bytes > 0 OR coalesce(dst_pkts, 0) > 0)::INTEGER), 0) < 0.01 END`)} AS uni
FROM ${flows}`;

/**
 * The CTEs scan and background share (a WITH list without the WITH, ending in a comma), for the
 * sources with at least `minFailed` (SQL: a number or a parameter) failed targets:
 * targets1 (tcp/udp targets with ports, `failed` read from bytes or, for a unidirectional export,
 * from the reverse flow), served (num, port: a host's ports that some flow got an answer from)
 * and targets (targets1 with the classes of both ends, non-host destinations dropped, and
 * `reply`: the target's records answered rather than asked, see REPLY below).
 */
export function targetCtes(d: DetectDialect, flows: string, uni: boolean, minFailed = '1'): string {
  const rev = uni
    ? `rev AS (
  SELECT DISTINCT dst_num AS src_num, src_num AS dst_num, src_port AS dst_port, proto FROM ${flows}
  WHERE src_port IS NOT NULL
),`
    : '';
  const targets1 = uni
    ? `SELECT ${pick('t', TARGET1_COLS)}, t.refused OR r.src_num IS NULL AS failed, r.src_num IS NOT NULL AS has_rev
  FROM targets0 t LEFT JOIN rev r
    ON r.src_num = t.src_num AND r.dst_num = t.dst_num AND r.dst_port = t.dst_port AND r.proto = t.proto`
    : `SELECT t.* ${d.exclude(['failed_bytes', 'refused'])}, t.failed_bytes AS failed, false AS has_rev FROM targets0 t`;
  return `${rev}
-- sources and destinations are numeric addresses (the shared tables of shared-tables.ts: det_target
-- has one row per (src, dst, port, proto) target, det_addr the classes, det_ipname the text
-- forms), turned into text only for the candidates' lists and the output
targets0 AS ${d.notMaterialized} (
  SELECT src_num, dst_num, dst_port, proto, first_ts, last_ts, failed AS failed_bytes, refused, n, sp_lo, sp_hi, reply_flags
  FROM det_target WHERE dst_port IS NOT NULL AND proto IN ('tcp', 'udp')
),
targets1 AS ${d.notMaterialized} (
  ${targets1}
),
-- ports each host is seen serving: some flow to it on that port was answered (a flow that is
-- itself an answer, a reset or SYN-ACK sent back, serves nothing)
served AS (SELECT DISTINCT dst_num AS num, dst_port AS port FROM targets1 WHERE NOT failed AND NOT reply_flags),
-- the sources that can matter: enough failed targets (the only ones any caller reports on), so
-- the joins below run for a few sources' targets, not the whole table
active AS (SELECT src_num FROM targets1 GROUP BY src_num HAVING ${d.countIf('failed')} >= ${minFailed}),
-- targets* and marked are views, not copies (DuckDB materialises a CTE read twice): the 1.6M
-- rows cost more to copy than to read again for the few candidate sources. Destinations that are
-- no one's service (multicast, broadcast, unspecified: ip_class 'non-host') are left out. REPLY:
-- a target is a reply when its records answered rather than asked: a SYN-ACK or a reset without
-- a request (replyFlagsSql), or one source port that is a service port (below ${EPHEMERAL_FROM}, or one the
-- source serves) towards an ephemeral port the destination does not serve. In a one-way export a
-- reply whose request is in the capture (the flow back, has_rev) is an ordinary answer: left out
targets AS ${d.notMaterialized} (
  SELECT t.*, d.internal AS internal, s.internal AS src_internal, s.cls AS src_cls,
         coalesce(t.reply_flags OR (t.sp_lo = t.sp_hi AND t.dst_port >= ${EPHEMERAL_FROM}
                           AND (t.sp_lo < ${EPHEMERAL_FROM} OR ss.num IS NOT NULL) AND ds.num IS NULL), false) AS reply
  FROM targets1 t
  JOIN det_addr d ON d.num = t.dst_num JOIN det_addr s ON s.num = t.src_num
  LEFT JOIN served ss ON ss.num = t.src_num AND ss.port = t.sp_lo
  LEFT JOIN served ds ON ds.num = t.dst_num AND ds.port = t.dst_port
  WHERE t.src_num IN (SELECT src_num FROM active) AND d.cls <> 'non-host'
    AND NOT (t.has_rev AND coalesce(t.reply_flags OR (t.sp_lo = t.sp_hi AND t.dst_port >= ${EPHEMERAL_FROM}
                                    AND (t.sp_lo < ${EPHEMERAL_FROM} OR ss.num IS NOT NULL) AND ds.num IS NULL), false))
),
`;
}
