// The per-window aggregates the workspace's charts read instead of the flows (issue 14 item 7:
// brush -> charts under 300 ms at 10M flows), written beside the pair rollup (pair-rollup.ts) by
// every full detection run, from the same windows and address numbering:
//   host_rollup   w, id, flows, b_out, b_in: each address's flows and bytes sent and received in
//                 each window, both sides of a flow counted (top talkers, top countries and AS)
//                 (3M rows at 10M flows; from pair_rollup, no pass over the flows)
//   port_rollup   w, port, proto, s, n, bytes: each window's flows and bytes per destination port,
//                 protocol and source (destination ports; the source id makes the distinct
//                 sources of a range exact) (1.3M rows at 10M flows)
// Both ordered by w, so the zone maps prune a brushed range. The charts group addresses by their
// text, these tables by number: they are written only when every address has one text form (the
// pair rollup's meta says `charts`), so the two groupings are the same and the answers exactly
// the flows'. Readers: hosts-sql.ts, ports-sql.ts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { one, run } from '../../store/sql';

/** Creates the tables empty (every full run replaces them), or drops them when not `kept`. */
export async function createChartRollup(conn: DuckDBConnection, kept: boolean): Promise<void> {
  if (!kept) {
    await run(conn, 'DROP TABLE IF EXISTS host_rollup');
    await run(conn, 'DROP TABLE IF EXISTS port_rollup');
    return;
  }
  await run(
    conn,
    `CREATE OR REPLACE TABLE host_rollup
       (w BIGINT, id INTEGER, flows BIGINT, b_out BIGINT, b_in BIGINT)`,
  );
  await run(
    conn,
    `CREATE OR REPLACE TABLE port_rollup
       (w BIGINT, port INTEGER, proto VARCHAR, s INTEGER, n BIGINT, bytes BIGINT)`,
  );
}

/** Whether every address number of the run's flows has one text form (det_ipname). */
export async function oneTextForm(conn: DuckDBConnection): Promise<boolean> {
  const r = await one<{ ok: boolean }>(
    conn,
    'SELECT count(*) = count(DISTINCT num) AS ok FROM det_ipname',
  );
  return r?.ok === true;
}

/**
 * Appends windows [lo, hi) (window numbers of `windowUs`), after pair_rollup and
 * pair_rollup_names hold them.
 */
export async function writeChartRollupSlice(
  conn: DuckDBConnection,
  windowUs: number,
  lo: number,
  hi: number,
): Promise<void> {
  await run(
    conn,
    `INSERT INTO host_rollup
       SELECT w, id, sum(n)::BIGINT, sum(b_out)::BIGINT, sum(b_in)::BIGINT FROM (
         SELECT w, s AS id, n, up AS b_out, down AS b_in FROM pair_rollup WHERE w >= $1 AND w < $2
         UNION ALL
         SELECT w, d, n, down, up FROM pair_rollup WHERE w >= $1 AND w < $2
       ) GROUP BY w, id ORDER BY w, id`,
    [lo, hi],
  );
  // the slice's flows by time (zone maps), not by a window number computed for every flow; the
  // sources by their text (one form each, see above: matching 128-bit numbers cost more)
  const at = (w: number) => new Date((w * windowUs) / 1000).toISOString();
  await run(
    conn,
    `INSERT INTO port_rollup
       SELECT f.w, f.port, f.proto, nm.id, f.n, f.bytes
       FROM (SELECT epoch_us(ts) // $3 AS w, dst_port AS port, proto, src_ip, count(*) AS n,
                    sum(src_bytes + dst_bytes)::BIGINT AS bytes
             FROM flows WHERE ts >= $1::TIMESTAMP AND ts < $2::TIMESTAMP GROUP BY ALL) f
         JOIN pair_rollup_names nm ON nm.ip = f.src_ip
       ORDER BY f.w`,
    [at(lo), at(hi), windowUs],
  );
}
