// Flow ids, and IPv6 address numbers, for imports that wrote their flows with id 0 (the direct
// import path, which leaves IPv6 addresses at number 0 too).
//
// Why a second transaction: the direct path writes its flows in one parallel INSERT that DuckDB
// flushes straight to the case file (an optimistic write). Updating those rows in the same
// transaction makes DuckDB copy every written row into the WAL at commit: 4.5 s of a 10M-flow
// import. Committed first and numbered right after, the same UPDATE costs 0.4 s.
//
// Between the two commits the import is complete except for its ids and IPv6 numbers (its
// rejects, including unparseable IPv6 addresses, are in). If the process dies there, the next
// read-write open numbers the flows the same way (file order is the rowid order), so no flow is
// lost and the ids are the ones a finished import would have given.
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseIpv6 } from '../util/ip';
import { all, one } from './sql';

/** Imports whose flows still carry id 0 (a valid id is >= 1), oldest first. */
export async function importsAwaitingIds(conn: DuckDBConnection): Promise<number[]> {
  const rows = await all<{ import_id: number }>(
    conn,
    'SELECT DISTINCT import_id FROM flows WHERE id = 0 ORDER BY import_id',
  );
  return rows.map((r) => r.import_id);
}

/** The distinct addresses of an import's id-0 flows still at number 0 (IPv6, or not addresses). */
async function pendingIpv6(conn: DuckDBConnection, importId: number): Promise<string[]> {
  const rows = await all<{ ip: string }>(
    conn,
    `SELECT DISTINCT ip FROM (
       SELECT src_ip AS ip FROM flows WHERE import_id = $1 AND id = 0 AND src_num = 0
       UNION ALL SELECT dst_ip FROM flows WHERE import_id = $1 AND id = 0 AND dst_num = 0)`,
    [importId],
  );
  return rows.map((r) => r.ip);
}

/** Inside the transaction: the IPv6 numbers of the import's id-0 flows, each address parsed once. */
async function numberIpv6(conn: DuckDBConnection, importId: number): Promise<void> {
  const parsed = (await pendingIpv6(conn, importId))
    .map((ip) => ({ ip, num: parseIpv6(ip) }))
    .filter((a) => a.num !== null && a.num !== 0n);
  if (parsed.length === 0) return;
  await conn.run('CREATE OR REPLACE TEMP TABLE flow_ids_v6 (ip VARCHAR, num UHUGEINT)');
  const app = await conn.createAppender('flow_ids_v6', 'main', 'temp');
  for (const { ip, num } of parsed) {
    app.appendVarchar(ip);
    app.appendUHugeInt(num!);
    app.endRow();
  }
  app.closeSync();
  for (const side of ['src', 'dst'])
    await conn.run(
      `UPDATE flows SET ${side}_num = v.num FROM flow_ids_v6 v
       WHERE flows.import_id = $1 AND flows.id = 0 AND flows.${side}_num = 0 AND flows.${side}_ip = v.ip`,
      [importId],
    );
  await conn.run('DROP TABLE flow_ids_v6');
}

/**
 * Numbers one import's id-0 flows after the highest id in the case, in rowid (= insertion = file)
 * order, and their IPv6 addresses, in one transaction of its own.
 */
export async function assignFlowIds(conn: DuckDBConnection, importId: number): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await numberIpv6(conn, importId);
    const span = (await one<{ base: number; n: number; lo: number; hi: number }>(
      conn,
      `SELECT (SELECT coalesce(max(id), 0) FROM flows) AS base, count(*) AS n,
         min(rowid) AS lo, max(rowid) AS hi
       FROM flows WHERE import_id = $1 AND id = 0`,
      [importId],
    ))!;
    if (span.n > 0 && span.hi - span.lo + 1 === span.n)
      // contiguous rowids (the usual case): a plain arithmetic update, no window, no join
      await conn.run(
        `UPDATE flows SET id = $1 + 1 + (rowid - $2) WHERE import_id = $3 AND id = 0`,
        [span.base, span.lo, importId],
      );
    else if (span.n > 0)
      await conn.run(
        `UPDATE flows SET id = n.id
         FROM (SELECT rowid AS r, $1 + row_number() OVER (ORDER BY rowid) AS id
               FROM flows WHERE import_id = $2 AND id = 0) n
         WHERE flows.import_id = $2 AND flows.id = 0 AND flows.rowid = n.r`,
        [span.base, importId],
      );
    await conn.run('COMMIT');
  } catch (e) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** On a read-write open: finishes the numbering an interrupted import left (see the top). */
export async function finishPendingIds(conn: DuckDBConnection): Promise<number> {
  const pending = await importsAwaitingIds(conn);
  for (const id of pending) await assignFlowIds(conn, id);
  return pending.length;
}
