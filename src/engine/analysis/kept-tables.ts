// The stored summaries of incremental detection: the shared per-run tables most whole-case
// detectors read (shared-tables.ts: det_target per (src, dst, port, proto) over the capture,
// det_ipname, det_wsd/det_wsdm per pair-window) kept on the session's connection between runs and
// brought up to date with the new flows only, instead of being built from every flow each run.
// The tables' own builders do the work, unchanged: they run with a temporary view named `flows`
// standing in for the case's table (DuckDB resolves temporary objects first) that holds just
//  - the new flows (ids after the last run's): their det_target rows are merged into the kept
//    ones (sums, first/last, all-failed flags: aggregates that combine), their names added;
//  - the flows of the windows the new flows touch: det_wsd/det_wsdm rows of those windows
//    replace the kept ones (distinct ports per pair-window do not combine, whole windows do).
// Every build is bounded by the run's largest flow id, so a batch committed meanwhile is counted
// once, by the next run. det_addr (classes of addresses: depend on the site) is built each run
// from the kept det_ipname, as are the tables the detectors build themselves.
import type { DuckDBConnection } from '@duckdb/node-api';
import { addressNames, targets, windowPairs } from '../detect/shared-tables';
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import type { DetectContext } from '../detect/types';
import { all, one, run } from '../store/sql';

/** The builders' cache keys (shared-tables.ts) for the tables kept here. */
const keys = (us: number) => ['det_target', 'det_ipname', `det_wsd:${us}`];
const KEPT = ['det_target', 'det_ipname', 'det_wsd', 'det_wsdm'];

// det_target rows of the new flows combined into the kept ones, per target (its builder's
// columns): targets seen before are updated in place, new ones added. NULLs combine as the
// builder's aggregates treat them (min, max and bool_and skip them).
const SAME_TARGET = `k.src_num = d.src_num AND k.dst_num = d.dst_num
  AND k.dst_port IS NOT DISTINCT FROM d.dst_port AND k.proto = d.proto`;
const both = (f: string, op: string) => `coalesce(${op}(k.${f}, d.${f}), k.${f}, d.${f})`;
const all2 = (f: string) => `coalesce(k.${f} AND d.${f}, k.${f}, d.${f})`;
const UPDATE_TARGETS = `
UPDATE keep_det_target k SET n = k.n + d.n, up = k.up + d.up, down = k.down + d.down,
  first_ts = ${both('first_ts', 'least')}, last_ts = ${both('last_ts', 'greatest')},
  failed = ${all2('failed')}, refused = ${all2('refused')},
  sp_lo = ${both('sp_lo', 'least')}, sp_hi = ${both('sp_hi', 'greatest')}, reply_flags = ${all2('reply_flags')}
FROM det_target d WHERE ${SAME_TARGET}`;
const INSERT_TARGETS = `
INSERT INTO keep_det_target BY NAME
SELECT d.* FROM det_target d WHERE NOT EXISTS (SELECT 1 FROM keep_det_target k WHERE ${SAME_TARGET})`;

export class KeptTables {
  /** flows up to this id are in the tables; null: not built */
  private upTo: number | null = null;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly windowSeconds: number,
  ) {}

  /** The next update builds from every flow (flows were deleted). */
  invalidate(): void {
    this.upTo = null;
  }

  /**
   * Brings the tables up to flow id `maxId` (`touched`: the windows of the flows after the last
   * update) and marks them built in `shared`, so the detectors' builders leave them as they are.
   */
  async update(
    base: Omit<DetectContext, 'shared' | 'conn' | 'sql'>,
    shared: Map<string, Promise<void>>,
    maxId: number,
    touched: number[],
  ): Promise<{ mode: 'built' | 'updated' }> {
    const us = Math.round(this.windowSeconds * 1e6);
    const ctx = (): DetectContext => ({
      ...base,
      conn: this.conn,
      sql: new DuckDbFlowSql(this.conn),
      shared: new Map(),
    });
    const db = await this.catalog();
    const since = this.upTo;
    this.upTo = null; // until this update is through
    try {
      if (since === null || since > maxId) {
        await this.shadow(db, 'id <= $max', { max: maxId });
        const c = ctx();
        await targets(c);
        await addressNames(c);
        await windowPairs(c);
        await this.unshadow();
      } else {
        for (const t of KEPT) await run(this.conn, `ALTER TABLE ${t} RENAME TO keep_${t}`);
        // the new flows: their targets and names
        await this.shadow(db, 'id > $since AND id <= $max', { since, max: maxId });
        const c = ctx();
        await targets(c);
        await addressNames(c);
        await run(this.conn, UPDATE_TARGETS);
        await run(this.conn, INSERT_TARGETS);
        await run(
          this.conn,
          'INSERT INTO keep_det_ipname SELECT * FROM det_ipname EXCEPT SELECT * FROM keep_det_ipname',
        );
        // the windows they touch, whole: their pair-windows again
        await run(this.conn, 'CREATE OR REPLACE TEMP TABLE inc_touched (w BIGINT)');
        for (let i = 0; i < touched.length; i += 500) {
          const part = touched.slice(i, i + 500);
          await run(
            this.conn,
            `INSERT INTO inc_touched VALUES ${part.map((_, j) => `($${j + 1})`).join(', ')}`,
            part,
          );
        }
        if (touched.length) {
          await this.shadow(
            db,
            'id <= $max AND epoch_us(ts) // $us IN (SELECT w FROM inc_touched)',
            { max: maxId, us },
          );
          await windowPairs(ctx());
          for (const t of ['det_wsd', 'det_wsdm']) {
            await run(this.conn, `DELETE FROM keep_${t} WHERE w IN (SELECT w FROM inc_touched)`);
            await run(this.conn, `INSERT INTO keep_${t} BY NAME SELECT * FROM ${t}`);
          }
        }
        await this.unshadow();
        for (const t of KEPT) {
          await run(this.conn, `DROP TABLE IF EXISTS ${t}`);
          await run(this.conn, `ALTER TABLE keep_${t} RENAME TO ${t}`);
        }
      }
    } catch (e) {
      await this.unshadow().catch(() => undefined);
      throw e;
    }
    this.upTo = maxId;
    for (const k of keys(us)) shared.set(k, Promise.resolve());
    return { mode: since === null ? 'built' : 'updated' };
  }

  /** The case's catalog (the database the connection opened), to name its flows past the view. */
  private async catalog(): Promise<string> {
    const r = await one<{ db: string }>(this.conn, 'SELECT current_database() AS db');
    return `"${r!.db.replace(/"/g, '""')}"`;
  }

  /**
   * `flows` as the builders will read it: the case's flows where `where` holds. A view cannot
   * take bound parameters, so the values (integers this module computed, never input) are
   * written in after a check.
   */
  private async shadow(db: string, where: string, values: Record<string, number>): Promise<void> {
    let sql = where;
    for (const [k, v] of Object.entries(values)) {
      if (!Number.isSafeInteger(v)) throw new Error(`kept-tables: ${k} is not an integer: ${v}`);
      sql = sql.replaceAll(`$${k}`, `${v}::BIGINT`);
    }
    await run(
      this.conn,
      `CREATE OR REPLACE TEMP VIEW flows AS SELECT * FROM ${db}.main.flows WHERE ${sql}`,
    );
  }

  private async unshadow(): Promise<void> {
    await run(this.conn, 'DROP VIEW IF EXISTS temp.main.flows');
  }

  /** Rows kept per table (tests, the bench). */
  async sizes(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of KEPT)
      out[t] = (await all<{ n: number }>(this.conn, `SELECT count(*) AS n FROM ${t}`))[0].n;
    return out;
  }
}
