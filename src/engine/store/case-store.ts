// One DuckDB file per case. Opening applies migrations, refuses files from a newer netsift, and
// turns DuckDB's lock and permission errors into messages an analyst can act on.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { NETSIFT_VERSION } from '../../shared/version';
import { DEFAULT_INTERNAL_NETWORKS } from '../util/ip';
import { diskFullError, isDiskFull } from './disk-full';
import { finishPendingIds, importsAwaitingIds } from './flow-ids';
import { NetsiftError } from '../core/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { all, one, run, type Row, type SqlParams } from './sql';
import { installMacros } from './macros';
import {
  forgetInternalNetworks,
  readInternalNetworks,
  readSetting,
  type CaseReader,
} from './case-reader';

export interface OpenOptions {
  /** Open without write access (reports of a case another process holds are not possible: DuckDB locks the file). */
  readOnly?: boolean;
  /** Max DuckDB threads; defaults to DuckDB's own choice (all cores). */
  threads?: number;
  memoryLimit?: string;
}

/**
 * Storage settings of every case, set with SET GLOBAL (passed as instance config, DuckDB silently
 * ignored the first one). Measured on a 10M-flow import; bench/bare-load.mjs repeats the list so
 * the bench can show DuckDB's own load with the same settings.
 * - FSST string compression is analysed for every string column of every row group written, and
 *   flow columns never pick it (addresses, states, protocols go to dictionaries): the analysis
 *   alone cost 2.5-7 s of the load, for the same file size.
 * - The block allocator keeps up to 512 MB of DuckDB's 256 KB blocks for reuse instead of handing
 *   them back to the kernel. A bulk load allocates and frees blocks for every row group of every
 *   column: without the pool the import took about 400k page faults (the kernel zeroing fresh
 *   pages), with it about 260k, and 1-2 s less. Freed blocks are released with MADV_FREE, so the
 *   kernel can still take them back under memory pressure.
 */
export const CASE_SETTINGS = [
  "disabled_compression_methods = 'fsst'",
  "block_allocator_memory = '512MiB'",
];

export class CaseStore implements CaseReader {
  /** Every connection made on this case (macros bake the site in: see refreshMacros). */
  private readonly conns = new Set<WeakRef<DuckDBConnection>>();
  /** The DuckDB memory limit the case was opened with (null: DuckDB's default); see memory-cap.ts. */
  memoryLimit: string | null = null;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    /** The store's own connection for short queries; jobs take their own (see connect()). */
    readonly conn: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  /**
   * The same object for this store and every view of it on another connection (the service's
   * lanes): caches of query results key on it, so a page one lane read serves another.
   */
  get cacheScope(): object {
    return this.instance;
  }

  static async open(file: string, opts: OpenOptions = {}): Promise<CaseStore> {
    const memory = file === ':memory:';
    const abs = memory ? file : path.resolve(file);
    if (!memory) {
      const dir = path.dirname(abs);
      if (!fs.existsSync(dir))
        throw new NetsiftError(`${abs}: folder ${dir} does not exist`, 'case');
      if (fs.existsSync(abs) && fs.statSync(abs).isDirectory())
        throw new NetsiftError(`${abs}: is a folder, not a case file`, 'case');
      if (!opts.readOnly && fs.existsSync(abs)) {
        try {
          fs.accessSync(abs, fs.constants.W_OK);
        } catch {
          throw new NetsiftError(
            `${abs}: the case file is read-only; open it read-only or copy it somewhere writable`,
            'case',
          );
        }
      }
    }
    const config: Record<string, string> = {};
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(abs, config);
    } catch (e) {
      throw translateOpenError(abs, e);
    }
    const conn = await instance.connect();
    const store = new CaseStore(abs, instance, conn, !!opts.readOnly);
    store.memoryLimit = opts.memoryLimit ?? null;
    try {
      for (const setting of CASE_SETTINGS) await conn.run(`SET GLOBAL ${setting}`);
      await store.migrate();
      await store.finishInterruptedImport();
      await installMacros(conn);
    } catch (e) {
      store.close();
      throw isDiskFull(e) ? diskFullError(abs, e, OPEN_OUTCOME) : e;
    }
    return store;
  }

  /** A fresh connection on the same database, for a job that may be interrupted on its own. */
  async connect(): Promise<DuckDBConnection> {
    const c = await this.instance.connect();
    await installMacros(c);
    this.conns.add(new WeakRef(c));
    return c;
  }

  /**
   * Installs the macros again on the store's own connection and on every connection made by
   * connect() that is still open, after the internal networks changed (ip_internal and ip_class
   * carry the networks as literals). A closed connection refuses the statement and is dropped.
   */
  async refreshMacros(internalNetworks: string[]): Promise<void> {
    await installMacros(this.conn, internalNetworks);
    for (const ref of [...this.conns]) {
      const c = ref.deref();
      if (!c) {
        this.conns.delete(ref);
        continue;
      }
      try {
        await installMacros(c, internalNetworks);
      } catch {
        this.conns.delete(ref);
      }
    }
  }

  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return serial(this.conn, () => all<T>(this.conn, sql, params));
  }
  one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return serial(this.conn, () => one<T>(this.conn, sql, params));
  }
  run(sql: string, params?: SqlParams): Promise<void> {
    return serial(this.conn, () => run(this.conn, sql, params));
  }

  async schemaVersion(): Promise<number> {
    const r = await this.one<{ v: number }>('SELECT max(version) AS v FROM schema_meta');
    return r?.v ?? 0;
  }

  /** Numbers the flows of an import that stopped between its two commits (see flow-ids.ts). */
  private async finishInterruptedImport(): Promise<void> {
    if (!this.readOnly) {
      await finishPendingIds(this.conn);
      return;
    }
    const pending = await importsAwaitingIds(this.conn);
    if (pending.length)
      throw new NetsiftError(
        `${this.path}: import ${pending.join(', ')} stopped before its flows were numbered; open the case ` +
          `read-write once to finish it`,
        'case',
      );
  }

  private async migrate(): Promise<void> {
    const exists = await this.one<{ n: number }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'schema_meta'",
    );
    let current = 0;
    if (exists?.n) {
      const r = await this.one<{ v: number | null; by: string | null }>(
        'SELECT version AS v, written_by AS by FROM schema_meta ORDER BY version DESC LIMIT 1',
      );
      current = r?.v ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new NetsiftError(
          `${this.path}: this case was written by netsift ${r?.by ?? '?'} (case schema ${current}); ` +
            `this netsift ${NETSIFT_VERSION} reads schema ${SCHEMA_VERSION} or older. Update netsift to open it.`,
          'case',
        );
      }
    } else {
      const tables = await this.one<{ n: number }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main'",
      );
      if (tables?.n)
        throw new NetsiftError(`${this.path}: a DuckDB file, but not a netsift case`, 'case');
    }
    const pending = MIGRATIONS.filter((m) => m.version > current);
    if (pending.length === 0) return;
    if (this.readOnly)
      throw new NetsiftError(
        `${this.path}: case needs an upgrade but was opened read-only`,
        'case',
      );
    await this.run('BEGIN TRANSACTION');
    try {
      if (current === 0)
        await this.run(
          'CREATE TABLE schema_meta (version INTEGER NOT NULL, written_by VARCHAR NOT NULL, applied TIMESTAMP NOT NULL)',
        );
      for (const m of pending) {
        await this.conn.run(m.sql);
        await this.run('INSERT INTO schema_meta VALUES ($1, $2, now()::TIMESTAMP)', [
          m.version,
          NETSIFT_VERSION,
        ]);
      }
      if (current === 0)
        await this.run('INSERT INTO settings VALUES ($1, $2::JSON)', [
          'internal_networks',
          JSON.stringify(DEFAULT_INTERNAL_NETWORKS),
        ]);
      await this.run('COMMIT');
    } catch (e) {
      await this.run('ROLLBACK');
      throw e;
    }
  }

  getSetting<T>(key: string, fallback: T): Promise<T> {
    return readSetting(this, key, fallback);
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.run(
      'INSERT INTO settings VALUES ($1, $2::JSON) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, JSON.stringify(value)],
    );
    if (key === 'internal_networks') forgetInternalNetworks(this.cacheScope);
  }

  internalNetworks(): Promise<string[]> {
    return readInternalNetworks(this);
  }

  /** The store's own connection (CaseReader: code written against a DuckDBConnection). */
  connection(): Promise<DuckDBConnection> {
    return Promise.resolve(this.conn);
  }

  async flowCount(): Promise<number> {
    return (await this.one<{ n: number }>('SELECT count(*) AS n FROM flows'))?.n ?? 0;
  }

  close(): void {
    try {
      this.conn.closeSync();
    } catch {
      // already closed
    }
    this.instance.closeSync();
  }

  /**
   * Closes once nothing runs or waits on the store's connection. Closing DuckDB under a running
   * statement freed a mutex another thread held (the server aborted with pthread_mutex_lock's
   * assertion, or hung, issue 15). Not interrupted: the store's own statements are short, and
   * some are the analyst's writes (triage, settings). Other connections (the service's query
   * lanes, jobs) must be drained by their owners first.
   */
  async closeWhenIdle(): Promise<void> {
    await idle(this.conn);
    this.close();
  }
}

/** The tail of each connection's queue of statements (see serial()). */
const tails = new WeakMap<DuckDBConnection, { last: Promise<unknown>; pending: number }>();

/**
 * Statements on one connection run one after another, queued here rather than inside DuckDB: a
 * statement waiting for a busy connection inside DuckDB holds one of the four threads of Node's
 * worker pool, so a few callers on one busy connection stalled every other connection and every
 * file read of the process (the server hung under load, issue 15); and a connection whose queue
 * is empty is idle, so it can be closed safely.
 */
export function serial<T>(conn: DuckDBConnection, fn: () => Promise<T>): Promise<T> {
  const q = tails.get(conn) ?? { last: Promise.resolve(), pending: 0 };
  tails.set(conn, q);
  q.pending++;
  const run = q.last.then(fn);
  q.last = run.then(
    () => void q.pending--,
    () => void q.pending--,
  );
  return run;
}

/** Resolves when the connection's queue is empty (now, if it is). */
export async function idle(conn: DuckDBConnection): Promise<void> {
  for (let q = tails.get(conn); q && q.pending > 0; q = tails.get(conn)) await q.last;
}

/** What a full disk at open leaves: nothing changed (DuckDB commits whole transactions only). */
const OPEN_OUTCOME = 'the case was not changed; free some space and open it again';

function translateOpenError(file: string, e: unknown): Error {
  if (isDiskFull(e)) return diskFullError(file, e, OPEN_OUTCOME);
  const msg = e instanceof Error ? e.message : String(e);
  // "lock" as a word: DuckDB's checksum errors name a "block", which is no lock
  if (/\block\b/i.test(msg)) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    const follower = pid ? followerOf(file, Number(pid)) : null;
    if (follower)
      return new NetsiftError(
        `${file}: the case is being followed by netsift follow (pid ${pid}, ${follower}); stop it there (Ctrl-C) ` +
          'first, or follow from the workspace, which follows inside the process that has the case open',
        'case',
      );
    return new NetsiftError(
      `${file}: the case is already open in another process${pid ? ` (pid ${pid})` : ''}; close it there first`,
      'case',
    );
  }
  if (/permission denied|read-only/i.test(msg))
    return new NetsiftError(
      `${file}: cannot open the case file for writing (permission denied)`,
      'case',
    );
  if (/Corrupt database file|checksum/i.test(msg))
    return new NetsiftError(`${file}: not a readable netsift case (the file is damaged or not a case)`, 'case');
  if (/not a valid DuckDB database|file is not a/i.test(msg))
    return new NetsiftError(`${file}: not a netsift case file (not a DuckDB database)`, 'case');
  return new NetsiftError(`${file}: cannot open case: ${msg}`, 'case');
}

/**
 * What a `netsift follow` holding the case follows, from the marker it keeps beside the case
 * (src/engine/follow/follower-marker.ts); null when the lock holder is not a follower.
 */
function followerOf(file: string, pid: number): string | null {
  try {
    const m = JSON.parse(fs.readFileSync(`${file}.follow/follower.json`, 'utf8')) as {
      pid: number;
      source: string;
      started: string;
    };
    return m.pid === pid ? `${m.source} since ${m.started}` : null;
  } catch {
    return null;
  }
}
