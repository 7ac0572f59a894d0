// contract: incidents (src/shared/contracts/incidents.ts). The latest run's incidents, highest
// score first, and an incident's alerts.
import type { IncidentsApi } from '../../shared/contracts/incidents';
import type { Alert, Incident } from '../../shared/model';
import type { CaseSession } from './case-session';

export class IncidentsService implements IncidentsApi {
  constructor(private readonly s: CaseSession) {}

  async incidents(): Promise<Incident[]> {
    const rows = await this.s
      .requireStore()
      .all<Incident & { evidence: string }>(
        'SELECT * EXCLUDE (run_id) FROM incidents ORDER BY score DESC, id',
      );
    return rows.map((r) => ({ ...r, evidence: parseJson(r.evidence) }));
  }

  async alerts(incidentId: number): Promise<Alert[]> {
    // a few rows of a small table, by incident (milliseconds): on the case's own connection, at
    // once. It waited for the grid's pages before (up to 400 ms), and under load a page is
    // always being read: every alerts list took that long (issue 15)
    const rows = await this.s
      .requireStore()
      .all<Alert & { evidence: string; features: string }>(
        'SELECT * EXCLUDE (run_id) FROM alerts WHERE incident_id = $1 ORDER BY score DESC, id',
        [incidentId],
      );
    return rows.map((r) => ({
      ...r,
      evidence: parseJson(r.evidence),
      features: parseJson(r.features),
    }));
  }
}

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
