// What a case holds as address context: GeoIP/ASN enrichment (counts, data versions, whether the
// installed data is newer), names from DNS, Zeek context rows and the context logs imported.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ContextStatus } from '../../shared/context';
import { geoStatus } from '../geo/geo-lookup';
import { all, one } from '../store/sql';
import { hasContextTables } from '../store/context-tables';

export async function contextStatus(conn: DuckDBConnection): Promise<ContextStatus> {
  const geo = await geoStatus(conn);
  if (!(await hasContextTables(conn)))
    return { geo, dnsNames: 0, zeek: { dns: 0, http: 0, ssl: 0 }, contextImports: [] };
  const c = (await one<{ names: number; dns: number; http: number; ssl: number }>(
    conn,
    `SELECT (SELECT count(*) FROM dns_names) AS names, (SELECT count(*) FROM zeek_dns) AS dns,
            (SELECT count(*) FROM zeek_http) AS http, (SELECT count(*) FROM zeek_ssl) AS ssl`,
  ))!;
  const imports = await all<ContextStatus['contextImports'][number]>(
    conn,
    'SELECT path, kind, rows_read AS rows, rows_rejected AS rejected, sha256 FROM context_imports ORDER BY id',
  );
  return {
    geo,
    dnsNames: c.names,
    zeek: { dns: c.dns, http: c.http, ssl: c.ssl },
    contextImports: imports,
  };
}
