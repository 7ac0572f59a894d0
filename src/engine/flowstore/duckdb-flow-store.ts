// The DuckDB case as a FlowStore: today's query functions (src/engine/query) and importer, called
// as they are. Nothing here changes their SQL or behaviour; it only gives them the common face.
import type { FlowSelector, ImportRecord, ImportSummary } from '../../shared/model';
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
import { importFiles, type ImportJobOptions } from '../import/pipeline';
import type { Job } from '../core/job';
import { countFlows, queryFlows } from '../query/flows';
import { hostSummary } from '../query/host-summary';
import { importsList } from '../query/imports';
import { pairScatter } from '../query/pair-scatter';
import { portDistribution } from '../query/port-distribution';
import { timeline } from '../query/timeline';
import { topTalkers } from '../query/top-talkers';
import type { CaseStore } from '../store/case-store';
import type { FlowStore, FlowStoreInfo, StoredFlow } from './flow-store';
import { scanCaseFlows } from './duckdb-scan';
import { DuckDbFlowSql } from './duckdb-flow-sql';
import type { FlowSql } from './flow-sql';

export class DuckDbFlowStore implements FlowStore {
  readonly info: FlowStoreInfo;

  /** `store` stays the caller's: close() here does not close the case. */
  constructor(readonly store: CaseStore) {
    this.info = {
      kind: 'duckdb',
      location: store.path,
      table: 'flows',
      readOnly: store.readOnly,
      serverVersion: '',
      dialect: 'duckdb',
    };
  }

  queryFlows(req: FlowsRequest): Promise<FlowsPage> {
    return queryFlows(this.store, req);
  }
  countFlows(req: CountRequest): Promise<number> {
    return countFlows(this.store, req);
  }
  timeline(req: TimelineRequest): Promise<Timeline> {
    return timeline(this.store, req);
  }
  topTalkers(req: TopTalkersRequest): Promise<TopTalker[]> {
    return topTalkers(this.store, req);
  }
  portDistribution(req: PortDistributionRequest): Promise<PortBucket[]> {
    return portDistribution(this.store, req);
  }
  pairScatter(req: PairScatterRequest): Promise<PairScatter> {
    return pairScatter(this.store, req);
  }
  scanFlows(
    sel: FlowSelector,
    onBatch: (rows: StoredFlow[]) => Promise<void> | void,
    opts?: { batch?: number },
  ): Promise<number> {
    return scanCaseFlows(this.store, sel, onBatch, opts?.batch);
  }
  hostSummary(ip: string): Promise<HostSummary> {
    return hostSummary(this.store, ip);
  }
  importFiles(paths: string[], options?: ImportJobOptions): Job<ImportSummary> {
    return importFiles(this.store, paths, options);
  }
  imports(): Promise<ImportRecord[]> {
    return importsList(this.store);
  }
  flowCount(): Promise<number> {
    return this.store.flowCount();
  }
  async span(): Promise<{ n: number; first: string | null; last: string | null }> {
    const r = await this.store.one<{ n: number; first: string | null; last: string | null }>(
      'SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM flows',
    );
    return r ?? { n: 0, first: null, last: null };
  }
  /** A connection of its own (the case's macros hold the internal networks already). */
  async openDetection(): Promise<FlowSql> {
    return new DuckDbFlowSql(await this.store.connect(), { ownsConnection: true });
  }
  async close(): Promise<void> {
    // the case belongs to whoever opened it
  }
}
