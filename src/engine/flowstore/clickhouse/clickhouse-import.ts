// `netsift import FILE... --store clickhouse://...`: each file goes through netsift's own
// importer into a local temporary DuckDB case (the same formats, validation, rejects and line
// accounting as a case import), then its flows stream to the server in RowBinary:
//
//   1. the temp case holds the file's flows (ids 1..N, import 1), checked as today;
//   2. import id and flow ids are taken after the store's largest (so they continue the store's
//      numbering as a case would) and claimed by a 'staging' row in `imports`;
//   3. the flows stream into a staging table of the same structure (CREATE TABLE ... AS flows);
//   4. the staging row count is checked, an 'attaching' row written, and the partition attached
//      with ALTER TABLE flows ATTACH PARTITION id FROM staging: one step, all parts or none;
//   5. rejects are written, then the 'done' row; the staging table is dropped.
//
// A failure or cancel before 4 leaves only the staging table (dropped when possible, else by the
// next import); readers never see it. A failure after 4 detaches the partition again; an import
// cut off between 4 and 5 is settled by the next import from what the flows table holds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportFileSummary, ImportRecord, ImportSummary } from '../../../shared/model';
import { splitContextLogs } from '../../context/import-context';
import { expandInputs } from '../../import/expand-inputs';
import { importFiles, type ImportJobOptions } from '../../import/pipeline';
import { Job, type JobContext } from '../../core/job';
import { CaseStore } from '../../store/case-store';
import { CancelledError, NetsiftError } from '../../core/errors';
import type { Dialect } from '../dialect';
import type { ChExecutor } from './executor';
import { copyStream } from './copy-stream';
import {
  FLOWS_TABLE,
  SENT_COLUMNS,
  IMPORTS_TABLE,
  REJECTS_TABLE,
  flowsTableSql,
  importsTableSql,
  rejectsTableSql,
  stagingTableSql,
} from './server-schema';
import { Binder } from './sql-params';
import { StoreError } from './store-errors';

export interface ClickHouseImportOptions extends ImportJobOptions {
  /** Folder for the local temporary case (default: the system's temp folder). */
  stageDir?: string;
  /** DuckDB memory limit of the temporary case (default 1GB). */
  memoryLimit?: string;
  /**
   * Rows per block the server writes as it reads the insert (max_insert_block_size; the server's
   * default is about a million). Smaller blocks are committed to the staging table as they come.
   */
  insertBlockRows?: number;
  /** Lines worth telling the analyst that are not about a file (imports of earlier runs settled). */
  onNote?: (line: string) => void;
}

export interface ImportTarget {
  ex: ChExecutor;
  dialect: Dialect;
  /** Table whose ids number the next import (`imports`, or a Distributed one over it). */
  importsTable: string;
}

/** Creates netsift's tables when missing. */
export async function ensureTables(ex: ChExecutor, d: Dialect): Promise<void> {
  await ex.command(flowsTableSql(d, FLOWS_TABLE));
  await ex.command(importsTableSql(IMPORTS_TABLE));
  await ex.command(rejectsTableSql(REJECTS_TABLE));
}

/** The temp case's flows as the staging table's columns (SENT_COLUMNS order), ids shifted. */
function selectFlows(importId: number, base: number, microTimestamps: boolean): string {
  // DateTime64(6) reads the text; 18.x's Int64 columns take microseconds since the epoch
  const t = (c: string) =>
    microTimestamps ? `strftime(${c}, '%Y-%m-%d %H:%M:%S.%f')` : `epoch_us(${c})`;
  return `SELECT id + ${base}, ${importId}, ${t('ts')}, ${t('ts_end')}, proto, state, state_raw, src_ip,
    src_port, dst_ip, dst_port, src_bytes, dst_bytes, src_pkts, dst_pkts, label FROM flows ORDER BY id`;
}

interface ImportRow {
  id: number;
  state: 'staging' | 'attaching' | 'done' | 'failed';
  idLo: number;
  idHi: number;
  rec: ImportRecord;
  details: string;
  staging: string;
}

const secs = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const usOf = (iso: string | null) => (iso === null ? null : Date.parse(iso) * 1000);

/** Appends one state row of an import (the latest row by version is its state). */
async function writeState(ex: ChExecutor, r: ImportRow, signal?: AbortSignal): Promise<void> {
  const b = new Binder();
  const v = r.rec;
  const nullable = (x: number | null) => (x === null ? 'NULL' : b.int(x));
  await ex.command(
    `INSERT INTO ${IMPORTS_TABLE} (id, version, state, id_lo, id_hi, path, size, sha256, format, data_lines,
       rows_read, rows_rejected, started, finished, tz, first_ts_us, last_ts_us, details, staging)
     SELECT ${b.bind(r.id, 'UInt32')}, ${b.bind(Date.now() * 1000 + (process.hrtime()[1] % 1000), 'UInt64')},
       ${b.str(r.state)}, ${b.int(r.idLo)}, ${b.int(r.idHi)}, ${b.str(v.path)}, ${b.int(v.size)},
       ${b.str(v.sha256)}, ${b.str(v.format)}, ${b.int(v.data_lines)}, ${b.int(v.rows_read)},
       ${b.int(v.rows_rejected)}, toDateTime(${b.int(secs(v.started))}), toDateTime(${b.int(secs(v.finished))}),
       ${b.str(v.tz)}, ${nullable(usOf(v.first_ts))}, ${nullable(usOf(v.last_ts))}, ${b.str(r.details)},
       ${b.str(r.staging)}`,
    b.params,
    { signal },
  );
}

interface LatestImport {
  id: number;
  state: string;
  id_lo: number;
  id_hi: number;
  rows_read: number;
  staging: string;
  version: number;
}

/** Each import's latest state row. */
async function latestImports(ex: ChExecutor, table: string): Promise<LatestImport[]> {
  const rows = await ex.rows<Record<string, unknown>>(
    `SELECT id, argMax(state, version) AS state, argMax(id_lo, version) AS id_lo, argMax(id_hi, version) AS id_hi,
            argMax(rows_read, version) AS rows_read, argMax(staging, version) AS staging, max(version) AS last_v
     FROM ${table} GROUP BY id ORDER BY id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    state: String(r.state),
    id_lo: Number(r.id_lo),
    id_hi: Number(r.id_hi),
    rows_read: Number(r.rows_read),
    staging: String(r.staging),
    version: Number(r.last_v),
  }));
}

/** Staging tables older than this whose import never finished are another run's leftovers. */
const STALE_STAGING_US = 3600 * 1e6;

/**
 * Settles imports a previous run left behind: 'attaching' ones by what the flows table holds
 * (the attach is all or nothing: all rows -> done, none -> failed), and stale 'staging' ones by
 * dropping their staging table.
 */
export async function reconcileImports(ex: ChExecutor): Promise<string[]> {
  const settled: string[] = [];
  for (const imp of await latestImports(ex, IMPORTS_TABLE)) {
    if (imp.state === 'attaching') {
      const b = new Binder();
      const [c] = await ex.rows<{ n: unknown }>(
        `SELECT count() AS n FROM ${FLOWS_TABLE} WHERE import_id = ${b.bind(imp.id, 'UInt32')}`,
        b.params,
      );
      const landed = Number(c?.n ?? 0) === imp.rows_read;
      if (!landed && !(await dropPartition(ex, imp.id))) continue;
      await copyState(ex, imp.id, landed ? 'done' : 'failed');
      await dropTable(ex, imp.staging);
      settled.push(
        `import ${imp.id} of an earlier run ${landed ? 'had landed whole: recorded as done' : 'had not landed: removed'}`,
      );
    } else if (imp.state === 'staging' && Date.now() * 1000 - imp.version > STALE_STAGING_US) {
      await dropTable(ex, imp.staging);
      await copyState(ex, imp.id, 'failed');
      settled.push(
        `import ${imp.id} of an earlier run never finished: its staging table was dropped`,
      );
    }
  }
  return settled;
}

/** A new state row for an import, copying its latest row. */
async function copyState(ex: ChExecutor, id: number, state: string): Promise<void> {
  const b = new Binder();
  const cols =
    'id_lo, id_hi, path, size, sha256, format, data_lines, rows_read, rows_rejected, started, finished, tz, first_ts_us, last_ts_us, details, staging';
  await ex.command(
    `INSERT INTO ${IMPORTS_TABLE} (id, version, state, ${cols})
     SELECT id, ${b.bind(Date.now() * 1000, 'UInt64')}, ${b.str(state)}, ${cols}
     FROM ${IMPORTS_TABLE} WHERE id = ${b.bind(id, 'UInt32')} ORDER BY version DESC LIMIT 1`,
    b.params,
  );
}

const STAGING = /^netsift_stage_\d+_[0-9a-f]+$/;

async function dropTable(ex: ChExecutor, name: string): Promise<void> {
  if (!STAGING.test(name)) return; // only our own staging tables, by their name pattern
  try {
    await ex.command(`DROP TABLE IF EXISTS ${name}`);
  } catch {
    // best effort; the next import tries again
  }
}

/** Whether the partition is gone (false: unreachable; the next import settles it). */
async function dropPartition(ex: ChExecutor, importId: number): Promise<boolean> {
  try {
    await ex.command(`ALTER TABLE ${FLOWS_TABLE} DROP PARTITION ${importId}`); // our integer
    return true;
  } catch {
    return false;
  }
}

const ZERO = "toFixedString(unhex('00000000000000000000000000000000'), 16)";

/** Whether the flows table keeps DateTime64 (current servers) or Int64 microseconds (18.x). */
async function hasMicroTimestamps(ex: ChExecutor): Promise<boolean> {
  const [r] = await ex.rows<{ type: string }>(
    `SELECT type FROM system.columns WHERE database = currentDatabase() AND table = '${FLOWS_TABLE}' AND name = 'ts'`,
  );
  return /^DateTime64/.test(r?.type ?? '');
}

/** Next import id and flow id base after everything the store knows, staged ones included. */
async function allocate(t: ImportTarget): Promise<{ importId: number; base: number }> {
  const [r] = await t.ex.rows<{ i: unknown; h: unknown }>(
    // a failed import's id is not reused (its rejects may be on the server), its flow ids are
    `SELECT max(id) AS i, maxIf(id_hi, state != 'failed') AS h FROM ${t.importsTable}`,
  );
  return { importId: Number(r?.i ?? 0) + 1, base: Number(r?.h ?? 0) };
}

export function importToClickHouse(
  t: ImportTarget,
  paths: string[],
  options: ClickHouseImportOptions = {},
): Job<ImportSummary> {
  return new Job<ImportSummary>('import', async (job) => {
    const started = Date.now();
    const all = expandInputs(paths);
    const split = await splitContextLogs(all);
    await ensureTables(t.ex, t.dialect);
    for (const note of await reconcileImports(t.ex)) options.onNote?.(note);
    const files: ImportFileSummary[] = [];
    for (const log of split.logs)
      files.push({
        path: path.resolve(log.path),
        rejectSamples: [],
        seconds: 0,
        error: `${path.resolve(log.path)}: a Zeek ${log.spec.kind} log is address context, which a ClickHouse store does not keep yet; import it into the case`,
      });
    for (let i = 0; i < split.flows.length; i++) {
      job.checkCancelled();
      const t0 = Date.now();
      try {
        files.push(
          await importOne(t, split.flows[i], options, job, `${i + 1}/${split.flows.length}`),
        );
      } catch (e) {
        const usage = e instanceof NetsiftError && e.code === 'usage';
        if (e instanceof CancelledError || job.signal.aborted || usage || !options.keepGoing)
          throw e;
        files.push({
          path: path.resolve(split.flows[i]),
          rejectSamples: [],
          seconds: (Date.now() - t0) / 1000,
          error: (e as Error).message,
        });
      }
    }
    const done = files.filter((f) => f.record);
    return {
      files,
      flows: done.reduce((a, f) => a + f.record!.rows_read, 0),
      rejects: done.reduce((a, f) => a + f.record!.rows_rejected, 0),
      dataLines: done.reduce((a, f) => a + f.record!.data_lines, 0),
      failed: files.length - done.length,
      seconds: (Date.now() - started) / 1000,
    };
  });
}

async function importOne(
  t: ImportTarget,
  file: string,
  options: ClickHouseImportOptions,
  job: JobContext,
  nth: string,
): Promise<ImportFileSummary> {
  const t0 = Date.now();
  const abs = path.resolve(file);
  const dir = fs.mkdtempSync(path.join(options.stageDir ?? os.tmpdir(), 'netsift-ch-stage-'));
  let tmp: CaseStore | null = null;
  try {
    // 1. the file into a temporary case, through the one importer
    tmp = await CaseStore.open(path.join(dir, 'stage.duckdb'), {
      memoryLimit: options.memoryLimit ?? '1GB',
    });
    const inner = importFiles(tmp, [abs], {
      format: options.format,
      tz: options.tz,
      mapping: options.mapping,
      rejectSamples: options.rejectSamples,
      keepGoing: false,
      noGeo: true,
    });
    job.onCancel(() => inner.cancel());
    inner.onProgress((p) => job.progress({ ...p, message: `${path.basename(abs)} (${nth})` }));
    const sum = await inner.result;
    const one = sum.files[0];
    const rec = one.record!;
    job.checkCancelled();
    const summary = { ...one, record: await send(t, tmp, dir, rec, abs, options, job, nth) };
    return { ...summary, seconds: (Date.now() - t0) / 1000 };
  } finally {
    tmp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function send(
  t: ImportTarget,
  tmp: CaseStore,
  dir: string,
  rec: ImportRecord,
  abs: string,
  options: ClickHouseImportOptions,
  job: JobContext,
  nth: string,
): Promise<ImportRecord> {
  const { ex } = t;
  if (!options.allowDuplicate) {
    const b = new Binder();
    const [dup] = await ex.rows<{ id: unknown }>(
      `SELECT id FROM ${t.importsTable} WHERE sha256 = ${b.str(rec.sha256)} AND state = 'done'
       AND (id, version) GLOBAL IN (SELECT id, max(version) FROM ${t.importsTable} GROUP BY id) LIMIT 1`,
      b.params,
    );
    if (dup)
      throw new NetsiftError(
        `${abs}: already imported into ${ex.location} (import ${Number(dup.id)}, same sha256); use --allow-duplicate to import it again`,
        'input',
      );
  }
  const details =
    (await tmp.one<{ d: string | null }>('SELECT details::VARCHAR AS d FROM imports LIMIT 1'))?.d ??
    '{}';
  const n = rec.rows_read;
  const { importId, base } = await allocate(t);
  const staging = `netsift_stage_${importId}_${Math.random().toString(16).slice(2, 10)}`;
  const row: ImportRow = {
    id: importId,
    state: 'staging',
    idLo: base + 1,
    idHi: base + n,
    rec,
    details,
    staging,
  };
  await writeState(ex, row);
  const signal = job.signal;
  let attached = false;
  try {
    // 3. stream into the staging table: DuckDB writes CSV into a pipe the insert reads
    await ex.command(stagingTableSql(FLOWS_TABLE, staging), undefined, { signal });
    const name = `${path.basename(abs)} (${nth})`;
    job.progress({ phase: 'send', done: 0, total: n, unit: 'rows', message: name });
    const micro = await hasMicroTimestamps(ex);
    // a connection lost before the server answered (a pooled socket it had closed) is tried
    // once more into a fresh staging table: whatever the first attempt wrote is dropped with it
    for (let attempt = 1; ; attempt++) {
      const csv = await copyStream(
        tmp,
        selectFlows(importId, base, micro),
        dir,
        `flows-${attempt}`,
        (lines) =>
          job.progress({
            phase: 'send',
            done: Math.min(lines, n),
            total: n,
            unit: 'rows',
            message: name,
          }),
      );
      try {
        await ex.insert(staging, SENT_COLUMNS, 'CSV', csv.body, {
          signal,
          // without the two min_ settings the server squashes blocks back to ~1M rows / 256 MB
          settings: options.insertBlockRows
            ? {
                max_insert_block_size: options.insertBlockRows,
                min_insert_block_size_rows: 0,
                min_insert_block_size_bytes: 0,
              }
            : undefined,
        });
        await csv.written;
        break;
      } catch (e) {
        csv.stop();
        await csv.written.catch(() => undefined);
        const lost = e instanceof StoreError && e.failure === 'connection-lost';
        if (!lost || attempt > 1 || signal.aborted) throw e;
        await ex.command(`DROP TABLE IF EXISTS ${staging}`);
        await ex.command(stagingTableSql(FLOWS_TABLE, staging), undefined, { signal });
      }
    }
    job.checkCancelled();
    // 4. all rows there? then attach, all parts at once
    const [c] = await ex.rows<{ n: unknown; bad: unknown }>(
      `SELECT count() AS n, countIf((src_num = ${ZERO} AND src_ip != '::') OR (dst_num = ${ZERO} AND dst_ip != '::')) AS bad
       FROM ${staging}`,
      undefined,
      { signal },
    );
    if (Number(c?.n) !== n)
      throw new NetsiftError(
        `${abs}: the server holds ${Number(c?.n)} of ${n} flows after the insert; nothing was imported`,
        'store',
      );
    if (Number(c?.bad) > 0)
      throw new NetsiftError(
        `${abs}: the server could not number ${Number(c?.bad)} addresses (IPv6StringToNum); nothing was imported`,
        'store',
      );
    job.progress({ phase: 'attach', done: n, total: n, unit: 'rows', message: name });
    await writeState(ex, { ...row, state: 'attaching' }, signal);
    job.checkCancelled();
    attached = true; // from here a failure detaches (it may have happened even if the call threw)
    await ex.command(`ALTER TABLE ${FLOWS_TABLE} ATTACH PARTITION ${importId} FROM ${staging}`); // our integer
    // 5. rejects, then the row that makes the import count
    if (rec.rows_rejected > 0) {
      const rej = await copyStream(
        tmp,
        `SELECT ${importId}, line, raw, reason FROM rejects ORDER BY line`,
        dir,
        'rejects',
      );
      try {
        await ex.insert(REJECTS_TABLE, ['import_id', 'line', 'raw', 'reason'], 'CSV', rej.body);
        await rej.written;
      } catch (e) {
        rej.stop();
        throw e;
      }
    }
    await writeState(ex, { ...row, state: 'done' });
  } catch (e) {
    // attached but not recorded: take the partition back; if even that fails, the import stays
    // 'attaching' and the next one settles it from what the flows table holds
    const undone = !attached || (await dropPartition(ex, importId));
    if (undone) {
      try {
        await writeState(ex, { ...row, state: 'failed' });
      } catch {
        // unreachable: a 'staging' row without its table is settled by a later import
      }
      await dropTable(ex, staging);
    }
    if (job.signal.aborted) throw new CancelledError('import');
    if (!undone)
      throw new NetsiftError(
        `${abs}: ${(e as Error).message}; the import may have landed whole on the server (never in part): ` +
          `the next import into this store settles it`,
        'store',
      );
    throw e;
  }
  await dropTable(ex, staging);
  return { ...rec, id: importId };
}
