// ClickHouse in process through the `chdb` npm package (a current engine, ~550 MB installed):
// netsift's ClickHouse SQL run in the current dialect without a server. Not a dependency of
// netsift: tests and the bench load it from tests/chdb/ (`npm install` there; .ci/run does)
// and skip visibly without it. Inserts go through a temporary file read with file().
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError } from '../../core/errors';
import type { ChExecutor, ExecOptions, InsertFormat, TypedResult } from './executor';
import { Binder, stringLiteral, type Params } from './sql-params';
import { translateError } from './store-errors';

interface ChdbResult {
  text(): string;
}
interface ChdbSession {
  queryAsync(q: string, o?: { format?: string; signal?: AbortSignal }): Promise<ChdbResult>;
  queryBindAsync(
    q: string,
    p: object,
    o?: { format?: string; signal?: AbortSignal },
  ): Promise<ChdbResult>;
  close(): void;
}
interface ChdbModule {
  Session: new (path?: string) => ChdbSession;
}

/** The chdb module from `dir` (a folder with node_modules/chdb), or null with the reason. */
export function loadChdb(dir: string): { mod: ChdbModule | null; why: string } {
  try {
    const req = createRequire(path.join(path.resolve(dir), 'package.json'));
    return { mod: req('chdb') as ChdbModule, why: '' };
  } catch (e) {
    return {
      mod: null,
      why: `chdb is not installed in ${dir} (cd ${dir} && npm install): ${(e as Error).message.split('\n')[0]}`,
    };
  }
}

const settingName = (k: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new Error(`internal: setting ${k}`);
  return k;
};

export class ChdbExecutor implements ChExecutor {
  readonly queryParams = true;
  readonly settingsAllowed = true;
  private constructor(
    private readonly session_: ChdbSession,
    readonly version: string,
    readonly location: string,
    private readonly tmp: string,
    /** False for a session() view: its close() leaves the session open. */
    private readonly owner = true,
  ) {}

  /** A session on `dataDir` (a temp folder when absent; removed on close then). */
  static async open(mod: ChdbModule, dataDir?: string): Promise<ChdbExecutor> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-chdb-'));
    const session = new mod.Session(dataDir ?? path.join(tmp, 'data'));
    const text = (
      await session.queryAsync('SELECT version() AS v', { format: 'JSONEachRow' })
    ).text();
    const version = String((JSON.parse(text.trim()) as { v: string }).v);
    return new ChdbExecutor(session, version, `chdb ${version} (in process)`, tmp);
  }

  private async run(
    sql: string,
    params: Params | undefined,
    opts: ExecOptions | undefined,
    format: string,
  ): Promise<string> {
    if (opts?.signal?.aborted) throw new CancelledError('query');
    // settings for this statement only (the HTTP executor sends them with the request)
    const settings = Object.entries(opts?.settings ?? {});
    if (settings.length)
      sql += `\nSETTINGS ${settings.map(([k, v]) => `${settingName(k)} = ${typeof v === 'number' ? v : stringLiteral(v)}`).join(', ')}`;
    try {
      const o = { format, signal: opts?.signal };
      const r =
        params && Object.keys(params).length
          ? await this.session_.queryBindAsync(sql, params, o)
          : await this.session_.queryAsync(sql, o);
      return r.text();
    } catch (e) {
      throw translateError(this.location, e, !!opts?.signal?.aborted);
    }
  }

  async rows<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<T[]> {
    const text = await this.run(sql, params, opts, 'JSONEachRow');
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as T);
  }

  async typed<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<TypedResult<T>> {
    const text = await this.run(sql, params, opts, 'JSON');
    if (!text.trim()) return { meta: [], data: [] };
    const r = JSON.parse(text) as TypedResult<T>;
    return { meta: r.meta, data: r.data };
  }

  /** chdb has one session per process: temporary tables already live in it. */
  async session(): Promise<ChExecutor> {
    return new ChdbExecutor(this.session_, this.version, this.location, this.tmp, false);
  }

  async command(sql: string, params?: Params, opts?: ExecOptions): Promise<void> {
    await this.run(sql, params, opts, 'TabSeparated');
  }

  async insert(
    table: string,
    columns: readonly string[],
    format: InsertFormat,
    body: Readable,
    opts?: ExecOptions,
  ): Promise<void> {
    const file = path.join(this.tmp, `insert-${process.hrtime.bigint()}.bin`);
    try {
      await pipeline(body, fs.createWriteStream(file), { signal: opts?.signal });
      const b = new Binder();
      const types = await this.rows<{ name: string; type: string }>(
        `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${b.str(table)}`,
        b.params,
      );
      const typeOf = new Map(types.map((t) => [t.name, t.type]));
      const structure = columns.map((c) => `${c} ${typeOf.get(c)}`).join(', ');
      await this.command(
        `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM file(${stringLiteral(file)}, '${format}', ${stringLiteral(structure)})
         SETTINGS format_csv_allow_single_quotes = 0`,
        undefined,
        opts,
      );
    } catch (e) {
      throw translateError(this.location, e, !!opts?.signal?.aborted);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (!this.owner) return;
    this.session_.close();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
