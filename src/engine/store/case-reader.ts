// The case as a query reads it. Two kinds of object are one: the CaseStore itself (statements on
// its own connection) and a query lane's view (src/engine/service/lane-case.ts: statements on a
// pooled connection taken at the first statement). Query functions take a CaseReader, so they
// run on either without knowing which.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_INTERNAL_NETWORKS } from '../util/ip';
import type { Row, SqlParams } from './sql';

export interface CaseReader {
  readonly path: string;
  readonly readOnly: boolean;
  /**
   * The same object for a store and every reader on it: caches of query results key on it, so a
   * page one lane read serves another.
   */
  readonly cacheScope: object;
  /** Statements run one after another on the reader's connection (see serial in case-store.ts). */
  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  one<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  run(sql: string, params?: SqlParams): Promise<void>;
  getSetting<T>(key: string, fallback: T): Promise<T>;
  internalNetworks(): Promise<string[]>;
  /** The DuckDB connection itself, for code written against one (the address context). */
  connection(): Promise<DuckDBConnection>;
}

/** A setting of the case (the settings table), or `fallback` when it was never set. */
export async function readSetting<T>(
  reader: Pick<CaseReader, 'one'>,
  key: string,
  fallback: T,
): Promise<T> {
  const r = await reader.one<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r ? (JSON.parse(r.value) as T) : fallback;
}

/**
 * The internal networks read per case (cacheScope), so a flows page does not read the settings
 * table twice (issue 15's load run: 2,700 such reads a minute, 23 s of the query connections'
 * time). The setting changes only through CaseStore.setSetting, which forgets it here; no other
 * process can write a case this one has open (DuckDB's file lock).
 */
const internalOf = new WeakMap<object, Promise<string[]>>();

/** The case's internal networks (the site model), netsift's defaults when none were set. */
export function readInternalNetworks(
  reader: Pick<CaseReader, 'one' | 'cacheScope'>,
): Promise<string[]> {
  let known = internalOf.get(reader.cacheScope);
  if (!known) {
    // one list handed to every caller: frozen, so a caller that changed it would fail, not
    // change the site every later page is marked with
    const read = readSetting<string[]>(reader, 'internal_networks', DEFAULT_INTERNAL_NETWORKS).then(
      (list) => Object.freeze([...list]) as string[],
    );
    internalOf.set(reader.cacheScope, (known = read));
    read.catch(
      () => internalOf.get(reader.cacheScope) === read && internalOf.delete(reader.cacheScope),
    );
  }
  return known;
}

/** After the setting was written: the next read asks the case again. */
export function forgetInternalNetworks(scope: object): void {
  internalOf.delete(scope);
}
