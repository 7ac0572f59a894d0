// The long-running engine pieces the service drives (import pipeline, detection runner, feeds),
// gathered behind one small interface so a test can drive the service with its own.
import type { FeedAddRequest, FeedStatus } from '../../shared/feeds';
import type { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import type { IncidentsSoFar } from '../analysis/runner';
import type { FlowStore } from '../flowstore/flow-store';

/** What the service passes on to the import pipeline (src/engine/import/pipeline.ts). */
export interface ImportOpts {
  tz?: string;
  format?: string;
  /** DuckDB's own progress of the read, for an honest bar (pipeline.ts trackProgress). */
  trackProgress?: boolean;
  /** Skip country/AS for this file: a job of many files enriches once at its end (enrichGeo). */
  noGeo?: boolean;
}

export interface EngineOps {
  /** Imports the files; the job's result is an ImportSummary (src/shared/model.ts). */
  importFiles(store: CaseStore, paths: string[], opts?: ImportOpts): Job<unknown>;
  /** Null when detection should not run after an import. */
  /** `flowStore`: the case's flows are on a server (contract: store); detection runs there. */
  runDetection(
    store: CaseStore,
    opts?: {
      only?: string[];
      onIncidents?: (so: IncidentsSoFar) => void;
      flowStore?: FlowStore;
    },
  ): Job<unknown> | null;
  /** Country and AS of the case's addresses (src/engine/geo), once after a job's files. */
  enrichGeo?(store: CaseStore): Promise<void>;
  feeds: FeedOps | null;
}

export interface FeedOps {
  list(): Promise<FeedStatus[]>;
  /** Refresh now (the analyst asked), whatever the feeds' intervals. */
  refresh(ids?: string[]): Promise<unknown>;
  /** Refresh the feeds that are due (start-up and timer); others are skipped. */
  refreshDue?(): Promise<unknown>;
  setEnabled(id: string, enabled: boolean): Promise<unknown>;
  add(req: FeedAddRequest): Promise<unknown>;
  remove(id: string): Promise<unknown>;
}
