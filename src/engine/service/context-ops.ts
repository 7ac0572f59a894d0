// The service side of address context (issue 17): host context, country/AS and names for the
// grids, the About box's data sources, and "Export packets" into NETSIFT_HOME/exports (where
// the server's download route finds it, as for reports).
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PacketExportRequest, PacketExportResult } from '../../shared/context';
import { exportPackets } from '../packets/export-packets';
import type { CaseStore } from '../store/case-store';
import { exportsDir } from './triage-ops';

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The pcap's name: case, what was selected, time; only safe characters (a download name). */
export function packetsFileName(caseName: string, req: PacketExportRequest): string {
  const which =
    req.incidentId !== undefined
      ? `incident-${String(req.incidentId)}`
      : req.flowIds
        ? `${req.flowIds.length}-flows`
        : 'filter';
  return `${caseName}-packets-${which}-${stamp()}.pcap`.replace(/[^\w.-]+/g, '_');
}

/** Runs the export on a connection of its own (a long read must not hold up the grid's lanes). */
export async function exportPacketsToHome(
  store: CaseStore,
  caseName: string,
  req: PacketExportRequest,
): Promise<PacketExportResult> {
  const conn: DuckDBConnection = await store.connect();
  try {
    return await exportPackets(conn, req, path.join(exportsDir(), packetsFileName(caseName, req)));
  } finally {
    conn.closeSync();
  }
}
