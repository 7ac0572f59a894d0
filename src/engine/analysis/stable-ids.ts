// Ids that stay put while following: a detection run numbers its alerts and incidents afresh, so
// the workspace would lose the analyst's selected incident and alert (and the grids their rows)
// each time a batch is detected. Incremental runs keep the id an incident had under its key, and
// the id an alert had under its identity (what makes it the same alert in a later run: detector,
// kind, entity, ends, window start and first feature); new ones get ids after the largest in use.
import type { AlertDraft } from '../detect/types';

export interface StoredAlertIdentity {
  id: number;
  detector: string;
  kind: string | null;
  entity: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  window_start: string;
  first_feature: string | null;
}

function identity(a: {
  detector: string;
  kind?: string | null;
  entity?: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  window_start: string;
  first_feature: string | null;
}): string {
  return [
    a.detector,
    a.kind ?? '',
    a.entity ?? '',
    a.src_ip ?? '',
    a.dst_ip ?? '',
    Date.parse(a.window_start),
    a.first_feature ?? '',
  ].join('|');
}

/** Ids by identity; repeated identities are told apart by their order (#2, #3...). */
function numbered<T>(items: T[], key: (x: T) => string): string[] {
  const seen = new Map<string, number>();
  return items.map((x) => {
    const k = key(x);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n > 1 ? `${k}#${n}` : k;
  });
}

/** An id for each alert: the stored alert's of the same identity, else a new one. */
export function alertIds(alerts: AlertDraft[], stored: StoredAlertIdentity[]): number[] {
  const byKey = new Map<string, number>();
  const storedKeys = numbered(stored, identity);
  stored.forEach((s, i) => byKey.set(storedKeys[i], s.id));
  let next = stored.reduce((m, s) => Math.max(m, s.id), 0) + 1;
  const used = new Set<number>();
  return numbered(alerts, (a) =>
    identity({ ...a, first_feature: a.features[0]?.name ?? null }),
  ).map((k) => {
    const id = byKey.get(k);
    if (id !== undefined && !used.has(id)) {
      used.add(id);
      return id;
    }
    return next++;
  });
}

/** An id for each incident key: the stored incident's, else a new one. */
export function incidentIds(keys: string[], stored: { id: number; key: string }[]): number[] {
  const byKey = new Map(stored.map((s) => [s.key, s.id]));
  let next = stored.reduce((m, s) => Math.max(m, s.id), 0) + 1;
  const used = new Set<number>();
  return keys.map((k) => {
    const id = byKey.get(k);
    if (id !== undefined && !used.has(id)) {
      used.add(id);
      return id;
    }
    return next++;
  });
}
