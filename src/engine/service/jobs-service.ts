// contract: jobs (src/shared/contracts/jobs.ts). The long jobs as the page sees them.
import type { JobState } from '../../shared/api';
import type { JobsApi } from '../../shared/contracts/jobs';
import { NetsiftError } from '../core/errors';
import type { CaseSession } from './case-session';

export class JobsService implements JobsApi {
  constructor(private readonly s: CaseSession) {}

  async jobs(): Promise<JobState[]> {
    return this.s.registry.list();
  }

  async job(id: string): Promise<JobState> {
    const j = this.s.registry.get(id);
    if (!j) throw new NetsiftError(`no job ${id}`, 'usage');
    return j;
  }

  async cancelJob(id: string): Promise<void> {
    this.s.registry.cancel(id);
  }
}
