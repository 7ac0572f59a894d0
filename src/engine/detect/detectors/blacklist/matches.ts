// The grouped matches (matchesSql) as rows. Read column-wise: building row objects in the driver
// (getRowObjectsJS) took about 0.4 s for 36k rows, columns take a fifth of that.
import type { DuckDBConnection } from '@duckdb/node-api';
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

export async function readMatches(
  conn: DuckDBConnection,
  perWindow: boolean,
  windowSeconds: number,
): Promise<MatchRow[]> {
  const reader = await conn.runAndReadAll(
    matchesSql(perWindow),
    perWindow ? { ws: windowSeconds } : undefined,
  );
  const names = reader.columnNames();
  const cols = reader.getColumnsJS();
  if (reader.currentRowCount === 0 || cols.length < names.length) return []; // no chunks: no columns
  const col = (name: keyof MatchRow) => cols[names.indexOf(name)];
  const [direction, host, listed, w, flows, up, down, ports, topPorts, first, end] = (
    [
      'direction',
      'host',
      'listed',
      'w',
      'flows',
      'bytes_to_listed',
      'bytes_from_listed',
      'ports',
      'top_ports',
      'first_ts',
      'end_ts',
    ] as const
  ).map(col);
  return direction.map((d, i) => ({
    direction: d as MatchRow['direction'],
    host: host[i] as string,
    listed: listed[i] as string,
    w: w[i] as number,
    flows: flows[i] as number,
    bytes_to_listed: up[i] as number,
    bytes_from_listed: down[i] as number,
    ports: ports[i] as number,
    top_ports: topPorts[i] as (number | null)[],
    first_ts: first[i] as string,
    end_ts: end[i] as string,
  }));
}
