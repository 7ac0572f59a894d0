// Undoing a workspace import job (src/engine/service/import-job.ts) must take its address context
// with it: names from its pcaps, its Zeek context logs, and country/AS rows of addresses that no
// flow holds any more. Runs inside the caller's transaction.
import type { DuckDBConnection } from '@duckdb/node-api';
import { hasContextTables } from '../store/context-tables';

/** Deletes context of imports from `from` on and of context imports from `ctxFrom` on. */
export async function rollbackContext(
  conn: DuckDBConnection,
  from: number,
  ctxFrom: number | null,
): Promise<void> {
  if (!(await hasContextTables(conn))) return;
  await conn.run("DELETE FROM dns_names WHERE source = 'pcap' AND import_id >= $1", [from]);
  if (ctxFrom != null) {
    await conn.run("DELETE FROM dns_names WHERE source <> 'pcap' AND import_id >= $1", [ctxFrom]);
    for (const t of ['zeek_dns', 'zeek_http', 'zeek_ssl'])
      await conn.run(`DELETE FROM ${t} WHERE import_id >= $1`, [ctxFrom]);
    await conn.run('DELETE FROM context_imports WHERE id >= $1', [ctxFrom]);
  }
  await conn.run(
    `DELETE FROM geo_addrs WHERE ip NOT IN (SELECT src_ip FROM flows UNION SELECT dst_ip FROM flows)`,
  );
}

/** The id the next context import will get (context_imports), or null without the tables. */
export async function firstFreeContextId(conn: DuckDBConnection): Promise<number | null> {
  if (!(await hasContextTables(conn))) return null;
  const r = await conn.runAndReadAll('SELECT coalesce(max(id), 0) + 1 AS id FROM context_imports');
  return Number(r.getRowObjects()[0].id);
}
