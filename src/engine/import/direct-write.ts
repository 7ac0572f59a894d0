// The direct import path, for formats whose read is one DuckDB SELECT (FormatImporter.direct):
// file -> flows in ONE pass inside the import's transaction, with no staging copy. Rows that fail
// validation are left out of the insert; only when there are some does a second, ordinal-numbered
// read of the file (the recheck) explain them with their line numbers. Costs on the common path:
// one read of the file, a strict check of each distinct address over the written rows (DuckDB
// scans them as dictionary vectors), and after the commit one update that gives ids in insertion
// order and numbers the IPv6 addresses (store/flow-ids.ts says why that is a second transaction).
//
// Order matters: ids and reject line numbers follow the file. DuckDB keeps insertion order for an
// INSERT ... SELECT FROM read_csv as long as the plan has no join; see validate-sql.ts. (A join
// with a dictionary of addresses, tried again for the numbering, put 9.5M of 9.5M rows out of
// file order and tripled the time.)
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportFileSummary } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import { diskFullError, ensureRoom, isDiskFull } from '../store/disk-full';
import { assignFlowIds } from '../store/flow-ids';
import { NetsiftError } from '../core/errors';
import { IPV4_REGEX } from '../store/macros';
import { all, one } from '../store/sql';
import type { TimeWindow } from './time-window';
import type { DirectRead } from './types';
import { importIpv6 } from './zone-id';
import { RAW_MAX, RAW_SQL, quadNumSql, quadPartsSql, reasonSql } from './validate-sql';
import {
  checkUnchanged,
  finishImport,
  lapTimer,
  loadContext,
  nextIds,
  numberBadLines,
  refuseDuplicate,
  type Step,
  type WriteStrategy,
} from './write-step';

const FLOW_COLUMNS = `id, import_id, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
  src_bytes, dst_bytes, src_pkts, dst_pkts, label, src_num, dst_num`;

/** The read with the numbers of text shaped like a dotted quad (sn, dn; NULL when not so shaped). */
const numbered = (
  select: string,
) => `(SELECT *, ${quadNumSql('sp')} AS sn, ${quadNumSql('dp')} AS dn
  FROM (SELECT *, ${quadPartsSql('src_ip', 'sp')}, ${quadPartsSql('dst_ip', 'dp')} FROM (${select})))`;

/** SQL true when the address in column c is one the import's check found bad (stage_badaddr). */
const listedBad = (c: 'src_ip' | 'dst_ip') => `s.${c} IN (SELECT ip FROM stage_badaddr)`;

/** Written with id 0 in the import's transaction; numbered after the commit (numberCommittedFlows). */
export const directWrite: WriteStrategy = { write, afterCommit: numberCommittedFlows };

async function write(
  conn: DuckDBConnection,
  step: Step,
): Promise<Omit<ImportFileSummary, 'seconds'>> {
  const { abs, st, format, options, job } = step;
  const { timings, lap } = lapTimer();
  const read = format.direct!(loadContext(conn, step));
  await conn.run('CREATE TEMP TABLE stage_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)');
  await conn.run(
    'CREATE TEMP TABLE stage_bad (ord BIGINT, line BIGINT, raw VARCHAR, reason VARCHAR)',
  );
  await conn.run('BEGIN TRANSACTION');
  const { importId } = await nextIds(conn);
  try {
    await conn.run(
      `INSERT INTO flows (${FLOW_COLUMNS})
       SELECT 0, ${importId}, ts, ts_end, proto, state, nullif(state_raw, state), src_ip, src_port::INTEGER, dst_ip,
         dst_port::INTEGER, coalesce(src_bytes, 0), coalesce(dst_bytes, 0), src_pkts, dst_pkts, label,
         coalesce(sn, 0), coalesce(dn, 0)
       FROM ${numbered(read.select)} s
       WHERE ${reasonSql(() => null, { typed: read.typed, window: options.timeWindow, names: read.names, unsigned: read.unsignedCounts })} IS NULL`,
      read.params,
    );
  } catch (e) {
    throw job.signal.aborted ? e : read.explain(e);
  }
  lap('read');
  job.checkCancelled();
  const result = await read.finish();
  const scan = await step.scan;
  lap('scan_wait');
  checkUnchanged(abs, st);
  step.setPhase('validate');
  await refuseDuplicate(conn, abs, scan.sha256, options.allowDuplicate);

  const badAddresses = await findBadAddresses(conn, importId);
  if (badAddresses > 0)
    await conn.run(
      `DELETE FROM flows WHERE import_id = ${importId}
         AND (src_ip IN (SELECT ip FROM stage_badaddr) OR dst_ip IN (SELECT ip FROM stage_badaddr))`,
    );
  lap('addresses');
  job.checkCancelled();

  // rows the reader gave minus the flows kept: turned away by the insert's check or deleted above
  const kept = await count(conn, `SELECT count(*) FROM flows WHERE import_id = ${importId}`);
  const readerRows = result.dataLines - (await count(conn, 'SELECT count(*) FROM stage_rejects'));
  const failed = readerRows - kept;
  if (failed > 0)
    await explainFailed(
      conn,
      read,
      badAddresses > 0,
      failed,
      abs,
      result.lineOf,
      options.timeWindow,
    );
  lap('validate');
  job.checkCancelled();

  step.setPhase('write');
  // numbering after the commit rewrites the id column through the WAL (about 16 bytes a flow,
  // more with IPv6): with no room for that, the import would stay half finished, so refuse it now
  ensureRoom(
    step.casePath,
    kept * 32 + 2 ** 20,
    `${abs} was not imported and the case is as it was; free some space and import it again`,
  );
  // committed with id 0: the caller numbers the flows next, in a transaction of their own that no
  // cancel interrupts (see store/flow-ids.ts)
  return finishImport(conn, step, {
    importId,
    rowsRead: kept,
    result,
    scan,
    timings,
    lap,
  });
}

async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  const r = await conn.runAndReadAll(sql);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/**
 * Checks each distinct address of the import once, after the insert. The insert only numbered
 * what is shaped like a dotted quad; the strict test (canonical octets) runs here, where DuckDB
 * scans the written strings as dictionary vectors, so once per distinct value and not per row.
 * Addresses that are not dotted quads are parsed as IPv6 in TypeScript. The bad ones go to temp
 * table stage_badaddr; returns how many. IPv6 numbers are given after the commit, with the ids
 * (store/flow-ids.ts): an UPDATE here, on rows the insert wrote straight to the file, would copy
 * them all into the WAL.
 */
async function findBadAddresses(conn: DuckDBConnection, importId: number): Promise<number> {
  const other = await all<{ ip: string }>(
    conn,
    `SELECT DISTINCT ip FROM (
       SELECT src_ip AS ip FROM flows WHERE import_id = $1
       UNION ALL SELECT dst_ip FROM flows WHERE import_id = $1)
     WHERE NOT regexp_full_match(ip, '${IPV4_REGEX}')`,
    [importId],
  );
  const bad = other.map((r) => r.ip).filter((ip) => importIpv6(ip) === null);
  await conn.run('CREATE TEMP TABLE stage_badaddr (ip VARCHAR)');
  if (bad.length === 0) return 0;
  const app = await conn.createAppender('stage_badaddr', 'main', 'temp');
  for (const ip of bad) {
    app.appendVarchar(ip);
    app.endRow();
  }
  app.closeSync();
  return bad.length;
}

/**
 * The recheck: reads the file again, numbered, and keeps in stage_bad every row validation turns
 * away, with its reason, its text and (through the format's lineOf) its line.
 */
async function explainFailed(
  conn: DuckDBConnection,
  read: DirectRead,
  badAddresses: boolean,
  failed: number,
  abs: string,
  lineOf: ((ordinals: number[]) => Promise<number[]>) | undefined,
  window: TimeWindow | undefined,
): Promise<void> {
  await conn.run(
    `INSERT INTO stage_bad
     SELECT ordinality - 1, NULL, left(${RAW_SQL}, ${RAW_MAX}), reason
     FROM (SELECT s.*, ${reasonSql((c) => (badAddresses ? listedBad(c) : null), { window, names: read.names, unsigned: read.unsignedCounts })} AS reason
           FROM (${read.recheck}) s) s
     WHERE reason IS NOT NULL`,
    read.params,
  );
  const found = (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM stage_bad'))!.n;
  if (found !== failed)
    throw new NetsiftError(
      `${abs}: validation turned away ${failed} rows but the recheck explains ${found}; nothing imported ` +
        `(a netsift bug: please report it with the file)`,
      'internal',
    );
  if (lineOf) await numberBadLines(conn, lineOf);
}

/**
 * The direct path commits its flows with id 0 and they are numbered here, on a connection of
 * their own: the import is in the case already, so a cancel must not interrupt this half second.
 * When the numbering fails (a full disk: the update needs room in the WAL), the import is taken
 * out again so the case is as it was; only if that fails too is it left for the next read-write
 * open to finish.
 */
async function numberCommittedFlows(
  store: CaseStore,
  abs: string,
  importId: number,
): Promise<void> {
  const conn = await store.connect();
  try {
    await assignFlowIds(conn, importId);
  } catch (e) {
    const undone = await undoImport(conn, importId);
    if (isDiskFull(e))
      throw diskFullError(
        store.path,
        e,
        undone
          ? `${abs} was not imported and the case is as it was; free some space and import it again`
          : `${abs} is in the case but its flows are not numbered yet; free some space, then open the ` +
              `case read-write once to finish it`,
      );
    throw new NetsiftError(
      undone
        ? `${abs}: numbering its flows failed (${(e as Error).message.split('\n')[0]}); nothing imported`
        : `${abs}: imported, but numbering its flows failed (${(e as Error).message.split('\n')[0]}); ` +
            `the case finishes it when next opened read-write`,
      'case',
    );
  } finally {
    conn.closeSync();
  }
}

/** Removes an import that was committed but could not be finished; false when that fails too. */
async function undoImport(conn: DuckDBConnection, importId: number): Promise<boolean> {
  try {
    await conn.run('BEGIN TRANSACTION');
    for (const table of ['flows', 'rejects'])
      await conn.run(`DELETE FROM ${table} WHERE import_id = $1`, [importId]);
    await conn.run('DELETE FROM imports WHERE id = $1', [importId]);
    await conn.run('COMMIT');
    return true;
  } catch {
    await conn.run('ROLLBACK').catch(() => undefined);
    return false;
  }
}
