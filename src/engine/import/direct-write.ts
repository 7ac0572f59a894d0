// The direct import path, for formats whose read is one DuckDB SELECT (FormatImporter.direct):
// file -> flows in ONE pass inside the import's transaction, with no staging copy. Rows that fail
// validation are left out of the insert; only when there are some does a second, ordinal-numbered
// read of the file (the recheck) explain them with their line numbers. Costs on the common path:
// one read of the file, a check of the distinct IPv6 addresses, and after the commit one update
// that gives ids in insertion order and numbers the IPv6 addresses (store/flow-ids.ts says why
// that is a second transaction).
//
// Order matters: ids and reject line numbers follow the file. DuckDB keeps insertion order for an
// INSERT ... SELECT FROM read_csv as long as the plan has no join; see validate-sql.ts.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportFileSummary } from '../../shared/model';
import { NetsiftError } from '../store/errors';
import { pendingIpv6 } from '../store/flow-ids';
import { one } from '../store/sql';
import { parseIpv6 } from '../util/ip';
import type { DirectRead } from './types';
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
} from './write-step';

const FLOW_COLUMNS = `id, import_id, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
  src_bytes, dst_bytes, src_pkts, dst_pkts, label, src_num, dst_num`;

/** The read with the numbers of dotted-quad addresses (sn, dn; NULL when not a dotted quad). */
const numbered = (
  select: string,
) => `(SELECT *, ${quadNumSql('sp')} AS sn, ${quadNumSql('dp')} AS dn
  FROM (SELECT *, ${quadPartsSql('src_ip', 'sp')}, ${quadPartsSql('dst_ip', 'dp')} FROM (${select})))`;

const numOf = (c: 'src_ip' | 'dst_ip') => `s.${c === 'src_ip' ? 'sn' : 'dn'}`;

/**
 * Not a dotted quad and no ':' either, so not an address. Addresses with ':' go in with number 0
 * (never a dotted quad's number, those are mapped into ::ffff:0:0/96) and are parsed after the read.
 */
const notAnAddress = (c: 'src_ip' | 'dst_ip') =>
  `${numOf(c)} IS NULL AND NOT contains(s.${c}, ':')`;

export async function directWrite(
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
       SELECT 0, ${importId}, ts, ts_end, proto, state, state_raw, src_ip, src_port::INTEGER, dst_ip,
         dst_port::INTEGER, coalesce(src_bytes, 0), coalesce(dst_bytes, 0), src_pkts, dst_pkts, label,
         coalesce(sn, 0), coalesce(dn, 0)
       FROM ${numbered(read.select)} s
       WHERE ${reasonSql(notAnAddress)} IS NULL`,
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

  const badV6 = await findBadIpv6(conn, importId);
  if (badV6 > 0)
    await conn.run(
      `DELETE FROM flows WHERE import_id = ${importId}
         AND ((src_num = 0 AND src_ip IN (SELECT ip FROM stage_badaddr))
           OR (dst_num = 0 AND dst_ip IN (SELECT ip FROM stage_badaddr)))`,
    );
  lap('addresses');
  job.checkCancelled();

  // rows the reader gave minus the flows kept: turned away by the insert's check or deleted above
  const kept = await count(conn, `SELECT count(*) FROM flows WHERE import_id = ${importId}`);
  const readerRows = result.dataLines - (await count(conn, 'SELECT count(*) FROM stage_rejects'));
  const failed = readerRows - kept;
  if (failed > 0) await explainFailed(conn, read, badV6 > 0, failed, abs, result.lineOf);
  lap('validate');
  job.checkCancelled();

  step.setPhase('write');
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
 * Finds the import's addresses that went in as 0 (they had a ':') and do not parse as IPv6: each
 * distinct one is parsed once in TypeScript; the bad ones go to temp table stage_badaddr. Returns
 * how many. The good ones are numbered after the commit with the ids (store/flow-ids.ts): an
 * UPDATE here, on rows the insert wrote straight to the file, would copy them all into the WAL.
 */
async function findBadIpv6(conn: DuckDBConnection, importId: number): Promise<number> {
  const bad = (await pendingIpv6(conn, importId)).filter((ip) => parseIpv6(ip) === null);
  if (bad.length === 0) return 0;
  await conn.run('CREATE TEMP TABLE stage_badaddr (ip VARCHAR)');
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
  badV6: boolean,
  failed: number,
  abs: string,
  lineOf: ((ordinals: number[]) => Promise<number[]>) | undefined,
): Promise<void> {
  const badAddr = (c: 'src_ip' | 'dst_ip') =>
    `(${notAnAddress(c)})${badV6 ? ` OR s.${c} IN (SELECT ip FROM stage_badaddr)` : ''}`;
  await conn.run(
    `INSERT INTO stage_bad
     SELECT ordinality - 1, NULL, left(${RAW_SQL}, ${RAW_MAX}), reason
     FROM (SELECT s.*, ${reasonSql(badAddr)} AS reason FROM ${numbered(read.recheck)} s) s
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
