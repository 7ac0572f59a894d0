// contract: jobs. Long work (import and analysis, detection again, feed refresh) as the UI sees
// it; progress also arrives as events (ServerEvent in ../api.ts).
// Implemented by src/engine/service/jobs-service.ts.
import type { JobProgress, JobStatus } from '../model';
import type { ImportProgressView, ImportSummaryView } from './import';
import { methodsOf } from './method-list';

/** A long job as the UI sees it (import + analysis, feed refresh). */
export interface JobState {
  id: string;
  kind: string;
  title: string;
  status: JobStatus;
  progress: JobProgress | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** For an import job: what it imported, when done. */
  summary: ImportSummaryView | null;
  /** For an import job: its files and stage as it runs (and how it ended). */
  import?: ImportProgressView | null;
}

export interface JobsApi {
  jobs(): Promise<JobState[]>;
  job(id: string): Promise<JobState>;
  cancelJob(id: string): Promise<void>;
}

export const JOBS_METHODS = methodsOf<JobsApi>()(['jobs', 'job', 'cancelJob']);
