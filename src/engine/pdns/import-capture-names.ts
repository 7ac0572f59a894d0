// Writes the names a just-imported capture's DNS answers give into dns_names (one transaction;
// a re-run for the same import replaces its rows). The capture must still be the file the
// import read: same size (its sha256 is checked by the packet export, which needs the bytes).
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaptureNamesView } from '../../shared/context';
import type { ImportRecord } from '../../shared/model';
import type { JobContext } from '../core/job';
import { ensureContextTables } from '../store/context-tables';
import { NetsiftError } from '../core/errors';
import { inTransaction } from '../store/sql';
import { captureNames } from './capture-names';

export async function captureNamesOfImport(
  conn: DuckDBConnection,
  rec: Pick<ImportRecord, 'id' | 'path' | 'size'>,
  job: JobContext,
): Promise<CaptureNamesView> {
  const t0 = Date.now();
  let st: fs.Stats;
  try {
    st = fs.statSync(rec.path);
  } catch {
    throw new NetsiftError(
      `${rec.path}: the capture is gone; no names read from its DNS answers`,
      'input',
    );
  }
  if (st.size !== rec.size)
    throw new NetsiftError(
      `${rec.path}: the capture changed since its import; no names read from it`,
      'input',
    );
  await ensureContextTables(conn);
  const r = await captureNames(rec.path, (done) => {
    job.checkCancelled();
    job.progress({
      phase: 'names from DNS answers',
      done,
      total: st.size,
      unit: 'bytes',
      message: path.basename(rec.path),
    });
  });
  await inTransaction(conn, async () => {
    await conn.run(`DELETE FROM dns_names WHERE source = 'pcap' AND import_id = $1`, [rec.id]);
    await r.names.write(conn, 'pcap', rec.id);
  });
  return {
    importId: rec.id,
    path: rec.path,
    names: r.names.size,
    responses: r.responses,
    seconds: (Date.now() - t0) / 1000,
  };
}
