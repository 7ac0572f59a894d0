// The case as one run of a query lane sees it (query-lanes.ts): a CaseReader whose statements
// run on a connection of the pool, taken at the first statement, so an answer from the caches
// (memo.ts) needs no connection and never waits in the queue. Path, access and cache scope are
// the open store's; the connection is the lane's own while the run lasts.
import type { DuckDBConnection } from '@duckdb/node-api';
import { readInternalNetworks, readSetting, type CaseReader } from '../store/case-reader';
import { serial, type CaseStore } from '../store/case-store';
import { all, one, run, type Row, type SqlParams } from '../store/sql';

export class LaneCase implements CaseReader {
  constructor(
    private readonly store: CaseStore,
    /** The run's connection: taken from the pool on the first call, the same one after. */
    private readonly bind: () => Promise<DuckDBConnection>,
  ) {}

  get path(): string {
    return this.store.path;
  }

  get readOnly(): boolean {
    return this.store.readOnly;
  }

  get cacheScope(): object {
    return this.store.cacheScope;
  }

  async all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const c = await this.bind();
    return serial(c, () => all<T>(c, sql, params));
  }

  async one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    const c = await this.bind();
    return serial(c, () => one<T>(c, sql, params));
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    const c = await this.bind();
    return serial(c, () => run(c, sql, params));
  }

  getSetting<T>(key: string, fallback: T): Promise<T> {
    return readSetting(this, key, fallback);
  }

  internalNetworks(): Promise<string[]> {
    return readInternalNetworks(this);
  }

  connection(): Promise<DuckDBConnection> {
    return this.bind();
  }
}
