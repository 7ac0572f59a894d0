// Cases created before the context tables existed (same schema version, migration 1 edited in
// place) get them on first use; a read-only case without them simply has no context.
import type { DuckDBConnection } from '@duckdb/node-api';
import { one } from '../store/sql';
import { CONTEXT_TABLES_SQL } from './context-schema';

export async function ensureContextTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(CONTEXT_TABLES_SQL.replace(/CREATE TABLE /g, 'CREATE TABLE IF NOT EXISTS '));
}

/** Whether the case has the context tables (a read-only case from before them does not). */
export async function hasContextTables(conn: DuckDBConnection): Promise<boolean> {
  const r = await one<{ n: number }>(
    conn,
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database()
       AND schema_name = 'main' AND table_name IN ('geo_addrs', 'dns_names', 'zeek_http')`,
  );
  return (r?.n ?? 0) === 3;
}
