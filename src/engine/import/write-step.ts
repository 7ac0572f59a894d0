// What the staged (stage-write.ts) and the direct (direct-write.ts) import paths share: the per-file
// step, the strategy type, the duplicate check, and the tail that writes rejects and the imports
// row, checks that every data line is a flow or a reject, and commits.
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImportFileSummary, ImportRecord, RejectRecord } from '../../shared/model';
import type { JobContext } from '../core/job';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { all, one } from '../store/sql';
import type {
  FileSample,
  FileScan,
  FormatImporter,
  ImportOptions,
  LoadContext,
  LoadResult,
} from './types';
import { RAW_MAX } from './validate-sql';

export interface Step {
  abs: string;
  /** The case file being written (for a full disk's message). */
  casePath: string;
  st: fs.Stats;
  sample: FileSample;
  format: FormatImporter;
  options: ImportOptions & { tz: string; rejectSamples?: number };
  job: JobContext;
  scan: Promise<FileScan>;
  startedIso: string;
  setPhase(p: string): void;
}

/**
 * One way of writing a file's flows (stage-write.ts, direct-write.ts): `write` reads, validates and
 * commits flows, rejects and the imports row in one transaction on the import's connection (any
 * error rolls it back); `afterCommit`, when there is one, finishes the committed import on a
 * connection of its own.
 */
export interface WriteStrategy {
  write(conn: DuckDBConnection, step: Step): Promise<Omit<ImportFileSummary, 'seconds'>>;
  afterCommit?(store: CaseStore, abs: string, importId: number): Promise<void>;
}

/** What a format's load() or direct() gets to read the step's file on the import's connection. */
export function loadContext(conn: DuckDBConnection, step: Step): LoadContext {
  return {
    conn,
    path: step.abs,
    sample: step.sample,
    options: step.options,
    tz: step.options.tz,
    job: step.job,
    size: step.st.size,
    scan: step.scan,
  };
}

/** A UTC wall-clock time DuckDB casts to TIMESTAMP without consulting the session zone. */
export function sqlTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** Seconds per step, kept in imports.details (where an import spends its time, for the bench). */
export function lapTimer(): { timings: Record<string, number>; lap(name: string): void } {
  const timings: Record<string, number> = {};
  let mark = Date.now();
  return {
    timings,
    lap(name: string) {
      const now = Date.now();
      timings[name] = (now - mark) / 1000;
      mark = now;
    },
  };
}

/** The file must be the same one, unchanged, after the read; otherwise what we read is not evidence. */
export function checkUnchanged(abs: string, st: fs.Stats): void {
  let now: fs.Stats;
  try {
    now = fs.statSync(abs);
  } catch {
    throw new NetsiftError(
      `${abs}: the file disappeared during the import; nothing was imported`,
      'input',
    );
  }
  if (
    now.ino !== st.ino ||
    now.dev !== st.dev ||
    now.size !== st.size ||
    now.mtimeMs !== st.mtimeMs
  )
    throw new NetsiftError(
      `${abs}: the file changed during the import; nothing was imported`,
      'input',
    );
}

/** Inside the import's transaction: refuses a file already in the case (same sha256). */
export async function refuseDuplicate(
  conn: DuckDBConnection,
  abs: string,
  sha256: string,
  allow: boolean | undefined,
): Promise<void> {
  if (allow) return;
  const prev = await one<{ id: number; path: string; finished: string }>(
    conn,
    'SELECT id, path, finished FROM imports WHERE sha256 = $1 ORDER BY id LIMIT 1',
    [sha256],
  );
  if (prev)
    throw new NetsiftError(
      `${abs}: already in this case (import ${prev.id} of ${prev.path} on ${prev.finished}, same sha256 ` +
        `${sha256.slice(0, 12)}...); nothing imported. Use --allow-duplicate to import it again`,
      'input',
    );
}

/**
 * stage_bad(ord, line, ...) holds a record ordinal in line (or NULL: then ord is the ordinal);
 * maps the few failing rows to file lines with the format's lineOf.
 */
export async function numberBadLines(
  conn: DuckDBConnection,
  lineOf: (ordinals: number[]) => Promise<number[]>,
): Promise<void> {
  const rows = await all<{ ord: number; line: number | null }>(
    conn,
    'SELECT ord, line FROM stage_bad',
  );
  const lines = await lineOf(rows.map((r) => r.line ?? r.ord));
  await conn.run('CREATE TEMP TABLE stage_bad_lines (ord BIGINT, line BIGINT)');
  const app = await conn.createAppender('stage_bad_lines', 'main', 'temp');
  rows.forEach((r, i) => {
    app.appendBigInt(BigInt(r.ord));
    app.appendBigInt(BigInt(lines[i]));
    app.endRow();
  });
  app.closeSync();
  await conn.run(
    'UPDATE stage_bad SET line = l.line FROM stage_bad_lines l WHERE stage_bad.ord = l.ord',
  );
}

/** The next import id and the highest flow id so far (read inside the transaction). */
export async function nextIds(conn: DuckDBConnection): Promise<{ importId: number; base: number }> {
  const r = (await one<{ import_id: number; base: number }>(
    conn,
    'SELECT (SELECT coalesce(max(id), 0) + 1 FROM imports) AS import_id, (SELECT coalesce(max(id), 0) FROM flows) AS base',
  ))!;
  return { importId: r.import_id, base: r.base };
}

/**
 * The common tail, inside the transaction once the import's flows are written: rejects from the
 * reader (stage_rejects) and from validation (stage_bad), the accounting check, the imports row,
 * then COMMIT.
 */
export async function finishImport(
  conn: DuckDBConnection,
  step: Step,
  args: {
    importId: number;
    rowsRead: number;
    result: LoadResult;
    scan: FileScan;
    timings: Record<string, number>;
    lap(name: string): void;
  },
): Promise<Omit<ImportFileSummary, 'seconds'>> {
  const { abs, st, sample, format, options, job } = step;
  const { importId, rowsRead, result, scan } = args;
  await conn.run(
    `INSERT INTO rejects SELECT $1, coalesce(line, 0), left(coalesce(raw, ''), ${RAW_MAX}), reason FROM stage_rejects`,
    [importId],
  );
  await conn.run(`INSERT INTO rejects SELECT $1, coalesce(line, 0), raw, reason FROM stage_bad`, [
    importId,
  ]);
  const counts = (await one<{
    fmt: number;
    bad: number;
    first: string | null;
    last: string | null;
  }>(
    conn,
    `SELECT (SELECT count(*) FROM stage_rejects) AS fmt, (SELECT count(*) FROM stage_bad) AS bad,
       (SELECT min(ts) FROM flows WHERE import_id = $1) AS first, (SELECT max(ts) FROM flows WHERE import_id = $1) AS last`,
    [importId],
  ))!;
  const rowsRejected = counts.fmt + counts.bad;
  if (result.dataLines === 0 && result.binary)
    throw new NetsiftError(`${abs}: no flows in the capture; nothing imported`, 'input');
  if (result.dataLines === 0) {
    const nonBlank = scan.lines - scan.blankLines;
    throw new NetsiftError(
      `${abs}: ${nonBlank > 0 ? 'header only, no data lines' : 'empty file (only blank lines)'}; nothing imported`,
      'input',
    );
  }
  if (rowsRead + rowsRejected !== result.dataLines)
    throw new NetsiftError(
      `${abs}: ${format.id} reader accounted for ${rowsRead} flows + ${rowsRejected} rejects but the file has ` +
        `${result.dataLines} data lines; nothing imported (a netsift bug: please report it with the file)`,
      'internal',
    );
  args.lap('rejects');
  // a capture's bytes hold no lines: counting 0x0a bytes there would report "blank lines"
  const text = !result.binary;
  const details = {
    ...(result.details ?? {}),
    ...(text ? { blank_lines: scan.blankLines, lines: scan.lines } : {}),
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    gzip: sample.gzip,
    ...(options.timeWindow ? { time_window: options.timeWindow } : {}),
    timings: args.timings,
  };
  await conn.run(
    `INSERT INTO imports VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::TIMESTAMP, $10::TIMESTAMP,
       $11, $12::TIMESTAMP, $13::TIMESTAMP, $14::JSON)`,
    [
      importId,
      abs,
      st.size,
      scan.sha256,
      format.id,
      result.dataLines,
      rowsRead,
      rowsRejected,
      step.startedIso,
      sqlTime(new Date()),
      options.tz,
      counts.first,
      counts.last,
      JSON.stringify(details),
    ],
  );
  const record = (await one<ImportRecord>(
    conn,
    `SELECT * EXCLUDE (details) FROM imports WHERE id = $1`,
    [importId],
  ))!;
  const samples = await all<RejectRecord>(
    conn,
    'SELECT import_id, line, raw, reason FROM rejects WHERE import_id = $1 ORDER BY line LIMIT $2',
    [importId, options.rejectSamples ?? 5],
  );
  job.checkCancelled();
  await conn.run('COMMIT');
  return {
    path: abs,
    record,
    rejectSamples: samples,
    blankLines: text ? scan.blankLines : 0,
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
  };
}
