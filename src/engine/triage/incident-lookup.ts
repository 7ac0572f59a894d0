import type { Incident } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';

interface IncidentRow extends Omit<Incident, 'evidence'> {
  evidence: string;
}

const COLS =
  'id, key, type, severity, score, attacker, victims, ips, first_seen, last_seen, detectors, alert_count, flow_count, summary, evidence';

function toIncident(r: IncidentRow): Incident {
  return { ...r, evidence: JSON.parse(r.evidence) };
}

/** Incidents of the latest run, by score. */
export async function listIncidents(store: CaseStore): Promise<Incident[]> {
  const rows = await store.all<IncidentRow>(`SELECT ${COLS} FROM incidents ORDER BY score DESC, id`);
  return rows.map(toIncident);
}

/** An incident by id or by its stable key; a clear error when the case has no such incident. */
export async function findIncident(store: CaseStore, idOrKey: string | number): Promise<Incident> {
  const asId = typeof idOrKey === 'number' ? idOrKey : /^\d+$/.test(idOrKey) ? Number(idOrKey) : null;
  const r =
    asId !== null
      ? await store.one<IncidentRow>(`SELECT ${COLS} FROM incidents WHERE id = $1`, [asId])
      : await store.one<IncidentRow>(`SELECT ${COLS} FROM incidents WHERE key = $1`, [String(idOrKey)]);
  if (!r) {
    const n = await store.one<{ n: number }>('SELECT count(*) AS n FROM incidents');
    throw new NetsiftError(
      `${store.path}: no incident ${idOrKey} (the case has ${n?.n ?? 0} incident${n?.n === 1 ? '' : 's'}; run detection first if none)`,
      'usage',
    );
  }
  return toIncident(r);
}
