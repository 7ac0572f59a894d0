// Runs detectors of a finite lookback over some windows of the case only. They run on a connection
// of their own where a temporary table named `flows`, holding a copy of those windows' flows,
// stands in for the case's table (DuckDB resolves temporary objects first): each detector's SQL,
// unchanged, reads just those flows, and its shared tables (shared-tables.ts) are built from them.
// The copy is a few batches' windows, so this costs what the new flows cost, not the whole case.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import type { CaseStore } from '../store/case-store';
import { run } from '../store/sql';
import { NetsiftError } from '../core/errors';
import type { AlertDraft, Detector, ParamValue } from '../detect/types';
import { runsOf, windowOf } from './window-set';

export interface WindowedDetector {
  det: Detector;
  params: Record<string, ParamValue>;
}

export interface WindowedRunArgs {
  store: CaseStore;
  windowSeconds: number;
  internalNetworks: string[];
  /** windows whose flows the detectors read (sorted) */
  needed: number[];
  /** windows whose alerts are kept (the others saw only part of their history) */
  keep: Set<number>;
  checkCancelled(): void;
  /** cancel reaches the running query */
  onConnection?(conn: DuckDBConnection): void;
}

/** Each detector's alerts of the `keep` windows, in its own order; and the flows it read. */
export async function runOnWindows(
  dets: WindowedDetector[],
  a: WindowedRunArgs,
): Promise<{ alerts: Map<string, AlertDraft[]>; flows: number; seconds: Map<string, number> }> {
  const conn = await a.store.connect();
  a.onConnection?.(conn);
  try {
    const us = Math.round(a.windowSeconds * 1e6);
    // built under another name while `flows` still means the case's table, then renamed over it
    await run(conn, 'CREATE OR REPLACE TEMP TABLE inc_flows AS SELECT * FROM flows LIMIT 0');
    for (const [lo, hi] of runsOf(a.needed))
      await run(
        conn,
        `INSERT INTO inc_flows SELECT * FROM flows
         WHERE ts >= make_timestamp($1::BIGINT) AND ts < make_timestamp($2::BIGINT) ORDER BY id`,
        [BigInt(lo) * BigInt(us), (BigInt(hi) + 1n) * BigInt(us)],
      );
    await run(conn, 'ALTER TABLE inc_flows RENAME TO flows');
    const flows = Number(
      (await conn.runAndReadAll('SELECT count(*) AS n FROM flows')).getRowObjectsJS()[0]?.n ?? 0,
    );
    const shared = new Map<string, Promise<void>>();
    const alerts = new Map<string, AlertDraft[]>();
    const seconds = new Map<string, number>();
    for (const { det, params } of dets) {
      a.checkCancelled();
      const t = performance.now();
      const out = await det.run({
        store: a.store,
        conn,
        sql: new DuckDbFlowSql(conn),
        windowSeconds: a.windowSeconds,
        params,
        internalNetworks: a.internalNetworks,
        checkCancelled: a.checkCancelled,
        shared,
      });
      for (const x of out) {
        if (!(x.score >= 0 && x.score <= 1))
          throw new NetsiftError(
            `detector ${det.id}: alert score ${x.score} outside [0,1]`,
            'internal',
          );
        x.detector = det.id;
      }
      alerts.set(
        det.id,
        out.filter((x) => a.keep.has(windowOf(x.window_start, a.windowSeconds))),
      );
      seconds.set(det.id, (performance.now() - t) / 1000);
    }
    return { alerts, flows, seconds };
  } finally {
    conn.closeSync();
  }
}
