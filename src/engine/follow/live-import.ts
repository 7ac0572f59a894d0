// A live import: one imports row that grows batch by batch while a source (the NetFlow listener,
// a growing text file: growing-file.ts) keeps delivering flows. Each batch is one
// transaction on the import's own connection: its flows (validated by the import pipeline's own
// SQL, validate-sql.ts), its rejects and the imports row's counters move together, so a crash or
// a failed batch leaves the case at the last committed batch, never half of one.
//
// Accounting, as for files: every unit the source received is a flow or a reject, and
// data_lines = rows_read + rows_rejected holds after every batch (checked in the transaction).
// A reject's `line` is the source's locator (the datagram number for the listener, the line of
// the file for a growing file).
//
// Two ways in: append() takes decoded rows (the listener), appendStaged() a chunk a format's own
// reader staged on a connection (chunk-stage.ts). A batch may be refused before its commit by
// the caller's limit check (retention in stop mode): then nothing of it is written.
import { DuckDBTimestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { ImportRecord } from '../../shared/model';
import { RAW_MAX, RAW_SQL, reasonSql } from '../import/validate-sql';
import { nextIds, sqlTime } from '../import/write-step';
import { STAGE_COLUMNS } from '../import/types';
import { insertStagedFlowsSql, type StageValidation } from '../import/stage-validate';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { one } from '../store/sql';

/** One flow in the staging layout (types.ts STAGE_COLUMNS) plus its numeric addresses. */
export interface LiveRow {
  line: number;
  /** ms since the epoch (fractions kept to the microsecond) */
  ts: number;
  tsEnd: number | null;
  proto: string;
  state: string;
  stateRaw: string | null;
  srcIp: string;
  srcPort: number | null;
  dstIp: string;
  dstPort: number | null;
  srcBytes: number;
  dstBytes: number;
  srcPkts: number | null;
  dstPkts: number | null;
  srcNum: bigint;
  dstNum: bigint;
}

export interface LiveReject {
  line: number;
  raw: string;
  reason: string;
}

/** What the imports row says about the source, rewritten at every batch. */
export interface LiveSourceState {
  /** bytes received so far */
  size: number;
  /** sha256 of what was received so far (the source says of what exactly, in details) */
  sha256: string;
  details: Record<string, unknown>;
}

/** A chunk a format's reader staged on `conn` and validateStage() judged (chunk-stage.ts). */
export interface StagedBatch {
  conn: DuckDBConnection;
  validation: StageValidation;
  /** data lines the reader saw in the chunk: flows + rejects */
  dataLines: number;
  /**
   * Chunk lines 1..headerLines are the file's own first lines; chunk line headerLines + k is file
   * line firstLine + k - 1. Reject lines are stored as file lines.
   */
  headerLines: number;
  firstLine: number;
}

/**
 * Run inside the batch's transaction after its rows are in: a message refuses the batch (it is
 * rolled back and LimitReached thrown), null lets it commit.
 */
export type BeforeCommit = (conn: DuckDBConnection) => Promise<string | null>;

/** The batch was not written: the case would have passed a limit the analyst set. */
export class LimitReached extends NetsiftError {
  constructor(message: string) {
    super(message, 'case');
  }
}

export interface BatchResult {
  importId: number;
  batch: number;
  flows: number;
  rejects: number;
  totalFlows: number;
  totalRejects: number;
  /** first and last flow start of this batch, ISO 8601 UTC (null: no flows) */
  firstTs: string | null;
  lastTs: string | null;
  /** the batch's flows are ids first..last (null: no flows) */
  flowIds: { first: number; last: number } | null;
}

const micros = (ms: number) => new DuckDBTimestampValue(BigInt(Math.round(ms * 1000)));

function appendRow(app: DuckDBAppender, r: LiveRow): void {
  const num = (x: number | null) => (x === null ? app.appendNull() : app.appendBigInt(BigInt(x)));
  app.appendBigInt(BigInt(r.line));
  app.appendTimestamp(micros(r.ts));
  if (r.tsEnd === null) app.appendNull();
  else app.appendTimestamp(micros(r.tsEnd));
  app.appendVarchar(r.proto);
  app.appendVarchar(r.state);
  if (r.stateRaw === null) app.appendNull();
  else app.appendVarchar(r.stateRaw);
  app.appendVarchar(r.srcIp);
  num(r.srcPort);
  app.appendVarchar(r.dstIp);
  num(r.dstPort);
  num(r.srcBytes);
  num(r.dstBytes);
  num(r.srcPkts);
  num(r.dstPkts);
  app.appendNull(); // label
  app.appendNull(); // raw: rebuilt from the fields for a reject message (RAW_SQL)
  app.appendUHugeInt(r.srcNum);
  app.appendUHugeInt(r.dstNum);
  app.endRow();
}

export class LiveImport {
  private importId: number | null = null;
  private batches = 0;
  private flows = 0;
  private rejects = 0;
  private closed = false;

  private constructor(
    private readonly store: CaseStore,
    private readonly conn: DuckDBConnection,
    private readonly path: string,
    private readonly format: string,
    private readonly started: string,
  ) {}

  /** Opens the import's connection; the imports row appears with the first batch. */
  static async start(store: CaseStore, path: string, format: string): Promise<LiveImport> {
    if (store.readOnly)
      throw new NetsiftError(
        `${store.path}: the case is open read-only; cannot import into it`,
        'case',
      );
    const conn = await store.connect();
    return new LiveImport(store, conn, path, format, sqlTime(new Date()));
  }

  /** Continues import `id` (a growing file followed again after a stop): its counters go on. */
  static async resume(store: CaseStore, id: number): Promise<LiveImport> {
    const r = await store.one<{
      path: string;
      format: string;
      rows_read: number;
      rows_rejected: number;
      batches: number | null;
    }>(
      `SELECT path, format, rows_read, rows_rejected,
         TRY_CAST(json_extract(details, '$.batches') AS INTEGER) AS batches FROM imports WHERE id = $1`,
      [id],
    );
    if (!r) throw new NetsiftError(`import ${id} is not in ${store.path}`, 'internal');
    const live = await LiveImport.start(store, r.path, r.format);
    live.importId = id;
    live.flows = r.rows_read;
    live.rejects = r.rows_rejected;
    live.batches = r.batches ?? 0;
    return live;
  }

  get id(): number | null {
    return this.importId;
  }

  get totals(): { batches: number; flows: number; rejects: number } {
    return { batches: this.batches, flows: this.flows, rejects: this.rejects };
  }

  /** A connection for staging a chunk (its temp tables stay private to it); close it after. */
  connect(): Promise<DuckDBConnection> {
    return this.store.connect();
  }

  /** Writes one batch (flows, rejects, the updated imports row) in one transaction. */
  async append(
    rows: LiveRow[],
    rejects: LiveReject[],
    state: LiveSourceState,
    beforeCommit?: BeforeCommit,
  ): Promise<BatchResult> {
    if (this.closed) throw new NetsiftError(`${this.path}: the live import is closed`, 'internal');
    const c = this.conn;
    await c.run(
      `CREATE OR REPLACE TEMP TABLE live_stage (${STAGE_COLUMNS}, src_num UHUGEINT, dst_num UHUGEINT)`,
    );
    await c.run(
      'CREATE OR REPLACE TEMP TABLE live_rejects (line BIGINT, raw VARCHAR, reason VARCHAR)',
    );
    if (rows.length) {
      const app = await c.createAppender('live_stage', 'main', 'temp');
      try {
        // appending is synchronous: yield now and then so a source on this event loop (the
        // listener's socket) keeps being read while a large batch goes in
        for (let i = 0; i < rows.length; i++) {
          appendRow(app, rows[i]);
          if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
        }
        app.flushSync();
      } finally {
        app.closeSync();
      }
    }
    if (rejects.length) {
      const app = await c.createAppender('live_rejects', 'main', 'temp');
      try {
        for (const r of rejects) {
          app.appendBigInt(BigInt(r.line));
          app.appendVarchar(r.raw.slice(0, RAW_MAX));
          app.appendVarchar(r.reason);
          app.endRow();
        }
        app.flushSync();
      } finally {
        app.closeSync();
      }
    }
    // the pipeline's checks (the source numbered the addresses from their bytes: none is bad);
    // the raw text is rebuilt only for failing rows, as the pipeline does
    await c.run(`CREATE OR REPLACE TEMP TABLE live_bad AS
      SELECT b.ord, s.line, left(${RAW_SQL}, ${RAW_MAX}) AS raw, b.reason
      FROM (SELECT * FROM (SELECT s.rowid AS ord, ${reasonSql(() => null)} AS reason FROM live_stage s)
            WHERE reason IS NOT NULL) b
      JOIN live_stage s ON s.rowid = b.ord`);
    const bad = (await one<{ n: number }>(c, 'SELECT count(*) AS n FROM live_bad'))!.n;
    // dense ids in arrival order: the stage rowid when every row is good, else numbered survivors
    const idExpr = bad === 0 ? 's.rowid + 1' : 'row_number() OVER (ORDER BY s.rowid)';
    const keep = bad === 0 ? '' : 'WHERE s.rowid NOT IN (SELECT ord FROM live_bad)';
    return this.commit(c, {
      flowsSql: `INSERT INTO flows (id, import_id, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
           src_bytes, dst_bytes, src_pkts, dst_pkts, label, src_num, dst_num)
         SELECT $1::BIGINT + ${idExpr}, $2, s.ts, s.ts_end, s.proto, s.state,
           nullif(s.state_raw, s.state), s.src_ip, s.src_port::INTEGER, s.dst_ip, s.dst_port::INTEGER,
           coalesce(s.src_bytes, 0), coalesce(s.dst_bytes, 0), s.src_pkts, s.dst_pkts, s.label, s.src_num, s.dst_num
         FROM live_stage s ${keep}`,
      good: rows.length - bad,
      rejectsSql: [
        'INSERT INTO rejects SELECT $1, line, raw, reason FROM live_rejects',
        'INSERT INTO rejects SELECT $1, coalesce(line, 0), raw, reason FROM live_bad',
      ],
      rejected: rejects.length + bad,
      dataLines: rows.length + rejects.length,
      state,
      beforeCommit,
    });
  }

  /** Writes a staged chunk (see StagedBatch) as one batch, in one transaction on its connection. */
  async appendStaged(
    b: StagedBatch,
    state: LiveSourceState,
    beforeCommit?: BeforeCommit,
  ): Promise<BatchResult> {
    if (this.closed) throw new NetsiftError(`${this.path}: the live import is closed`, 'internal');
    const c = b.conn;
    const staged = (await one<{ n: number }>(c, 'SELECT count(*) AS n FROM stage_flows'))!.n;
    const readerRejects = (await one<{ n: number }>(c, 'SELECT count(*) AS n FROM stage_rejects'))!
      .n;
    const good = staged - b.validation.bad;
    const rejected = readerRejects + b.validation.bad;
    if (good + rejected !== b.dataLines)
      throw new NetsiftError(
        `${this.path}: the reader accounted for ${good} flows + ${rejected} rejects but the chunk from line ` +
          `${b.firstLine} has ${b.dataLines} data lines; batch not written (a netsift bug: please report it with the file)`,
        'internal',
      );
    // chunk lines to file lines: the header lines are the file's own, the rest are shifted
    const line = `CASE WHEN line <= ${b.headerLines} THEN line ELSE line + ${b.firstLine - b.headerLines - 1} END`;
    return this.commit(c, {
      flowsSql: insertStagedFlowsSql(b.validation),
      good,
      rejectsSql: [
        `INSERT INTO rejects SELECT $1, coalesce(${line}, 0), left(coalesce(raw, ''), ${RAW_MAX}), reason FROM stage_rejects`,
        `INSERT INTO rejects SELECT $1, coalesce(${line}, 0), raw, reason FROM stage_bad`,
      ],
      rejected,
      dataLines: b.dataLines,
      state,
      beforeCommit,
    });
  }

  /**
   * The batch's transaction: the imports row (created by the first batch), the flows (flowsSql
   * with $1 = the highest flow id so far, $2 = the import), the rejects (each SQL with $1 = the
   * import), the counters, the accounting check, the caller's limit check, COMMIT.
   */
  private async commit(
    c: DuckDBConnection,
    w: {
      flowsSql: string;
      good: number;
      rejectsSql: string[];
      rejected: number;
      dataLines: number;
      state: LiveSourceState;
      beforeCommit?: BeforeCommit;
    },
  ): Promise<BatchResult> {
    let span: { first: string | null; last: string | null };
    let base = 0;
    await c.run('BEGIN TRANSACTION');
    try {
      const ids = await nextIds(c);
      base = ids.base;
      const first = this.importId === null;
      const importId = this.importId ?? ids.importId;
      if (first)
        await c.run(
          `INSERT INTO imports VALUES ($1, $2, 0, '', $3, 0, 0, 0, $4::TIMESTAMP, $4::TIMESTAMP, 'UTC', NULL, NULL, '{}'::JSON)`,
          [importId, this.path, this.format, this.started],
        );
      const ins = await c.run(w.flowsSql, [ids.base, importId]);
      if (ins.rowsChanged !== w.good)
        throw new NetsiftError(
          `${this.path}: batch ${this.batches + 1} wrote ${ins.rowsChanged} flows, expected ${w.good}; batch not written (a netsift bug)`,
          'internal',
        );
      for (const sql of w.rejectsSql) await c.run(sql, [importId]);
      // ids above the base are this batch's (the write gate keeps writers one at a time)
      span = (await one<{ first: string | null; last: string | null }>(
        c,
        'SELECT min(ts) AS first, max(ts) AS last FROM flows WHERE import_id = $1 AND id > $2',
        [importId, ids.base],
      ))!;
      await c.run(
        `UPDATE imports SET size = $2, sha256 = $3, data_lines = data_lines + $4, rows_read = rows_read + $5,
           rows_rejected = rows_rejected + $6, finished = $7::TIMESTAMP,
           first_ts = CASE WHEN first_ts IS NULL OR b.f < first_ts THEN b.f ELSE first_ts END,
           last_ts = CASE WHEN last_ts IS NULL OR b.l > last_ts THEN b.l ELSE last_ts END,
           details = $8::JSON
         FROM (SELECT min(ts) AS f, max(ts) AS l FROM flows WHERE import_id = $1 AND id > $9) b
         WHERE imports.id = $1`,
        [
          importId,
          w.state.size,
          w.state.sha256,
          w.dataLines,
          w.good,
          w.rejected,
          sqlTime(new Date()),
          JSON.stringify({ ...w.state.details, batches: this.batches + 1 }),
          ids.base,
        ],
      );
      const check = (await one<{ ok: boolean; n: number }>(
        c,
        'SELECT rows_read + rows_rejected = data_lines AS ok, rows_read AS n FROM imports WHERE id = $1',
        [importId],
      ))!;
      if (!check.ok || check.n !== this.flows + w.good)
        throw new NetsiftError(
          `${this.path}: the import's counters do not add up after batch ${this.batches + 1}; batch not written (a netsift bug)`,
          'internal',
        );
      const refused = w.beforeCommit ? await w.beforeCommit(c) : null;
      if (refused) throw new LimitReached(refused);
      await c.run('COMMIT');
      this.importId = importId;
    } catch (e) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
    this.batches++;
    this.flows += w.good;
    this.rejects += w.rejected;
    return {
      importId: this.importId,
      batch: this.batches,
      flows: w.good,
      rejects: w.rejected,
      totalFlows: this.flows,
      totalRejects: this.rejects,
      firstTs: span.first,
      lastTs: span.last,
      flowIds: w.good ? { first: base + 1, last: base + w.good } : null,
    };
  }

  /** Rewrites the imports row's source state (details, size, hash) without new flows. */
  async update(state: LiveSourceState): Promise<void> {
    if (this.importId === null || this.closed) return;
    await this.conn.run(
      `UPDATE imports SET size = $2, sha256 = $3, finished = $4::TIMESTAMP, details = $5::JSON WHERE id = $1`,
      [
        this.importId,
        state.size,
        state.sha256,
        sqlTime(new Date()),
        JSON.stringify({ ...state.details, batches: this.batches }),
      ],
    );
  }

  /** The imports row as it stands (null when no batch was written). */
  async record(): Promise<ImportRecord | null> {
    if (this.importId === null) return null;
    return (
      (await one<ImportRecord>(this.conn, 'SELECT * EXCLUDE (details) FROM imports WHERE id = $1', [
        this.importId,
      ])) ?? null
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
  }
}
