// The open case's flows on a ClickHouse server, as the workspace's service holds them: connected
// with the password the page gave (kept in memory only, inside the client) or read from the
// NETSIFT_* variable the case names; not connected while a reopened case waits for its password.
import type { ImportRecord } from '../../shared/model';
import type { CaseFlowStore, StoreConnectRequest } from '../../shared/store';
import { NetsiftError } from '../core/errors';
import type { CaseStore } from '../store/case-store';
import type { ClickHouseFlowStore } from './clickhouse/clickhouse-flow-store';
import { caseStoreLink, connectCase, describeLink, requestPassword, withTls } from './case-link';
import type { FlowStoreSetting } from './open-store';
import { warmGeoIndex } from '../geo/geo-from-data';

/** What the service's reads and detection get. */
export type ServerFlowStore = ClickHouseFlowStore;

export interface CheckedRequest {
  url: string;
  password: string;
  env: string | null;
}

export class StoreFlows {
  private flows: ClickHouseFlowStore | null = null;
  private error: string | null = null;

  private constructor(
    private readonly caseStore: CaseStore,
    private link: FlowStoreSetting,
  ) {}

  /**
   * For a case just opened: null when it holds its own flows; else its store, connected at once
   * when the case names a password variable that is set (else it waits for connect()).
   */
  static async attach(caseStore: CaseStore): Promise<StoreFlows | null> {
    const link = await caseStoreLink(caseStore);
    if (!link) return null;
    const s = new StoreFlows(caseStore, link);
    if (link.passwordEnv && process.env[link.passwordEnv] !== undefined)
      await s
        .connect({ url: link.url, passwordEnv: link.passwordEnv })
        .catch((e: Error) => (s.error = e.message));
    return s;
  }

  /** The request's URL and password, checked before anything is created. */
  static check(req: StoreConnectRequest): CheckedRequest {
    const url = withTls(String(req.url), req.tls);
    const { password, env } = requestPassword(req);
    return { url, password, env };
  }

  /** A new case's store: connects (throws as the server answered) and records the link. */
  static async create(
    caseStore: CaseStore,
    req: StoreConnectRequest,
    checked = StoreFlows.check(req),
  ): Promise<StoreFlows> {
    const flows = await connectCase(caseStore, checked.url, checked.password, {
      passwordEnv: checked.env,
    });
    const s = new StoreFlows(caseStore, (await caseStoreLink(caseStore))!);
    s.flows = flows;
    warmGeoIndex(); // country/AS of the pages' addresses (geo-from-data.ts)
    return s;
  }

  /** Connects (again) with the request's password; the case's recorded server, always. */
  async connect(
    req: Pick<StoreConnectRequest, 'password' | 'passwordEnv' | 'tls'> & { url?: string },
  ): Promise<void> {
    const { password, env } = requestPassword(req);
    const old = this.flows;
    this.flows = null;
    await old?.close();
    try {
      this.flows = await connectCase(this.caseStore, this.link.url, password, {
        mapping: this.link.mapping,
        passwordEnv: env ?? (req.password ? null : this.link.passwordEnv),
      });
      this.link = (await caseStoreLink(this.caseStore)) ?? this.link;
      this.error = null;
      warmGeoIndex();
    } catch (e) {
      this.error = (e as Error).message;
      throw e;
    }
  }

  /** The connected store, or a clear error saying what to do. */
  connected(): ClickHouseFlowStore {
    if (!this.flows)
      throw new NetsiftError(
        `the flows are on ${this.link.url}: connect to it (Connect… in the header, with its password)` +
          (this.error ? `; the last attempt failed: ${this.error}` : ''),
        'store',
      );
    return this.flows;
  }

  describe(): CaseFlowStore {
    return describeLink(this.link, this.flows, this.error);
  }

  /** The header's figures from the server (null while not connected). */
  async figures(): Promise<{
    imports: ImportRecord[];
    stats: { n: number; lo: string | null; hi: string | null };
  } | null> {
    if (!this.flows) return { imports: [], stats: { n: 0, lo: null, hi: null } };
    try {
      const span = await this.flows.span();
      return {
        imports: await this.flows.imports(),
        stats: { n: span.n, lo: span.first, hi: span.last },
      };
    } catch (e) {
      // the server went away: the case still opens, the header says why
      this.error = (e as Error).message;
      return { imports: [], stats: { n: 0, lo: null, hi: null } };
    }
  }

  async close(): Promise<void> {
    const f = this.flows;
    this.flows = null;
    await f?.close();
  }
}
