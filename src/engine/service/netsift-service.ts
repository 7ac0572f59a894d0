// The service the doors carry (Electron main over IPC, the loopback HTTP server): the contract
// (src/shared/api.ts) composed of one small service per domain (<domain>-service.ts), all on one
// CaseSession (the open case, its query lanes, jobs, events, grants and uploads). Neither door
// adds logic of its own. Besides the contract, a door may grant paths, store uploads, sweep at
// start and close; a few desktop-only operations live on their domain's service (`domains`).
import type { AppSettings, NetsiftApi, ServerEvent } from '../../shared/api';
import type { CaseInfo } from '../../shared/api';
import { TEMP_PREFIX } from '../analysis/analyze';
import { sweepStaleTempDirs } from '../util/owned-temp';
import { saveAppSettings } from './app-settings';
import { CaseService } from './case-service';
import { CaseSession, type ServiceOptions } from './case-session';
import { ChartsService } from './charts-service';
import { composeApi } from './compose';
import { ContextService } from './context-service';
import { FeedsService } from './feeds-service';
import { FlowsService } from './flows-service';
import { FollowService } from './follow-service';
import { CHECK_TEMP_PREFIX } from './import-check';
import { ImportService } from './import-service';
import { IncidentsService } from './incidents-service';
import { JobsService } from './jobs-service';
import { ReportService } from './report-service';
import { SettingsService } from './settings-service';
import { SiteService } from './site-service';
import { StoreService } from './store-service';
import { TriageService } from './triage-service';
import type { UploadStore } from './uploads';

export type { ServiceOptions } from './case-session';

/** The domain services, by domain (the keys of CONTRACTS). */
export interface DomainServices {
  case: CaseService;
  import: ImportService;
  jobs: JobsService;
  flows: FlowsService;
  incidents: IncidentsService;
  charts: ChartsService;
  settings: SettingsService;
  feeds: FeedsService;
  triage: TriageService;
  report: ReportService;
  context: ContextService;
  site: SiteService;
  follow: FollowService;
  store: StoreService;
}

/** A class whose instances have the contract's methods (set in the constructor, composeApi). */
const Contract = class {} as new () => NetsiftApi;

export class NetsiftService extends Contract {
  /** The domain services; the contract's methods are theirs. */
  readonly domains: DomainServices;
  private readonly session: CaseSession;

  constructor(opts: ServiceOptions) {
    super();
    const s = (this.session = new CaseSession(opts));
    const cases = new CaseService(s);
    this.domains = {
      case: cases,
      import: new ImportService(s),
      jobs: new JobsService(s),
      flows: new FlowsService(s),
      incidents: new IncidentsService(s),
      charts: new ChartsService(s),
      settings: new SettingsService(s),
      feeds: new FeedsService(s),
      triage: new TriageService(s),
      report: new ReportService(s),
      context: new ContextService(s),
      site: new SiteService(s),
      follow: new FollowService(s),
      store: new StoreService(s, cases),
    };
    Object.assign(this, composeApi(this.domains));
  }

  onEvent(l: (e: ServerEvent) => void): () => void {
    return this.session.onEvent(l);
  }

  // ---- what only the doors do (not in the contract) ----

  /**
   * Grants a file or folder the user chose outside the page: a native dialog or a drop (Electron
   * main), `serve --case X` or `--grant DIR` (the CLI). Returns its resolved path.
   */
  grant(p: string): string {
    return this.session.grants.grant(p);
  }

  /** The uploads kept under NETSIFT_HOME/uploads (the server's upload route stores into it). */
  uploadStore(): UploadStore {
    return this.session.uploads;
  }

  /**
   * At start (serve, the desktop app): uploads no case keeps, transfers that never completed, and
   * the temporary cases of `netsift analyze` runs that were killed.
   */
  sweepAtStart(): { uploads: string[]; temporaries: string[] } {
    return {
      uploads: this.session.uploads.sweep(0),
      temporaries: [...sweepStaleTempDirs(TEMP_PREFIX), ...sweepStaleTempDirs(CHECK_TEMP_PREFIX)],
    };
  }

  /** Opens (or creates) a case file a door has granted (`serve --case X`). */
  openFile(file: string): Promise<CaseInfo> {
    return this.session.openFile(file);
  }

  /** Merges into the app's settings (the desktop app's window bounds). */
  saveAppSettings(s: AppSettings): void {
    saveAppSettings(s);
  }

  /** Closes the open case once nothing runs on it (jobs cancelled, queries interrupted). */
  close(): Promise<void> {
    return this.session.close();
  }
}
