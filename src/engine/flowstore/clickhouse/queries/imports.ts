// The imports that landed on the server (latest state row 'done'), as the case lists its own.
import type { ImportRecord } from '../../../../shared/model';
import type { ChExecutor, ExecOptions } from '../executor';
import { usToIso } from '../time-text';

export async function importsCh(
  ex: ChExecutor,
  table: string,
  opts?: ExecOptions,
): Promise<ImportRecord[]> {
  const exists = await ex.rows<{ n: unknown }>(
    `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${table}'`, // checked name
    undefined,
    opts,
  );
  if (!Number(exists[0]?.n)) return [];
  const rows = await ex.rows<Record<string, unknown>>(
    `SELECT id, path, size, sha256, format, data_lines, rows_read, rows_rejected,
            toUInt32(started) AS started_s, toUInt32(finished) AS finished_s, tz, first_ts_us, last_ts_us
     FROM ${table} WHERE state = 'done' AND (id, version) GLOBAL IN (SELECT id, max(version) FROM ${table} GROUP BY id)
     ORDER BY id`,
    undefined,
    opts,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    path: String(r.path),
    size: Number(r.size),
    sha256: String(r.sha256),
    format: String(r.format),
    data_lines: Number(r.data_lines),
    rows_read: Number(r.rows_read),
    rows_rejected: Number(r.rows_rejected),
    started: new Date(Number(r.started_s) * 1000).toISOString(),
    finished: new Date(Number(r.finished_s) * 1000).toISOString(),
    tz: String(r.tz),
    first_ts: usToIso(r.first_ts_us as number | null),
    last_ts: usToIso(r.last_ts_us as number | null),
  }));
}
