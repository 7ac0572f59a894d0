// A job's time-left estimate comes only from real progress and never says "0 left" while work
// remains (it used to at the start, when nothing was done yet, and once the counted part was done).
import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/model';
import { Job } from './job';

describe('job progress estimate', () => {
  it('has no estimate before progress and after the counted part, and a positive one between', async () => {
    const seen: JobProgress[] = [];
    const job = new Job('detect', async (ctx) => {
      ctx.progress({ phase: 'scan', done: 0, total: 4, unit: 'steps' });
      await new Promise((r) => setTimeout(r, 120));
      ctx.progress({ phase: 'iqr', done: 2, total: 4, unit: 'steps' });
      await new Promise((r) => setTimeout(r, 20));
      ctx.progress({ phase: 'write', done: 4, total: 4, unit: 'steps' });
      return 'ok';
    });
    job.onProgress((p) => seen.push(p));
    await job.result;
    expect(seen.map((p) => p.phase)).toEqual(['scan', 'iqr', 'write']);
    expect(seen[0].etaSeconds).toBeNull();
    expect(seen[1].etaSeconds).toBeGreaterThan(0);
    expect(seen[2].etaSeconds).toBeNull();
  });

  it('has no estimate without a total', async () => {
    const seen: JobProgress[] = [];
    const job = new Job('import', async (ctx) => {
      await new Promise((r) => setTimeout(r, 60));
      ctx.progress({ phase: 'read', done: 1000, total: null, unit: 'rows' });
    });
    job.onProgress((p) => seen.push(p));
    await job.result;
    expect(seen[0].etaSeconds).toBeNull();
    expect(seen[0].rate).toBeGreaterThan(0);
  });
});
