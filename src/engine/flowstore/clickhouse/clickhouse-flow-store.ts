// Flows on a ClickHouse server (or chdb in process) as a FlowStore. The analyst's case stays the
// local DuckDB file: it gives the internal networks (address classes), and the host panel's
// blacklist hits and incidents; every flow query runs on the server.
import type { FlowSelector, ImportRecord, ImportSummary } from '../../../shared/model';
import type {
  CountRequest,
  FlowsPage,
  FlowsRequest,
  HostSummary,
  PairScatter,
  PairScatterRequest,
  PortBucket,
  PortDistributionRequest,
  Timeline,
  TimelineRequest,
  TopTalker,
  TopTalkersRequest,
} from '../../../shared/query';
import type { Job } from '../../core/job';
import { hostSummary } from '../../query/host-summary';
import type { CaseStore } from '../../store/case-store';
import { NetsiftError } from '../../core/errors';
import { DEFAULT_INTERNAL_NETWORKS, parseCidr, type IpRange } from '../../util/ip';
import { clickHouseDialect, type Dialect } from '../dialect';
import type { FlowCallOptions, FlowStore, FlowStoreInfo, StoredFlow } from '../flow-store';
import { scanFlowsCh } from './queries/scan';
import {
  ensureTables,
  importToClickHouse,
  type ClickHouseImportOptions,
} from './clickhouse-import';
import type { ChExecutor, ExecOptions } from './executor';
import type { StoreMapping } from './mapping-file';
import { countFlowsCh, queryFlowsCh } from './queries/flows-page';
import { portDistributionCh, timelineCh, topTalkersCh } from './queries/charts';
import { hostFlowsCh } from './queries/host';
import { importsCh } from './queries/imports';
import { pairScatterCh } from './queries/pair-scatter';
import { kindOf, num, type QueryContext } from './query-context';
import { Binder } from './sql-params';
import { StoreError } from './store-errors';
import { FLOWS_TABLE, IMPORTS_TABLE } from './server-schema';
import { tableModel, type ColumnInfo, type TableModel } from './table-model';
import type { FlowSql } from '../flow-sql';
import { ClickHouseFlowSql } from './clickhouse-flow-sql';

export interface ClickHouseStoreOptions {
  /** Where it is, without password (the executor's location when absent). */
  location?: string;
  /** Flows table to read (default `flows`; a Distributed table over it works the same). */
  table?: string;
  /** Imports table to read (default `imports`). */
  importsTable?: string;
  /** An existing table with its own column names, read-only. */
  mapping?: StoreMapping;
  /** The analyst's local case (internal networks; host incidents and blacklist hits). */
  caseStore?: CaseStore;
  /** Internal networks when there is no case (default: the private ranges). */
  internalNetworks?: string[];
  /** Extra settings for detection statements (tests vary row order with them). */
  detectSettings?: Record<string, string | number>;
}

const call = (o?: FlowCallOptions): ExecOptions | undefined =>
  o ? { signal: o.signal, onProgress: o.onProgress } : undefined;

export class ClickHouseFlowStore implements FlowStore {
  readonly info: FlowStoreInfo;
  readonly dialect: Dialect;
  private model: TableModel | null = null;
  private internal: IpRange[] = [];

  private constructor(
    readonly ex: ChExecutor,
    private readonly opts: ClickHouseStoreOptions,
  ) {
    this.dialect = clickHouseDialect(ex.version, ex.queryParams);
    this.info = {
      kind: 'clickhouse',
      location: opts.location ?? ex.location,
      table: opts.mapping?.table ?? opts.table ?? FLOWS_TABLE,
      readOnly: !!opts.mapping,
      serverVersion: ex.version,
      dialect: this.dialect.name,
    };
  }

  /** Wraps a connected executor; the store owns it from here (close() closes it). */
  static async create(
    ex: ChExecutor,
    opts: ClickHouseStoreOptions = {},
  ): Promise<ClickHouseFlowStore> {
    const s = new ClickHouseFlowStore(ex, opts);
    const nets = opts.caseStore
      ? await opts.caseStore.internalNetworks()
      : (opts.internalNetworks ?? DEFAULT_INTERNAL_NETWORKS);
    s.internal = nets.map(parseCidr).filter((r): r is IpRange => r !== null);
    return s;
  }

  /** The table as netsift fields (read once; reloaded after an import created it). */
  async tableModel(opts?: ExecOptions): Promise<TableModel> {
    if (this.model) return this.model;
    const table = this.info.table;
    const b = new Binder();
    const columns = await this.ex.rows<ColumnInfo>(
      `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${b.str(table)}`,
      b.params,
      opts,
    );
    if (!columns.length)
      throw new StoreError(
        `${this.info.location}: no table ${table}` +
          (this.opts.mapping
            ? ` (named in ${this.opts.mapping.file})`
            : '; import flows first (netsift import FILE --store URL)'),
        'table',
      );
    this.model = tableModel({
      table,
      dialect: this.dialect,
      columns,
      mapping: this.opts.mapping
        ? { fields: this.opts.mapping.fields, tsUnit: this.opts.mapping.tsUnit }
        : undefined,
    });
    return this.model;
  }

  private async ctx(opts?: FlowCallOptions): Promise<QueryContext> {
    return {
      ex: this.ex,
      model: await this.tableModel(call(opts)),
      dialect: this.dialect,
      internal: this.internal,
    };
  }

  async queryFlows(req: FlowsRequest, o?: FlowCallOptions): Promise<FlowsPage> {
    return queryFlowsCh(await this.ctx(o), req, call(o));
  }
  async countFlows(req: CountRequest, o?: FlowCallOptions): Promise<number> {
    return countFlowsCh(await this.ctx(o), req, call(o));
  }
  async timeline(req: TimelineRequest, o?: FlowCallOptions): Promise<Timeline> {
    return timelineCh(await this.ctx(o), req, call(o));
  }
  async topTalkers(req: TopTalkersRequest, o?: FlowCallOptions): Promise<TopTalker[]> {
    return topTalkersCh(await this.ctx(o), req, call(o));
  }
  async portDistribution(req: PortDistributionRequest, o?: FlowCallOptions): Promise<PortBucket[]> {
    return portDistributionCh(await this.ctx(o), req, call(o));
  }
  async pairScatter(req: PairScatterRequest, o?: FlowCallOptions): Promise<PairScatter> {
    return pairScatterCh(await this.ctx(o), req, call(o));
  }

  async scanFlows(
    sel: FlowSelector,
    onBatch: (rows: StoredFlow[]) => Promise<void> | void,
    o?: FlowCallOptions & { batch?: number },
  ): Promise<number> {
    return scanFlowsCh(await this.ctx(o), sel, onBatch, { ...call(o), batch: o?.batch });
  }

  async hostSummary(ip: string, o?: FlowCallOptions): Promise<HostSummary> {
    const ctx = await this.ctx(o);
    const flows = await hostFlowsCh(ctx, ip, call(o));
    // the case holds no flows of a server store: its summary gives just the case's parts
    const local = this.opts.caseStore ? await hostSummary(this.opts.caseStore, ip) : null;
    const kind = local?.kind ?? kindOf(ctx, flows.ip);
    return {
      ...flows,
      kind,
      internal: kind === 'internal',
      blacklist: local?.blacklist ?? [],
      incidents: local?.incidents ?? [],
    };
  }

  importFiles(paths: string[], options: ClickHouseImportOptions = {}): Job<ImportSummary> {
    if (this.info.readOnly)
      throw new NetsiftError(
        `${this.info.location}: table ${this.info.table} is mapped from ${this.opts.mapping!.file} and read-only; netsift imports into its own flows table`,
        'usage',
      );
    const job = importToClickHouse(
      { ex: this.ex, dialect: this.dialect, importsTable: this.opts.importsTable ?? IMPORTS_TABLE },
      paths,
      options,
    );
    void job.result.then(
      () => (this.model = null),
      () => (this.model = null),
    );
    return job;
  }

  /** Creates netsift's tables when missing (an import does this itself). */
  async ensureTables(): Promise<void> {
    await ensureTables(this.ex, this.dialect);
    this.model = null;
  }

  async imports(o?: FlowCallOptions): Promise<ImportRecord[]> {
    if (this.info.readOnly) return [];
    return importsCh(this.ex, this.opts.importsTable ?? IMPORTS_TABLE, call(o));
  }

  async flowCount(o?: FlowCallOptions): Promise<number> {
    const m = await this.tableModel(call(o));
    const [r] = await this.ex.rows<{ n: unknown }>(
      `SELECT count() AS n FROM ${m.table}`,
      undefined,
      call(o),
    );
    return num(r?.n ?? 0);
  }

  /** Flows, first and last flow time (ISO; null when there are none). */
  async span(
    o?: FlowCallOptions,
  ): Promise<{ n: number; first: string | null; last: string | null }> {
    const m = await this.tableModel(call(o));
    const [r] = await this.ex.rows<{ n: unknown; lo: unknown; hi: unknown }>(
      `SELECT count() AS n, min(${m.time.us}) AS lo, max(${m.time.us}) AS hi FROM ${m.table}`,
      undefined,
      call(o),
    );
    const n = num(r?.n ?? 0);
    const iso = (us: unknown) => (n ? new Date(Math.floor(num(us) / 1000)).toISOString() : null);
    return { n, first: iso(r?.lo), last: iso(r?.hi) };
  }

  async openDetection(internalNetworks: string[]): Promise<FlowSql> {
    const model = await this.tableModel();
    return ClickHouseFlowSql.open(
      this.ex,
      model,
      internalNetworks,
      this.dialect.name,
      this.opts.detectSettings,
    );
  }

  async close(): Promise<void> {
    await this.ex.close();
  }
}
