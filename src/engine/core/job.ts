// Long work (import, detection, feed refresh) as a job: progress events, cancel, one result.
import { randomUUID } from 'node:crypto';
import type { JobProgress, JobStatus } from '../../shared/model';
import { CancelledError } from './errors';

export type ProgressListener = (p: JobProgress) => void;

/** Handed to the work function: report progress, check for cancel, register a cancel hook. */
export interface JobContext {
  readonly signal: AbortSignal;
  progress(p: Omit<JobProgress, 'jobId' | 'kind' | 'rate' | 'etaSeconds'> & { rate?: number | null }): void;
  /** Throws CancelledError when the job was cancelled. Call between steps. */
  checkCancelled(): void;
  /** Called on cancel, e.g. to interrupt a running DuckDB query. */
  onCancel(hook: () => void): void;
}

export class Job<T> {
  readonly id = randomUUID();
  status: JobStatus = 'running';
  last: JobProgress | null = null;
  error: Error | null = null;
  readonly result: Promise<T>;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<ProgressListener>();
  private readonly cancelHooks: (() => void)[] = [];
  private readonly started = Date.now();

  constructor(
    readonly kind: string,
    work: (ctx: JobContext) => Promise<T>,
  ) {
    const ctx: JobContext = {
      signal: this.controller.signal,
      progress: (p) => this.emit(p),
      checkCancelled: () => {
        if (this.controller.signal.aborted) throw new CancelledError(kind);
      },
      onCancel: (hook) => this.cancelHooks.push(hook),
    };
    this.result = (async () => {
      await Promise.resolve(); // let the caller attach listeners first
      try {
        const out = await work(ctx);
        if (this.controller.signal.aborted) throw new CancelledError(kind);
        this.status = 'done';
        return out;
      } catch (e) {
        const err = this.controller.signal.aborted ? new CancelledError(kind) : (e as Error);
        this.status = this.controller.signal.aborted ? 'cancelled' : 'failed';
        this.error = err;
        throw err;
      }
    })();
    // a job nobody awaits must not crash the process with an unhandled rejection
    this.result.catch(() => undefined);
  }

  onProgress(l: ProgressListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  cancel(): void {
    if (this.status !== 'running' || this.controller.signal.aborted) return;
    this.controller.abort();
    for (const h of this.cancelHooks) {
      try {
        h();
      } catch {
        // best effort: the abort flag is checked anyway
      }
    }
  }

  private emit(p: Omit<JobProgress, 'jobId' | 'kind' | 'rate' | 'etaSeconds'> & { rate?: number | null }): void {
    const secs = (Date.now() - this.started) / 1000;
    const rate = p.rate ?? (secs > 0.05 ? p.done / secs : null);
    // An estimate only from real progress, and none once the counted part is done: the work
    // after it (writing, numbering, the next stage) has no rate yet, and "0 s left" while it
    // runs for seconds more is a wrong answer, not an estimate.
    const eta = rate && rate > 0 && p.total != null && p.total > p.done ? (p.total - p.done) / rate : null;
    this.last = { ...p, jobId: this.id, kind: this.kind, rate, etaSeconds: eta };
    for (const l of this.listeners) l(this.last);
  }
}
