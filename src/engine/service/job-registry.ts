// Jobs the service started, as JobState snapshots the renderer can poll or receive as events.
import { randomUUID } from 'node:crypto';
import type { ImportProgressView, ImportSummaryView, JobState } from '../../shared/api';
import type { JobProgress } from '../../shared/model';
import { CancelledError } from '../core/errors';

export interface RunningJob {
  state: JobState;
  cancel(): void;
  /** Settles when the job has finished (whatever its outcome). */
  finished: Promise<void>;
}

export interface StepContext {
  progress(p: JobProgress): void;
  /** The engine job currently running, so cancel reaches it. */
  setCancel(fn: (() => void) | null): void;
  cancelled(): boolean;
  /** An import job's own view of its files and stage (emitted like progress). */
  importView(v: ImportProgressView, now?: boolean): void;
  /**
   * From here on the job can no longer be cancelled (what it did is committed and consistent):
   * a late cancel is ignored instead of marking done work as cancelled.
   */
  lockIn(): void;
}

export class JobRegistry {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly emit: (job: JobState) => void) {}

  start(
    kind: string,
    title: string,
    work: (ctx: StepContext) => Promise<ImportSummaryView | null>,
  ): JobState {
    let cancelFn: (() => void) | null = null;
    let cancelled = false;
    let locked = false;
    const state: JobState = {
      id: randomUUID(),
      kind,
      title,
      status: 'running',
      progress: null,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      summary: null,
    };
    let finish = () => undefined as void;
    const job: RunningJob = {
      state,
      cancel: () => {
        if (locked) return;
        cancelled = true;
        cancelFn?.();
      },
      finished: new Promise<void>((r) => (finish = r)),
    };
    this.jobs.set(state.id, job);
    let lastEmit = 0;
    // progress can come thousands of times a second; the UI needs a few per second
    const throttled = (force = false) => {
      const now = Date.now();
      if (force || now - lastEmit > 150) {
        lastEmit = now;
        this.emit({ ...state });
      }
    };
    const ctx: StepContext = {
      progress: (p) => {
        state.progress = { ...p, jobId: state.id };
        throttled();
      },
      importView: (v, now) => {
        state.import = v;
        throttled(now);
      },
      lockIn: () => {
        locked = true;
      },
      setCancel: (fn) => {
        cancelFn = fn;
      },
      cancelled: () => cancelled,
    };
    void (async () => {
      try {
        const summary = await work(ctx);
        if (cancelled) throw new CancelledError(kind);
        state.summary = summary;
        state.status = 'done';
      } catch (e) {
        state.status = cancelled || e instanceof CancelledError ? 'cancelled' : 'failed';
        state.error = (e as Error).message ?? String(e);
      }
      state.finishedAt = new Date().toISOString();
      this.emit({ ...state });
      finish();
    })();
    this.emit({ ...state });
    return { ...state };
  }

  get(id: string): JobState | undefined {
    const j = this.jobs.get(id);
    return j ? { ...j.state } : undefined;
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((j) => ({ ...j.state }));
  }

  cancel(id: string): void {
    this.jobs.get(id)?.cancel();
  }

  /** Cancels every running job and waits until each has stopped (closing a case, shutdown). */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.state.status === 'running');
    for (const j of running) j.cancel();
    await Promise.all(running.map((j) => j.finished));
  }

  running(): boolean {
    return [...this.jobs.values()].some((j) => j.state.status === 'running');
  }
}
