// Waits for a service job to leave the running state (tests of the service layer).
import type { JobState } from '../../src/shared/api';
import type { NetsiftService } from '../../src/engine/service/netsift-service';

export const waitJob = (svc: NetsiftService, id: string) =>
  new Promise<JobState>((resolve) => {
    const check = async () => {
      const j = await svc.job(id);
      if (j.status !== 'running') resolve(j);
      else setTimeout(check, 50);
    };
    void check();
  });
