// contract: store (src/shared/contracts/store.ts). A case whose flows are on a ClickHouse server:
// made here (a new case file holding the link, never the password) or connected again; the
// session then reads flows, counts, charts and host summaries there (case-session.ts onServer).
import fs from 'node:fs';
import type { CaseInfo } from '../../shared/api';
import type { StoreApi } from '../../shared/contracts/store';
import type { StoreConnectRequest } from '../../shared/store';
import { NetsiftError } from '../core/errors';
import { StoreFlows } from '../flowstore/store-flows';
import { caseName } from './case-list';
import type { CaseService } from './case-service';
import type { CaseSession } from './case-session';
import { rememberCase } from './case-list';

export class StoreService implements StoreApi {
  constructor(
    private readonly s: CaseSession,
    private readonly cases: CaseService,
  ) {}

  /** A new case that cannot connect is removed again: a wrong password leaves nothing behind. */
  async connectStore(req: StoreConnectRequest): Promise<CaseInfo> {
    if (!req || typeof req !== 'object' || typeof req.url !== 'string')
      throw new NetsiftError('connectStore needs a url', 'usage');
    this.s.refuseWhileRunning();
    if (req.caseName === undefined) {
      const store = this.s.requireStore();
      if (!this.s.server)
        throw new NetsiftError(
          `${caseName(store.path)} keeps its own flows; connect a server as a new case`,
          'usage',
        );
      await this.s.server.connect(req);
    } else {
      const file = this.cases.caseFileFor(req.caseName);
      if (fs.existsSync(file))
        throw new NetsiftError(
          `${caseName(file)}: a case of that name already exists; choose another name`,
          'input',
        );
      const link = StoreFlows.check(req); // bad URL, password in it, bad variable: before any file
      await this.s.openFile(file);
      try {
        this.s.server = await StoreFlows.create(this.s.requireStore(), req, link);
      } catch (e) {
        await this.cases.deleteCase(file).catch(() => undefined);
        throw e;
      }
    }
    const info = (await this.s.caseInfo())!;
    rememberCase(info);
    this.s.publish({ type: 'case', info });
    return info;
  }
}
