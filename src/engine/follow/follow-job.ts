// Following as an engine job, the shape `netsift serve` runs it in ("Follow a folder" on the open
// case, later) and the CLI's door: the job's progress events carry the flows so far and the lag
// ("2 min behind"), its result is the final status, and stop() ends it gracefully (the last batch
// is written) where cancel() on the job would only mark it cancelled. The case stays open in the
// one process that holds it, so the workspace keeps querying it while batches arrive; the write
// gate (write-gate.ts) keeps the service's own imports from interleaving with a batch.
import type { FollowRequest, FollowStatus } from '../../shared/follow';
import { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { Follower, type FollowerOptions } from './follower';

export interface FollowHandle {
  /** progress: phase 'following', done = flows imported, message = the lag in words */
  readonly job: Job<FollowStatus>;
  /** the follower once it runs (rejects when the request was refused) */
  readonly follower: Promise<Follower>;
  /** current status (null until the follower runs) */
  status(): FollowStatus | null;
  /** graceful: writes what is complete, closes the imports, runs the final steps */
  stop(reason?: string): Promise<FollowStatus>;
}

export function startFollow(
  store: CaseStore,
  req: FollowRequest,
  opts: FollowerOptions & { progressMs?: number } = {},
): FollowHandle {
  let started!: (f: Follower) => void;
  let refused!: (e: unknown) => void;
  const follower = new Promise<Follower>((res, rej) => {
    started = res;
    refused = rej;
  });
  follower.catch(() => undefined);
  let current: Follower | null = null;
  const job = new Job<FollowStatus>('follow', async (ctx) => {
    let f: Follower;
    try {
      f = await Follower.start(store, req, opts);
    } catch (e) {
      refused(e);
      throw e;
    }
    current = f;
    started(f);
    ctx.onCancel(() => void f.stop('cancelled'));
    const tick = () => {
      const s = f.status();
      ctx.progress({
        phase: 'following',
        done: s.flows,
        total: null,
        unit: 'rows',
        message: s.lag.text,
      });
    };
    tick();
    const timer = setInterval(tick, opts.progressMs ?? 1000);
    try {
      const end = await f.finished;
      tick();
      if (end.state === 'failed') throw new NetsiftError(end.error ?? 'following failed', 'input');
      return end;
    } finally {
      clearInterval(timer);
    }
  });
  return {
    job,
    follower,
    status: () => current?.status() ?? null,
    stop: async (reason = 'stopped') => (await follower).stop(reason),
  };
}
