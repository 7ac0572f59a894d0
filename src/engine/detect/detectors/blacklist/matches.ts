// The grouped matches (matchesSql) as rows, read where the flows are.
import type { FlowSql } from '../../kit';
import { matchesSql } from './sql';

export interface MatchRow {
  direction: 'outbound' | 'inbound';
  host: string;
  listed: string;
  w: number;
  flows: number;
  bytes_to_listed: number;
  bytes_from_listed: number;
  ports: number;
  top_ports: (number | null)[];
  first_ts: string;
  end_ts: string;
}

export function readMatches(
  sql: FlowSql,
  perWindow: boolean,
  windowSeconds: number,
): Promise<MatchRow[]> {
  return sql.rows<MatchRow>(
    matchesSql(sql.d, sql.flows, perWindow),
    perWindow ? { ws: windowSeconds } : undefined,
  );
}
