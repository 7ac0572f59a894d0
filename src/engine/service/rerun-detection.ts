// Detection again on the open case, as a job others see (allow rules apply; a new site model
// takes effect). Triage's "Re-run detection" and a site change both start it.
import type { JobProgress } from '../../shared/model';
import type { DetectionRerun } from '../../shared/triage-api';
import { NetsiftError } from '../core/errors';
import type { Job } from '../core/job';
import type { CaseSession } from './case-session';
import type { StepContext } from './job-registry';
import { finishRerun } from './triage-ops';

/** Starts the job and answers when it is done. */
export async function rerunDetection(s: CaseSession): Promise<DetectionRerun> {
  const store = s.requireStore();
  // while following, the follower's own detection runs now (it owns the case's alerts)
  const t0 = Date.now();
  const now = await s.following.detectNow(store);
  if (now) {
    s.publishCaseSoon();
    return {
      alerts: now.alerts,
      incidents: now.incidents,
      suppressed: now.suppressed,
      seconds: (Date.now() - t0) / 1000,
    };
  }
  s.refuseWhileRunning();
  let result: DetectionRerun | null = null;
  const started = s.registry.start('detect', 'Re-run detection', async (ctx) => {
    const job = s.opts.ops.runDetection(store, s.flowsFor(store));
    if (!job) throw new NetsiftError('detection is not available in this build', 'internal');
    await followJob(job, ctx, 'analyse');
    result = await finishRerun(store, job, t0);
    await s.publishCase();
    return null;
  });
  // answer once the registry has marked the job finished, so the next job may start at once
  return new Promise<DetectionRerun>((resolve, reject) => {
    const off = s.onEvent((e) => {
      if (e.type !== 'job' || e.job.id !== started.id || e.job.status === 'running') return;
      off();
      if (e.job.status === 'done' && result) resolve(result);
      else
        reject(
          new NetsiftError(
            `detection ${e.job.status}: ${e.job.error ?? 'no result'}`,
            e.job.status === 'cancelled' ? 'cancelled' : 'internal',
          ),
        );
    });
  });
}

/** Passes an engine job's progress and cancel through a registry step. */
async function followJob(job: Job<unknown>, ctx: StepContext, phase: string): Promise<unknown> {
  if (ctx.cancelled()) job.cancel();
  ctx.setCancel(() => job.cancel());
  const off = job.onProgress((p: JobProgress) =>
    ctx.progress({ ...p, phase: `${phase}: ${p.phase}` }),
  );
  try {
    return await job.result;
  } finally {
    off();
    ctx.setCancel(null);
  }
}
