// Evidence CSV: every flow behind the selected incidents, written by DuckDB's COPY straight to
// disk (streamed, never held in memory). A flow behind two incidents is written once per incident.
import fs from 'node:fs';
import path from 'node:path';
import type { Incident } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import { STATE_RAW_SQL } from '../store/schema';
import { NetsiftError } from '../store/errors';
import { literal } from '../store/sql';
import { selectorToSql } from '../query/selector';

const COLUMNS = `id AS flow_id, ts, ts_end, proto, state, ${STATE_RAW_SQL}, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes, src_pkts, dst_pkts, label, import_id`;

export async function writeEvidenceCsv(
  store: CaseStore,
  incidents: Incident[],
  out: string,
): Promise<number> {
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs)))
    throw new NetsiftError(`${abs}: folder does not exist`, 'usage');
  const parts: string[] = [];
  const params: (string | number)[] = [];
  for (const inc of incidents) {
    const idRef = `$${params.push(inc.id)}`;
    const typeRef = `$${params.push(inc.type)}`;
    const p = selectorToSql(inc.evidence, params.length);
    params.push(...p.params);
    parts.push(
      `SELECT ${idRef}::BIGINT AS incident_id, ${typeRef}::VARCHAR AS incident_type, ${COLUMNS} FROM flows WHERE ${p.sql}`,
    );
  }
  // no incident selected: still a valid CSV with its header
  if (parts.length === 0)
    parts.push(
      `SELECT NULL::BIGINT AS incident_id, NULL::VARCHAR AS incident_type, ${COLUMNS} FROM flows WHERE false`,
    );
  const tmp = `${abs}.partial`;
  // COPY target is a path, which DuckDB cannot bind: it is quoted as a literal of our own making.
  await store.run(
    `COPY (${parts.join(' UNION ALL ')} ORDER BY incident_id, ts, flow_id) TO ${literal(tmp)} (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ')`,
    params,
  );
  fs.renameSync(tmp, abs);
  const r = await store.one<{ n: number }>(
    `SELECT count(*) AS n FROM read_csv(${literal(abs)}, header = true, all_varchar = true)`,
  );
  return r?.n ?? 0;
}
