// Writes a detection run's alerts and incidents (inside the runner's transaction).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IncidentDraft } from '../incidents/build';
import type { AlertDraft } from '../detect/types';

export async function writeAlerts(
  conn: DuckDBConnection,
  runId: number,
  alerts: AlertDraft[],
  incidentOf: (i: number) => number | null,
  /** the alert's id (its position + 1 when absent; incremental runs keep ids, stable-ids.ts) */
  idOf?: (i: number) => number,
): Promise<void> {
  const ap = await conn.createAppender('alerts');
  alerts.forEach((a, i) => {
    ap.appendBigInt(BigInt(idOf ? idOf(i) : i + 1));
    ap.appendInteger(runId);
    ap.appendVarchar(a.detector);
    ap.appendVarchar(a.severity);
    ap.appendDouble(a.score);
    if (a.src_ip) ap.appendVarchar(a.src_ip);
    else ap.appendNull();
    if (a.dst_ip) ap.appendVarchar(a.dst_ip);
    else ap.appendNull();
    ap.appendVarchar(a.window_start);
    ap.appendVarchar(a.window_end);
    ap.appendVarchar(JSON.stringify(a.features));
    ap.appendBigInt(BigInt(a.flow_count));
    ap.appendVarchar(JSON.stringify(a.evidence));
    ap.appendVarchar(a.summary);
    const inc = incidentOf(i);
    if (inc == null) ap.appendNull();
    else ap.appendBigInt(BigInt(inc));
    if (a.kind) ap.appendVarchar(a.kind);
    else ap.appendNull();
    if (a.entity) ap.appendVarchar(a.entity);
    else ap.appendNull();
    ap.endRow();
  });
  ap.closeSync();
}

export async function writeIncidents(
  conn: DuckDBConnection,
  runId: number,
  incidents: (IncidentDraft & { id: number; flow_count: number })[],
): Promise<void> {
  for (const x of incidents) {
    await conn.run(
      `INSERT INTO incidents VALUES ($1, $2, $3, $4, $5, $6, $7, $8::JSON::VARCHAR[], $9::JSON::VARCHAR[],
         $10::TIMESTAMP, $11::TIMESTAMP, $12::JSON::VARCHAR[], $13, $14, $15, $16::JSON)`,
      [
        x.id,
        runId,
        x.key,
        x.type,
        x.severity,
        x.score,
        x.attacker,
        JSON.stringify(x.victims),
        JSON.stringify(x.ips),
        x.first_seen,
        x.last_seen,
        JSON.stringify(x.detectors),
        x.alert_count,
        x.flow_count,
        x.summary,
        JSON.stringify(x.evidence),
      ],
    );
  }
}
