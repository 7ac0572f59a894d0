// A ClickHouse server over HTTP(S) through the official client (@clickhouse/client). Per
// statement: its own query_id, a server-side time limit (max_execution_time), cancel (the
// request is aborted AND `KILL QUERY` is sent: old servers run a SELECT to its end otherwise),
// progress from system.processes, and every failure turned into a StoreError.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseSettings } from '@clickhouse/client';
import { CancelledError, NetsiftError } from '../../core/errors';
import type { ChExecutor, ExecOptions, InsertFormat, TypedResult } from './executor';
import { Binder, inlineParams, type Params } from './sql-params';
import { StoreError, translateError } from './store-errors';
import type { StoreTarget } from './store-url';

type Client = ReturnType<typeof createClient>;
const PROGRESS_MS = 500;

export interface HttpConnectOptions {
  /** From NETSIFT_CLICKHOUSE_PASSWORD or a prompt; never from the URL. */
  password: string;
  /** Client-side ceiling on one HTTP request, ms (default: the server limit plus a minute). */
  requestTimeoutMs?: number;
  /** How long connecting (the first queries) may take, ms (default CONNECT_DEADLINE_MS). */
  connectTimeoutMs?: number;
}

/**
 * Connecting answers within this or fails. Without it a hello that gets no answer waited for the
 * request timeout (a day without ?timeout=): a TLS hello sent to a plain HTTP port is read by the
 * server as the start of a request line and, unless its random bytes happen to end one, the
 * server waits for the rest as the client waits for the server's hello.
 */
export const CONNECT_DEADLINE_MS = 20_000;

export class HttpExecutor implements ChExecutor {
  private constructor(
    private readonly client: Client,
    readonly target: StoreTarget,
    readonly version: string,
    readonly queryParams: boolean,
    /** readonly=1 users may not set any setting (not even max_execution_time). */
    readonly settingsAllowed: boolean,
    /** Set on a session() view: every request of it carries this session id. */
    private readonly sessionId?: string,
  ) {}

  get location(): string {
    return this.target.display;
  }

  /** Connects and checks the credentials with a real query (the /ping endpoint does not). */
  static async connect(target: StoreTarget, opts: HttpConnectOptions): Promise<HttpExecutor> {
    let ca: Buffer | undefined;
    if (target.caFile) {
      try {
        ca = fs.readFileSync(target.caFile);
      } catch (e) {
        throw new NetsiftError(
          `${target.display}: cannot read the CA file ${target.caFile} (${(e as NodeJS.ErrnoException).code})`,
          'usage',
        );
      }
    }
    const limit = target.timeoutSeconds;
    const client = createClient({
      url: `${target.secure ? 'https' : 'http'}://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
      username: target.user,
      password: opts.password,
      database: target.database,
      application: 'netsift',
      // errors reach the caller as StoreErrors; the client's own console lines would repeat them
      log: { level: ClickHouseLogLevel.OFF },
      // below the server's keep-alive (3 s on old servers), so a pooled socket is rarely stale
      keep_alive: { enabled: true, idle_socket_ttl: 1500, eagerly_destroy_stale_sockets: true },
      request_timeout: opts.requestTimeoutMs ?? (limit ? (limit + 60) * 1000 : 24 * 3600 * 1000),
      ...(ca ? { tls: { ca_cert: ca } } : {}),
    });
    const where = target.display;
    const waitMs = opts.connectTimeoutMs ?? CONNECT_DEADLINE_MS;
    const deadline = AbortSignal.timeout(waitMs);
    try {
      const rows = await query<{ version: string; readonly: string }>(
        client,
        "SELECT version() AS version, getSetting('readonly') AS readonly",
        {},
        deadline,
      ).catch(async (e) => {
        // getSetting() is newer than some servers: ask system.settings instead
        if (!/getSetting/.test(String((e as Error).message))) throw e;
        return query<{ version: string; readonly: string }>(
          client,
          "SELECT version() AS version, (SELECT value FROM system.settings WHERE name = 'readonly') AS readonly",
          {},
          deadline,
        );
      });
      const version = rows[0].version;
      const settingsAllowed = String(rows[0].readonly) !== '1';
      const queryParams = await probeParams(client, deadline);
      return new HttpExecutor(client, target, version, queryParams, settingsAllowed);
    } catch (e) {
      await client.close().catch(() => undefined);
      if (deadline.aborted) throw noAnswer(target, waitMs);
      throw translateError(where, e, false);
    }
  }

  private settings(opts: ExecOptions | undefined): ClickHouseSettings {
    if (!this.settingsAllowed) return {};
    const limit = opts?.timeoutSeconds ?? this.target.timeoutSeconds;
    return {
      output_format_json_quote_64bit_integers: 0,
      ...(limit ? { max_execution_time: limit } : {}),
      ...(opts?.settings ?? {}),
    } as ClickHouseSettings;
  }

  private prepare(sql: string, params: Params | undefined): { sql: string; params?: Params } {
    if (!params || !Object.keys(params).length) return { sql };
    return this.queryParams ? { sql, params } : { sql: inlineParams(sql, params) };
  }

  /** Runs one request with its query_id, kill-on-abort and progress polling. */
  private async request<T>(
    opts: ExecOptions | undefined,
    run: (queryId: string, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const signal = opts?.signal;
    if (signal?.aborted) throw new CancelledError('query');
    const queryId = `netsift-${randomUUID()}`;
    const ctrl = new AbortController();
    const onAbort = () => {
      ctrl.abort();
      void this.kill(queryId);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts?.onProgress
      ? setInterval(() => void this.poll(queryId, opts), PROGRESS_MS)
      : null;
    try {
      return await run(queryId, ctrl.signal);
    } catch (e) {
      throw translateError(this.location, e, !!signal?.aborted);
    } finally {
      if (timer) clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * A SELECT; tried once more when the connection dropped before an answer (a pooled socket the
   * server closed, e.g. after its restart): reading twice changes nothing.
   */
  async rows<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<T[]> {
    try {
      return await this.select<T>(sql, params, opts);
    } catch (e) {
      if (!(e instanceof StoreError) || e.failure !== 'connection-lost' || opts?.signal?.aborted)
        throw e;
      return this.select<T>(sql, params, opts);
    }
  }

  private async select<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<T[]> {
    const p = this.prepare(sql, params);
    return this.request(opts, async (queryId, signal) => {
      const rs = await this.client.query({
        query: p.sql,
        query_params: p.params,
        format: 'JSONEachRow',
        query_id: queryId,
        session_id: this.sessionId,
        abort_signal: signal,
        clickhouse_settings: this.settings(opts),
      });
      return rs.json<T>();
    });
  }

  /**
   * A SELECT's rows with their column types. Not retried: a detection session's temporary
   * tables do not survive a dropped connection anyway.
   */
  async typed<T>(sql: string, params?: Params, opts?: ExecOptions): Promise<TypedResult<T>> {
    const p = this.prepare(sql, params);
    return this.request(opts, async (queryId, signal) => {
      const rs = await this.client.query({
        query: p.sql,
        query_params: p.params,
        format: 'JSON',
        query_id: queryId,
        session_id: this.sessionId,
        abort_signal: signal,
        clickhouse_settings: this.settings(opts),
      });
      const r = await rs.json<T>();
      return { meta: (r.meta ?? []) as TypedResult<T>['meta'], data: r.data };
    });
  }

  async session(): Promise<ChExecutor> {
    return new HttpExecutor(
      this.client,
      this.target,
      this.version,
      this.queryParams,
      this.settingsAllowed,
      `netsift-${randomUUID()}`,
    );
  }

  async command(sql: string, params?: Params, opts?: ExecOptions): Promise<void> {
    const p = this.prepare(sql, params);
    await this.request(opts, (queryId, signal) =>
      this.client.command({
        query: p.sql,
        query_params: p.params,
        query_id: queryId,
        session_id: this.sessionId,
        abort_signal: signal,
        clickhouse_settings: this.settings(opts),
      }),
    );
  }

  async insert(
    table: string,
    columns: readonly string[],
    format: InsertFormat,
    body: Readable,
    opts?: ExecOptions,
  ): Promise<void> {
    await this.request(opts, async (queryId, signal) => {
      const r = await this.client.exec({
        query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
        values: body,
        query_id: queryId,
        session_id: this.sessionId,
        abort_signal: signal,
        // a field starting with ' is text, not a quoted string (18.x reads it as quoted)
        clickhouse_settings: { ...this.settings(opts), format_csv_allow_single_quotes: 0 },
      });
      r.stream.destroy();
    });
  }

  /** Best effort: the request is aborted anyway; this stops the work on the server too. */
  private async kill(queryId: string): Promise<void> {
    const b = new Binder();
    const sql = `KILL QUERY WHERE query_id = ${b.str(queryId)} ASYNC`;
    try {
      const p = this.prepare(sql, b.params);
      await this.client.command({ query: p.sql, query_params: p.params });
    } catch {
      // a readonly user may not kill; the server then stops when it next writes to the socket
    }
  }

  private async poll(queryId: string, opts: ExecOptions): Promise<void> {
    const b = new Binder();
    const sql = `SELECT sum(read_rows) AS r, sum(total_rows_approx) AS t, sum(written_rows) AS w
                 FROM system.processes WHERE query_id = ${b.str(queryId)} OR initial_query_id = ${b.str(queryId)}`;
    try {
      const p = this.prepare(sql, b.params);
      const rs = await this.client.query({
        query: p.sql,
        query_params: p.params,
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ r: string | number; t: string | number; w: string | number }>();
      if (row)
        opts.onProgress?.({
          readRows: Number(row.r),
          totalRows: Number(row.t),
          writtenRows: Number(row.w),
        });
    } catch {
      // progress is best effort
    }
  }

  async close(): Promise<void> {
    // a session view leaves the connection to its owner (the server ends the session itself)
    if (this.sessionId) return;
    await this.client.close();
  }
}

async function query<T>(
  client: Client,
  sql: string,
  params: Params,
  signal?: AbortSignal,
): Promise<T[]> {
  const rs = await client.query({
    query: sql,
    query_params: params,
    format: 'JSONEachRow',
    ...(signal ? { abort_signal: signal } : {}),
  });
  return rs.json<T>();
}

/** Connecting got no answer in time: over TLS most likely a plain HTTP port (see CONNECT_DEADLINE_MS). */
function noAnswer(target: StoreTarget, ms: number): StoreError {
  const secs = `${Math.round(ms / 100) / 10} s`;
  return target.secure
    ? new StoreError(
        `${target.display}: no TLS answer within ${secs}: is ${target.port} the server's HTTPS port (https_port, often 8443)? A plain HTTP port never answers a TLS hello`,
        'tls',
      )
    : new StoreError(`${target.display}: no answer within ${secs} while connecting`, 'timeout');
}

/** Whether the server takes query parameters ({name:Type} placeholders); 18.x does not. */
async function probeParams(client: Client, signal?: AbortSignal): Promise<boolean> {
  try {
    const rows = await query<{ v: number }>(client, 'SELECT {v:UInt8} AS v', { v: 7 }, signal);
    return Number(rows[0]?.v) === 7;
  } catch (e) {
    const msg = String((e as Error).message);
    if (/param_v|Syntax error|Unrecognized token/i.test(msg)) return false;
    throw e;
  }
}
