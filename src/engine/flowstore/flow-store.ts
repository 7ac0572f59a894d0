// The flow-store boundary: everything the workspace and reports ask of a case's FLOWS, whoever
// keeps them. Two implementations: the DuckDB case file (duckdb-flow-store.ts, today's query
// functions unchanged) and a ClickHouse server (clickhouse/clickhouse-flow-store.ts). The analyst's
// case (incidents, alerts, triage, rules, view, settings) always stays in the local DuckDB file.
import type { Flow, FlowSelector, ImportRecord, ImportSummary } from '../../shared/model';
import type { ImportJobOptions } from '../import/pipeline';
import type { Job } from '../core/job';
import type { FlowSql } from './flow-sql';
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
} from '../../shared/query';

export type FlowStoreKind = 'duckdb' | 'clickhouse';

/** Per call: cancel (aborts the request and, on a server, kills the query) and progress. */
export interface FlowCallOptions {
  signal?: AbortSignal;
  /** Rows read so far and the server's estimate of the total (best effort). */
  onProgress?: (p: { readRows: number; totalRows: number }) => void;
}

export interface FlowStoreInfo {
  kind: FlowStoreKind;
  /** Where the flows live, without any password: a case path or clickhouse://user@host:port/db. */
  location: string;
  /** Table read, and whether it is netsift's own (writable) or a mapped one (read-only). */
  table: string;
  readOnly: boolean;
  /** Server version for ClickHouse ('' for DuckDB) and the SQL dialect chosen for it. */
  serverVersion: string;
  dialect: string;
}

/**
 * A flow as the store holds it, for exports: times in microseconds since the epoch (the store's
 * own precision, which ISO text to the millisecond would lose) and `state_raw` read as
 * coalesce(state_raw, state), as the case's report reads it (STATE_RAW_SQL).
 */
export interface StoredFlow extends Omit<Flow, 'ts' | 'ts_end'> {
  ts_us: number;
  ts_end_us: number | null;
}

/** Rows per batch of scanFlows (a keyset page: each costs one statement). */
export const SCAN_BATCH = 50_000;

export interface FlowStore {
  readonly info: FlowStoreInfo;
  queryFlows(req: FlowsRequest, opts?: FlowCallOptions): Promise<FlowsPage>;
  countFlows(req: CountRequest, opts?: FlowCallOptions): Promise<number>;
  timeline(req: TimelineRequest, opts?: FlowCallOptions): Promise<Timeline>;
  topTalkers(req: TopTalkersRequest, opts?: FlowCallOptions): Promise<TopTalker[]>;
  portDistribution(req: PortDistributionRequest, opts?: FlowCallOptions): Promise<PortBucket[]>;
  pairScatter(req: PairScatterRequest, opts?: FlowCallOptions): Promise<PairScatter>;
  /**
   * Every flow a selector names, in (ts, id) order, handed over in batches (keyset pages, so a
   * long scan never re-reads what it has passed); resolves to the number of flows. The report's
   * evidence CSV of a case whose flows are elsewhere (report/store-evidence.ts).
   */
  scanFlows(
    sel: FlowSelector,
    onBatch: (rows: StoredFlow[]) => Promise<void> | void,
    opts?: FlowCallOptions & { batch?: number },
  ): Promise<number>;
  /** The host panel: flow figures from the store, blacklist hits and incidents from the case. */
  hostSummary(ip: string, opts?: FlowCallOptions): Promise<HostSummary>;
  /**
   * Appends flow files: each file is read and validated by netsift's importers exactly as for a
   * case, and lands whole or not at all. A read-only (mapped) store refuses.
   */
  importFiles(paths: string[], options?: ImportJobOptions): Job<ImportSummary>;
  /** What was imported into the store (a mapped table has none). */
  imports(opts?: FlowCallOptions): Promise<ImportRecord[]>;
  /** Every flow (the fast path of an unfiltered count). */
  flowCount(opts?: FlowCallOptions): Promise<number>;
  /** Flows, first and last flow time (ISO; null when there are none). */
  span(opts?: FlowCallOptions): Promise<{ n: number; first: string | null; last: string | null }>;
  /**
   * Where a detection run's statements go (analysis/runner.ts): a session of its own whose
   * temporary tables live until close(). `internalNetworks`: the analyst's site (address classes).
   */
  openDetection(internalNetworks: string[]): Promise<FlowSql>;
  close(): Promise<void>;
}
