// Imports of the case and their rejected lines, for the import summary view.
import type { ImportRecord } from '../../shared/model';
import type { RejectsPage, RejectsRequest } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { NetsiftError } from '../core/errors';

export async function importsList(store: CaseReader): Promise<ImportRecord[]> {
  return store.all<ImportRecord>(
    `SELECT id, path, size, sha256, format, data_lines, rows_read, rows_rejected, started, finished, tz,
            first_ts, last_ts
     FROM imports ORDER BY id`,
  );
}

export async function rejectsPage(store: CaseReader, req: RejectsRequest): Promise<RejectsPage> {
  const { offset, limit, importId } = req;
  if (!Number.isInteger(offset) || offset < 0)
    throw new NetsiftError(`offset must be a whole number >= 0, not ${offset}`, 'usage');
  if (!Number.isInteger(limit) || limit < 0 || limit > 10_000)
    throw new NetsiftError(`limit must be a whole number from 0 to 10000, not ${limit}`, 'usage');
  if (importId !== undefined && !Number.isInteger(importId))
    throw new NetsiftError(`import id must be a whole number, not ${importId}`, 'usage');
  const where = importId === undefined ? 'true' : 'import_id = $1';
  const wp = importId === undefined ? [] : [importId];
  const n = wp.length;
  const rows = await store.all<RejectsPage['rows'][number]>(
    `SELECT import_id, line, raw, reason FROM rejects WHERE ${where} ORDER BY import_id, line LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...wp, limit, offset],
  );
  const total =
    (await store.one<{ n: number }>(`SELECT count(*) AS n FROM rejects WHERE ${where}`, wp))?.n ??
    0;
  return { rows, total };
}
