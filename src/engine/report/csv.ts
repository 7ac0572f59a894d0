// Evidence CSV: every flow behind the selected incidents, written by DuckDB's COPY straight to
// disk (streamed, never held in memory). A flow behind two incidents is written once per incident.
// Text columns hold imported values (labels, source states, addresses): one that starts with
// = + - @ tab or CR would run as a formula in a spreadsheet, so it gets a leading single quote and
// every text field is quoted (OWASP's CSV injection advice). Number columns are left alone: -5 in a
// BIGINT column is a number, not a formula.
import fs from 'node:fs';
import path from 'node:path';
import type { Incident } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import type { CaseReader } from '../store/case-reader';
import { STATE_RAW_SQL } from '../store/schema';
import { NetsiftError } from '../core/errors';
import { literal } from '../store/sql';
import { selectorToSql } from '../query/selector';

/** The text columns of the file: escaped and always quoted. */
export const TEXT_COLUMNS = [
  'incident_type',
  'proto',
  'state',
  'state_raw',
  'src_ip',
  'dst_ip',
  'label',
];

/** A text value as a spreadsheet must see it: prefixed with ' when it would start a formula. */
export const safe = (expr: string, name: string) =>
  `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') THEN '''' || ${expr} ELSE ${expr} END AS ${name}`;

export const COLUMNS = [
  'id AS flow_id',
  'ts',
  'ts_end',
  safe('proto', 'proto'),
  safe('state', 'state'),
  safe(STATE_RAW_SQL.replace(/ AS state_raw$/, ''), 'state_raw'),
  safe('src_ip', 'src_ip'),
  'src_port',
  safe('dst_ip', 'dst_ip'),
  'dst_port',
  'src_bytes',
  'dst_bytes',
  'src_pkts',
  'dst_pkts',
  safe('label', 'label'),
  'import_id',
].join(', ');

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
      `SELECT ${idRef}::BIGINT AS incident_id, ${safe(`${typeRef}::VARCHAR`, 'incident_type')}, ${COLUMNS} FROM flows WHERE ${p.sql}`,
    );
  }
  // no incident selected: still a valid CSV with its header
  if (parts.length === 0)
    parts.push(
      `SELECT NULL::BIGINT AS incident_id, NULL::VARCHAR AS incident_type, ${COLUMNS} FROM flows WHERE false`,
    );
  return copyEvidence(
    store,
    `${parts.join(' UNION ALL ')} ORDER BY incident_id, ts, flow_id`,
    params,
    abs,
  );
}

/**
 * COPY of the evidence rows (`select`: incident_id, incident_type and COLUMNS, ordered) to `abs`,
 * through a .partial file; the number of rows written. Also the path of a case whose flows are on
 * a server (store-evidence.ts), so that both write the same file the same way.
 */
export async function copyEvidence(
  db: Pick<CaseReader, 'run' | 'one'>,
  select: string,
  params: (string | number)[],
  abs: string,
): Promise<number> {
  const tmp = `${abs}.partial`;
  // COPY target is a path, which DuckDB cannot bind: it is quoted as a literal of our own making.
  await db.run(
    `COPY (${select}) TO ${literal(tmp)} (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ', FORCE_QUOTE (${TEXT_COLUMNS.join(', ')}))`,
    params,
  );
  fs.renameSync(tmp, abs);
  const r = await db.one<{ n: number }>(
    `SELECT count(*) AS n FROM read_csv(${literal(abs)}, header = true, all_varchar = true)`,
  );
  return r?.n ?? 0;
}
