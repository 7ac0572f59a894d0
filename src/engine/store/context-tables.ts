// Cases created before the context tables existed (same schema version, migration 1 edited in
// place) get them on first use; a read-only case without them simply has no context.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseStore } from './case-store';
import { one } from './sql';
import { CONTEXT_TABLES_SQL } from './context-schema';

export async function ensureContextTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(CONTEXT_TABLES_SQL.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS '));
}

const HAS_TABLES_SQL = `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database()
  AND schema_name = 'main' AND table_name IN ('geo_addrs', 'dns_names', 'zeek_http')`;

/** Whether the case has the context tables (a read-only case from before them does not). */
export async function hasContextTables(conn: DuckDBConnection): Promise<boolean> {
  return ((await one<{ n: number }>(conn, HAS_TABLES_SQL))?.n ?? 0) === 3;
}

/** The same through a store (a query lane's view takes its connection on first statement). */
export async function storeHasContextTables(store: Pick<CaseStore, 'one'>): Promise<boolean> {
  return ((await store.one<{ n: number }>(HAS_TABLES_SQL))?.n ?? 0) === 3;
}
