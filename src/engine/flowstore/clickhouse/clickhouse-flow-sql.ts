// The detectors' statements on a ClickHouse server (or chdb): one server session per detection run,
// so the shared tables (detect/shared-tables.ts) are the session's temporary tables and vanish
// with it. Statements are rewritten for ClickHouse (detect-binds.ts) and run with the settings
// that make ClickHouse answer as SQL (and DuckDB) do (see dialect-detect.ts); rows come back
// converted by their types (typed-rows.ts). Only what a detector selects leaves the server.
import { CancelledError, NetsiftError } from '../../core/errors';
import { clickHouseDetect, type DetectDialect } from '../dialect-detect';
import type { Binds, FlowSql, TempColumnType } from '../flow-sql';
import { checkTempName } from '../duckdb-flow-sql';
import { toClickHouse } from './detect-binds';
import type { ChExecutor, ExecOptions } from './executor';
import { stringLiteral } from './sql-params';
import { addrNumSql } from './server-schema';
import type { TableModel } from './table-model';
import { plainRows } from './typed-rows';

/** Session settings every detector statement runs with (see dialect-detect.ts for why). */
export const DETECT_SETTINGS: Record<string, string | number> = {
  join_use_nulls: 1,
  aggregate_functions_null_for_empty: 1,
  prefer_column_name_to_alias: 1,
  union_default_mode: 'DISTINCT',
  output_format_json_quote_64bit_integers: 0,
  // NaN and infinities as JSON null, as DuckDB's NULL from a division by zero
  output_format_json_quote_denormals: 0,
  // a temp table keeps what a step computed, types included: a flag derived from a
  // LowCardinality column is LowCardinality(UInt8), which CREATE refuses by default
  allow_suspicious_low_cardinality_types: 1,
};

const CH_TYPES: Record<TempColumnType, string> = {
  bigint: 'Int64',
  double: 'Float64',
  text: 'String',
  bool: 'Bool',
};

/** Rows per INSERT ... VALUES statement of loadTemp. */
const VALUES_BATCH = 5000;

/**
 * The flows as netsift's columns: netsift's own table as it is; a mapped table through the
 * model's converting expressions (times as DateTime64, addresses numbered as netsift's).
 */
export function flowsRelation(model: TableModel, d: DetectDialect): string {
  if (model.own) return model.table;
  const s = model.sql;
  const us = model.time.us;
  const usEnd = model.timeEnd?.us;
  return `(SELECT ${s.id} AS id, ${s.import_id} AS import_id,
    fromUnixTimestamp64Micro(toInt64(${us}), 'UTC') AS ts,
    ${usEnd ? `fromUnixTimestamp64Micro(toInt64(${usEnd}), 'UTC')` : `CAST(NULL AS Nullable(DateTime64(6, 'UTC')))`} AS ts_end,
    ${s.proto} AS proto, ${s.state} AS state, CAST(NULL AS Nullable(String)) AS state_raw,
    ${s.src_ip} AS src_ip, ${s.src_port} AS src_port, ${s.dst_ip} AS dst_ip, ${s.dst_port} AS dst_port,
    ${s.src_bytes} AS src_bytes, ${s.dst_bytes} AS dst_bytes, ${s.src_pkts} AS src_pkts, ${s.dst_pkts} AS dst_pkts,
    ${s.label} AS label, ${addrNumSql(d, s.src_ip)} AS src_num, ${addrNumSql(d, s.dst_ip)} AS dst_num
  FROM ${model.table})`;
}

function literal(v: string | number | boolean | null, t: TempColumnType): string {
  if (v === null || v === undefined) throw new Error('internal: NULL in a loaded temp table');
  if (t === 'text') return stringLiteral(String(v));
  if (t === 'bool') return v ? 'true' : 'false';
  if (typeof v !== 'number' || !Number.isFinite(v) || (t === 'bigint' && !Number.isSafeInteger(v)))
    throw new Error(`internal: ${String(v)} is not a ${t}`);
  return String(v);
}

/** Why detection cannot run on this store's server, or null when it can. */
export function detectionRefusal(info: {
  location: string;
  serverVersion: string;
  dialect: string;
}): string | null {
  return info.dialect === 'clickhouse'
    ? null
    : `${info.location}: detection on the server needs ClickHouse 22.3 or later (window functions); ` +
        `this server is ${info.serverVersion}. Its flows can be browsed, not analysed, there`;
}

export class ClickHouseFlowSql implements FlowSql {
  readonly d: DetectDialect;
  readonly flows: string;
  private readonly temps = new Set<string>();
  private running: AbortController | null = null;
  private interrupted = false;

  private readonly settings: Record<string, string | number>;

  private constructor(
    private readonly ex: ChExecutor,
    model: TableModel,
    internal: string[],
    extra: Record<string, string | number> = {},
  ) {
    this.d = clickHouseDetect(internal);
    this.flows = flowsRelation(model, this.d);
    this.settings = { ...DETECT_SETTINGS, ...extra };
  }

  get where(): string {
    return this.ex.location;
  }

  /**
   * A detection session on the connection `ex`. Refused on servers without what the detectors'
   * SQL needs (window functions: 21.x and later; netsift requires 22.3 as for its reads).
   */
  static async open(
    ex: ChExecutor,
    model: TableModel,
    internal: string[],
    dialectName: string,
    /** More settings (tests: small blocks on many threads, so row order varies as on a server). */
    extra?: Record<string, string | number>,
  ): Promise<ClickHouseFlowSql> {
    const refusal = detectionRefusal({
      location: ex.location,
      serverVersion: ex.version,
      dialect: dialectName,
    });
    if (refusal) throw new NetsiftError(refusal, 'store');
    if (!ex.settingsAllowed)
      throw new NetsiftError(
        `${ex.location}: detection on the server needs a user that may change settings per query ` +
          '(readonly=0 or 2): its statements rely on join_use_nulls and similar settings',
        'store',
      );
    if (!model.time.us.includes('toUnixTimestamp64Micro') && model.own)
      throw new NetsiftError(
        `${ex.location}: table ${model.table} was made by an older server (times as integers); ` +
          'detection needs its times as DateTime64 (re-import into a new table)',
        'store',
      );
    return new ClickHouseFlowSql(await ex.session(), model, internal, extra);
  }

  /** `settings`: false for INSERT ... VALUES (a SETTINGS clause after the data is data). */
  private opts(settings = true): ExecOptions {
    if (this.interrupted) throw new CancelledError('detection');
    this.running = new AbortController();
    return { signal: this.running.signal, ...(settings ? { settings: this.settings } : {}) };
  }

  private done(): void {
    this.running = null;
  }

  async rows<T>(sql: string, binds?: Binds): Promise<T[]> {
    const st = toClickHouse(sql, binds);
    try {
      const r = await this.ex.typed<Record<string, unknown>>(st.sql, st.params, this.opts());
      return plainRows<T>(r.meta, r.data);
    } finally {
      this.done();
    }
  }

  async run(sql: string, binds?: Binds): Promise<void> {
    const st = toClickHouse(sql, binds);
    try {
      await this.ex.command(st.sql, st.params, this.opts());
    } finally {
      this.done();
    }
  }

  async createTemp(name: string, select: string, binds?: Binds): Promise<void> {
    await this.dropTemp(name);
    this.temps.add(checkTempName(name));
    await this.run(`CREATE TEMPORARY TABLE ${name} ENGINE = Memory AS ${select}`, binds);
  }

  async loadTemp(
    name: string,
    columns: [string, TempColumnType][],
    rows: (string | number | boolean | null)[][],
  ): Promise<void> {
    await this.dropTemp(name);
    this.temps.add(checkTempName(name));
    const cols = columns.map(([c, t]) => `${checkTempName(c)} ${CH_TYPES[t]}`).join(', ');
    await this.run(`CREATE TEMPORARY TABLE ${name} (${cols}) ENGINE = Memory`);
    for (let i = 0; i < rows.length; i += VALUES_BATCH) {
      const values = rows
        .slice(i, i + VALUES_BATCH)
        .map((r) => `(${columns.map(([, t], j) => literal(r[j], t)).join(', ')})`)
        .join(', ');
      try {
        await this.ex.command(`INSERT INTO ${name} VALUES ${values}`, undefined, this.opts(false));
      } finally {
        this.done();
      }
    }
  }

  async dropTemp(...names: string[]): Promise<void> {
    for (const n of names) {
      await this.run(`DROP TEMPORARY TABLE IF EXISTS ${checkTempName(n)}`);
      this.temps.delete(n);
    }
  }

  interrupt(): void {
    this.interrupted = true;
    this.running?.abort();
  }

  async close(): Promise<void> {
    this.interrupted = false;
    const left = [...this.temps];
    try {
      await this.dropTemp(...left);
    } catch {
      // the session ends with the connection's idle timeout anyway, and its tables with it
    }
    await this.ex.close();
  }
}
