// HBOS as SQL (grouped on numeric addresses; text forms fetched for reported hosts only): per
// (source host, window) counts on a log scale, one fixed-bin histogram per
// feature over the whole capture, and each host-window's outlier score = sum over features of
// -log(share of host-windows in its bin or above), counted only above the feature's modal bin.
// Upper-tail rather than bin density: a quiet window is not suspicious, and a sparsely filled
// middle bin (5 ports in 10 s) must not look rarer than the extreme one (500 ports).
import { namesOf, pick, type DetectDialect } from '../../kit';

/** Feature names; each is a count per host-window, histogrammed on log1p. */
export const HBOS_FEATURES = [
  'conns',
  'dst_hosts',
  'dst_ports',
  'bytes_up',
  'bytes_down',
  'failed',
] as const;
export type HbosFeature = (typeof HBOS_FEATURES)[number];

/** A host-window's columns (ew), and the scored rows' (ew's, each feature's bin and rarity, score). */
const EW_COLS = ['src_num', 'w', ...HBOS_FEATURES];
const SCORED_COLS = [
  ...EW_COLS,
  ...HBOS_FEATURES.map((f) => `b_${f}`),
  ...HBOS_FEATURES.map((f) => `r_${f}`),
  'score',
];

const bin = (f: string) =>
  `CASE WHEN m.${f} > 0 THEN least(floor(ln(1 + ew.${f}) / m.${f} * $bins::BIGINT), $bins::DOUBLE - 1) ELSE 0 END::INT AS b_${f}`;
const hist = (f: string) =>
  `SELECT '${f}' AS f, b_${f} AS b, count(*) AS c FROM binned GROUP BY b_${f}`;
const join = (f: string) =>
  `LEFT JOIN (SELECT b, r FROM rar WHERE f = '${f}') r_${f} ON r_${f}.b = x.b_${f}`;
const list = (fn: (f: string) => string, sep = ',\n         ') => HBOS_FEATURES.map(fn).join(sep);

/**
 * `tailShare`: the share reported (e.g. 0.001), a number from the parameters. Named parameters:
 * $bins per histogram, $minScore in units of
 * ln(host-windows) (one feature at its most extreme possible rarity scores 1), $maxPerHost
 * windows reported per host, $recurWindows and $recurSpread: a host with at least $recurWindows
 * windows near the bar spread over at least a $recurSpread share of the capture is skipped.
 * Rows: the reported host-windows with raw counts, per-feature rarities (r_*) and the capture's
 * score distribution (median, tail threshold, max, count). One statement; on ClickHouse it runs
 * in stages (ew, binned, scored as temp tables, see detect/staged.ts): inlined, its planner gives
 * up.
 */
export const HBOS_SQL = (d: DetectDialect, tailShare: number): string => `
WITH hw AS (
  -- from the shared per pair-window table det_wsd (../../shared-tables.ts), built for the run's
  -- window: a host-window's destinations are its rows
  SELECT src_num, w, sum(n)::BIGINT AS conns, count(*) AS dst_hosts,
         sum(up) AS bytes_up, sum(down) AS bytes_down, sum(failed)::BIGINT AS failed
  FROM det_wsd GROUP BY ALL
),
-- its ports: the single port of most pairs, the listed ports (det_wsdm) of the others
hp AS (
  SELECT src_num, w, count(DISTINCT p) AS dst_ports FROM (
    SELECT w, src_num, port_lo AS p FROM det_wsd WHERE ports = 1
    UNION ALL SELECT w, src_num, dst_port FROM det_wsdm
  ) GROUP BY ALL
),
ew AS (
  SELECT ${pick('hw', ['src_num', 'w', 'conns', 'dst_hosts'])}, coalesce(hp.dst_ports, 0) AS dst_ports,
         ${pick('hw', ['bytes_up', 'bytes_down', 'failed'])}
  FROM hw LEFT JOIN hp USING (src_num, w)
),
mx AS (
  SELECT ${list((f) => `max(ln(1 + ${f})) AS ${f}`)}
  FROM ew
),
binned AS (
  SELECT ${pick('ew', EW_COLS)},
         ${list(bin)}
  FROM ew, mx m
),
-- per feature and bin: how many host-windows sit in it and in the bins above it; bins at or
-- below the modal bin are the usual case and score nothing
hist AS (
  ${list(hist, '\n  UNION ALL ')}
),
rar AS (
  SELECT f, b,
         -- the modal bin (the lowest of equally full ones)
         CASE WHEN b > ${d.argMax('b', 'c * 1000000 - b')} OVER (PARTITION BY f)
              THEN ln(sum(c) OVER (PARTITION BY f) / sum(c) OVER (PARTITION BY f ORDER BY b DESC))
              ELSE 0 END AS r
  FROM hist
),
scored AS (
  SELECT x.*,
         ${list((f) => `coalesce(r_${f}.r, 0) AS r_${f}`)},
         ${list((f) => `coalesce(r_${f}.r, 0)`, ' + ')} AS score
  FROM binned x
  ${list(join, '\n  ')}
),
dist AS (
  SELECT ${d.median('score')} AS p50, ${d.quantileCont('score', 1 - tailShare)} AS tail, max(score) AS mx, count(*) AS n
  FROM scored
),
bar AS (SELECT greatest(tail, $minScore::DOUBLE * ln(n)) AS t FROM dist),
-- a host whose near-threshold windows recur across most of the capture (a monitoring sweep
-- every minute) is behaving as it always does: that is its normal, not an outlier
recur AS (
  SELECT src_num, count(*) AS hits, max(w) - min(w) + 1 AS spread
  FROM scored, bar WHERE score >= 0.8 * bar.t
  GROUP BY src_num
),
capture AS (SELECT max(w) - min(w) + 1 AS windows FROM binned),
ranked AS (
  SELECT ${pick('s', SCORED_COLS)}, row_number() OVER (PARTITION BY s.src_num ORDER BY s.score DESC, s.w) AS host_rank
  FROM scored s JOIN recur USING (src_num), bar, capture
  WHERE s.score >= bar.t
    AND NOT (recur.hits >= $recurWindows::BIGINT AND recur.spread >= $recurSpread::DOUBLE * capture.windows)
),
reported AS (SELECT * FROM ranked WHERE host_rank <= $maxPerHost::BIGINT),
-- the text forms of the reported hosts (the evidence selects by text)
names AS (${namesOf(d, 'SELECT src_num FROM reported')})
SELECT r.* ${d.exclude(['src_num'])}, names.ips AS src_ips, d.p50 AS p50, d.mx AS mx, d.n AS n, bar.t AS bar
FROM reported r JOIN names ON names.num = r.src_num, dist d, bar
ORDER BY r.score DESC, r.w
`;
