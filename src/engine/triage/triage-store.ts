// Incident triage (status, Markdown notes, tags) with an audit trail of every change.
import type { AuditEntry, IncidentTriage, TriageChange, TriageStatus } from '../../shared/triage';
import { TRIAGE_STATUSES } from '../../shared/triage';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { inTransaction } from '../store/sql';

interface TriageRow {
  key: string;
  status: string;
  notes: string;
  tags: string[];
  updated: string | null;
}

const EMPTY = (key: string): IncidentTriage => ({ key, status: 'new', notes: '', tags: [], updated: null });

export async function getTriage(store: CaseStore, key: string): Promise<IncidentTriage> {
  const r = await store.one<TriageRow>('SELECT key, status, notes, tags, updated FROM incident_triage WHERE key = $1', [key]);
  return r ? { ...r, status: r.status as TriageStatus } : EMPTY(key);
}

export async function allTriage(store: CaseStore): Promise<Map<string, IncidentTriage>> {
  const rows = await store.all<TriageRow>('SELECT key, status, notes, tags, updated FROM incident_triage');
  return new Map(rows.map((r) => [r.key, { ...r, status: r.status as TriageStatus }]));
}

/** Applies a change and records each changed field in the audit trail, atomically. */
export async function updateTriage(store: CaseStore, key: string, change: TriageChange): Promise<IncidentTriage> {
  if (change.status && !TRIAGE_STATUSES.includes(change.status))
    throw new NetsiftError(`unknown status "${change.status}"; one of ${TRIAGE_STATUSES.join(', ')}`, 'usage');
  const before = await getTriage(store, key);
  const after: IncidentTriage = { ...before, tags: [...before.tags] };
  if (change.status) after.status = change.status;
  if (change.notes !== undefined) after.notes = change.notes;
  if (change.appendNote) after.notes = after.notes ? `${after.notes}\n\n${change.appendNote}` : change.appendNote;
  for (const t of change.addTags ?? []) if (t && !after.tags.includes(t)) after.tags.push(t);
  if (change.removeTags?.length) after.tags = after.tags.filter((t) => !change.removeTags!.includes(t));
  const diffs: [string, string, string][] = [];
  if (after.status !== before.status) diffs.push(['status', before.status, after.status]);
  if (after.notes !== before.notes) diffs.push(['notes', before.notes, after.notes]);
  if (after.tags.join('\u0000') !== before.tags.join('\u0000'))
    diffs.push(['tags', before.tags.join(', '), after.tags.join(', ')]);
  if (diffs.length === 0) return before;
  await inTransaction(store.conn, async () => {
    await store.run(
      `INSERT INTO incident_triage (key, status, notes, tags, updated) VALUES ($1, $2, $3, $4::JSON::VARCHAR[], now()::TIMESTAMP)
       ON CONFLICT (key) DO UPDATE SET status = excluded.status, notes = excluded.notes, tags = excluded.tags, updated = excluded.updated`,
      [key, after.status, after.notes, JSON.stringify(after.tags)],
    );
    for (const [field, oldV, newV] of diffs)
      await store.run('INSERT INTO triage_audit VALUES (now()::TIMESTAMP, $1, $2, $3, $4)', [key, field, oldV, newV]);
  });
  return getTriage(store, key);
}

export async function auditTrail(store: CaseStore, key?: string): Promise<AuditEntry[]> {
  return key
    ? store.all<AuditEntry>('SELECT * FROM triage_audit WHERE key = $1 ORDER BY ts, rowid', [key])
    : store.all<AuditEntry>('SELECT * FROM triage_audit ORDER BY ts, rowid');
}
