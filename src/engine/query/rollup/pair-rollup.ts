// The per (window, src, dst) aggregates detection computes anyway (det_wsd, for iqr and hbos),
// kept in the case so the workspace's pair scatter and top talkers of the whole capture or of a
// brushed time range read a few hundred thousand pre-aggregated rows instead of aggregating
// millions of flows again (issue 14 item 7: brush -> charts at 10M flows was 480 ms, most of it
// the scatter). Four tables, rebuilt by every full detection run:
//   pair_rollup_names   id (INTEGER), num, ip: the addresses, numbered (pairs hash small ints)
//   pair_rollup         w, s, d (ids), n, ports, up, down: each pair-window's flows, distinct
//                       destination ports and bytes both ways, ordered by w (zone maps prune a
//                       time range)
//   pair_rollup_fences  w, pairs, q_n, q_ports, q_up, q_down: each window's quartiles
//   pair_rollup_outliers  f, w, s, d, value: the pair-windows outside their window's fences, for
//                       the feature columns f of KEPT_OUTLIERS (a brushed range's outliers
//                       without a pass over its pairs)
// They describe the flows as they were (flowsSignature, kept with them in settings): once flows are
// added or removed they are not used until the next run, and readers fall back to the flows.
// One address written in several text forms (IPv6) is one address here, named by its first form.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseReader } from '../../store/case-reader';
import { one, run } from '../../store/sql';
import { flowsVersion } from '../id-segments';
import { createChartRollup, oneTextForm, writeChartRollupSlice } from './chart-rollup';
import { writeTimelineRollup } from './timeline-rollup';

export const PAIR_ROLLUP_KEY = 'pair_rollup';

/** Rollup columns whose outliers pair_rollup_outliers keeps (num_dst_ports). */
export const KEPT_OUTLIERS = ['ports'];

/** Pair-windows sorted at once while the rollup is written (see writePairRollup). */
const ROWS_PER_SORT = 1_000_000;

interface RollupMeta {
  windowUs: number;
  signature: string;
  /** pair_rollup_outliers was written with it (cases analysed since). */
  outliers?: boolean;
  /** The charts' tables (chart-rollup.ts) were written with it (cases analysed since). */
  charts?: boolean;
}

const IMPORTS_SIGNATURE = `SELECT coalesce(string_agg(id || ':' || sha256 || ':' || rows_read || ':' || started, ',' ORDER BY id), '') AS s FROM imports`;

/**
 * What the flows are: their count and highest id (flowsVersion) and every import they came from
 * (a removed import replaced by another of the same size changes the file hash and start).
 */
export async function flowsSignature(store: CaseReader): Promise<string> {
  const imports = await store.one<{ s: string }>(IMPORTS_SIGNATURE);
  return `${await flowsVersion(store)}|${imports?.s ?? ''}`;
}

/** The same, on a job's own connection (the detection runner). */
export async function flowsSignatureOn(conn: DuckDBConnection): Promise<string> {
  const v = await one<{ n: number; m: number | null }>(
    conn,
    'SELECT count(*) AS n, max(id) AS m FROM flows',
  );
  const imports = await one<{ s: string }>(conn, IMPORTS_SIGNATURE);
  return `${v?.n ?? 0}:${v?.m ?? 0}|${imports?.s ?? ''}`;
}

/**
 * Writes the rollup from the run's temp tables det_wsd (built for `windowUs`) and det_ipname, on
 * the run's connection (inside its transaction), for the flows `signature` describes.
 */
export async function writePairRollup(
  conn: DuckDBConnection,
  windowUs: number,
  signature: string,
  rowsPerSort = ROWS_PER_SORT,
): Promise<void> {
  await run(
    conn,
    `CREATE OR REPLACE TABLE pair_rollup_names AS
       SELECT (row_number() OVER (ORDER BY num))::INTEGER AS id, num, ip
       FROM (SELECT num, min(ip) AS ip FROM det_ipname GROUP BY num)`,
  );
  await run(
    conn,
    `CREATE OR REPLACE TABLE pair_rollup
       (w BIGINT, s INTEGER, d INTEGER, n BIGINT, ports BIGINT, up BIGINT, down BIGINT)`,
  );
  await run(
    conn,
    `CREATE OR REPLACE TABLE pair_rollup_fences (w BIGINT, pairs BIGINT,
       q_n DOUBLE[], q_ports DOUBLE[], q_up DOUBLE[], q_down DOUBLE[])`,
  );
  await run(
    conn,
    'CREATE OR REPLACE TABLE pair_rollup_outliers (f VARCHAR, w BIGINT, s INTEGER, d INTEGER, value DOUBLE)',
  );
  // in time order (zone maps then prune a brushed range), a slice of windows at a time: sorting
  // every pair-window at once (4.8M at 10M flows), or taking the quartiles of all windows in one
  // statement (quantiles hold every value in memory), took 250 MB more than detection itself
  const span = await one<{ lo: number | null; hi: number | null; n: number }>(
    conn,
    'SELECT min(w) AS lo, max(w) AS hi, count(*) AS n FROM det_wsd',
  );
  // the charts' tables where every address has one text form (see chart-rollup.ts)
  const charts = await oneTextForm(conn);
  await createChartRollup(conn, charts);
  if (span?.lo == null || span.hi == null) return writeMeta(conn, windowUs, signature, charts);
  const slices = Math.max(1, Math.ceil(span.n / rowsPerSort));
  const step = Math.ceil((span.hi - span.lo + 1) / slices);
  for (let from = span.lo; from <= span.hi; from += step) {
    const slice = [from, from + step];
    await run(
      conn,
      `INSERT INTO pair_rollup
         SELECT p.w, s.id, d.id, p.n, p.ports, p.up, p.down
         FROM det_wsd p JOIN pair_rollup_names s ON s.num = p.src_num
           JOIN pair_rollup_names d ON d.num = p.dst_num
         WHERE p.w >= $1 AND p.w < $2
         ORDER BY p.w`,
      slice,
    );
    await run(
      conn,
      `INSERT INTO pair_rollup_fences
         SELECT w, count(*),
                quantile_cont(n::DOUBLE, [0.25, 0.75]), quantile_cont(ports::DOUBLE, [0.25, 0.75]),
                quantile_cont(up::DOUBLE, [0.25, 0.75]), quantile_cont(down::DOUBLE, [0.25, 0.75])
         FROM pair_rollup WHERE w >= $1 AND w < $2 GROUP BY w ORDER BY w`,
      slice,
    );
    // the Charts tab's default feature only: few pairs (38k of 4.8M at 10M flows); the other
    // features flag up to a fifth of all pairs, which the scatter reads as before
    for (const col of KEPT_OUTLIERS)
      await run(
        conn,
        `INSERT INTO pair_rollup_outliers
           SELECT '${col}', p.w, p.s, p.d, p.${col}::DOUBLE
           FROM pair_rollup p JOIN pair_rollup_fences f USING (w)
           WHERE p.w >= $1 AND p.w < $2 AND ${outlierSql(`p.${col}::DOUBLE`, `f.q_${col}[1]`, `f.q_${col}[2]`)}
           ORDER BY p.w`,
        slice,
      );
    if (charts) await writeChartRollupSlice(conn, windowUs, slice[0], slice[1]);
  }
  await writeTimelineRollup(conn, signature);
  await writeMeta(conn, windowUs, signature, charts);
}

async function writeMeta(
  conn: DuckDBConnection,
  windowUs: number,
  signature: string,
  charts: boolean,
) {
  const meta: RollupMeta = { windowUs, signature, charts, outliers: true };
  await run(
    conn,
    'INSERT INTO settings VALUES ($1, $2::JSON) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [PAIR_ROLLUP_KEY, JSON.stringify(meta)],
  );
}

/** Whether the rollup describes the flows as they are now, for windows of `windowSeconds`. */
export async function pairRollupUsable(store: CaseReader, windowSeconds: number): Promise<boolean> {
  const meta = await store.getSetting<RollupMeta | null>(PAIR_ROLLUP_KEY, null);
  if (!meta || meta.windowUs !== Math.round(windowSeconds * 1e6)) return false;
  return meta.signature === (await flowsSignature(store));
}

/** The rollup's window length in seconds and which of its tables it has, when current. */
export async function currentRollup(
  store: CaseReader,
): Promise<{ window: number; charts: boolean; outliers: boolean } | null> {
  const meta = await store.getSetting<RollupMeta | null>(PAIR_ROLLUP_KEY, null);
  if (!meta || meta.signature !== (await flowsSignature(store))) return null;
  return {
    window: meta.windowUs / 1e6,
    charts: meta.charts === true,
    outliers: meta.outliers === true,
  };
}

/**
 * Whether a pair-window's value lies outside its window's fences (Q1 - 3*IQR, floored at 0, and
 * Q3 + 3*IQR): the one expression the scatter and the rollup's outliers table use, so both flag
 * the same pairs.
 */
export function outlierSql(value: string, q1: string, q3: string): string {
  return `(${value} > ${q3} + 3 * (${q3} - ${q1}) OR ${value} < greatest(0, ${q1} - 3 * (${q3} - ${q1})))`;
}

/**
 * The rollup's window length in seconds when it is current (and, with `charts`, has the charts'
 * tables), else null.
 */
export async function currentRollupWindow(
  store: CaseReader,
  charts = false,
): Promise<number | null> {
  const r = await currentRollup(store);
  return r && (!charts || r.charts) ? r.window : null;
}
