// Alerts -> incidents. Alerts are grouped by the acting entity (the source; the victim for
// floods) and split where they are further apart in time than gapMinutes. Inside a group, every
// incident type whose own evidence is strong enough becomes an incident; alerts without a type
// (outliers, hints) support the strongest one. Scores: noisy-OR of per-detector maxima times the
// detector weights (see weights.ts). Groups scoring under minScore raise no incident: the analyst
// gets a short list, and their alerts stay visible, unassigned.
import { INCIDENT_TYPES, type IncidentType } from '../../shared/incident-types';
import type { FlowSelector, Incident } from '../../shared/model';
import { noisyOr, round, severityOf } from '../detect/stats';
import type { AlertDraft } from '../detect/types';
import { mergeSelectors } from './evidence';
import type { IncidentParams } from './params';
import { weightOf } from './weights';

export interface IncidentDraft extends Omit<Incident, 'id' | 'flow_count'> {
  /** Indexes into the alert list given to buildIncidents. */
  alerts: number[];
}

const VICTIM_KINDS = new Set<string>(['syn-flood']);
const MAX_VICTIMS = 100;

function isType(k: string | undefined): k is IncidentType {
  return !!k && (INCIDENT_TYPES as readonly string[]).includes(k);
}

/** Noisy-OR over detectors of (weight * best alert score). */
export function trustScore(alerts: AlertDraft[]): number {
  const best = new Map<string, number>();
  for (const a of alerts) best.set(a.detector, Math.max(best.get(a.detector) ?? 0, a.score));
  return noisyOr([...best].map(([d, s]) => weightOf(d) * s));
}

type Role = 'actor' | 'victim' | 'group';

function roleOf(a: AlertDraft): Role {
  return a.entity ? 'group' : VICTIM_KINDS.has(a.kind ?? '') ? 'victim' : 'actor';
}

function entityOf(a: AlertDraft): string | null {
  if (a.entity) return a.entity;
  return VICTIM_KINDS.has(a.kind ?? '') ? (a.dst_ip ?? a.src_ip) : (a.src_ip ?? a.dst_ip);
}

export function buildIncidents(alerts: AlertDraft[], params: IncidentParams): IncidentDraft[] {
  // 1. group by entity, in time order
  const byEntity = new Map<string, number[]>();
  alerts.forEach((a, i) => {
    const e = entityOf(a);
    if (!e) return;
    const key = `${roleOf(a)}|${e}`;
    const list = byEntity.get(key) ?? [];
    list.push(i);
    byEntity.set(key, list);
  });
  const gapMs = params.gapMinutes * 60_000;
  const out: IncidentDraft[] = [];
  for (const [key, idxs] of byEntity) {
    const sep = key.indexOf('|');
    const role = key.slice(0, sep) as Role;
    const entity = key.slice(sep + 1);
    idxs.sort((x, y) => alerts[x].window_start.localeCompare(alerts[y].window_start));
    // 2. split by time adjacency
    const clusters: number[][] = [];
    let end = -Infinity;
    for (const i of idxs) {
      const s = Date.parse(alerts[i].window_start);
      if (clusters.length === 0 || s - end > gapMs) clusters.push([]);
      clusters[clusters.length - 1].push(i);
      end = Math.max(end, Date.parse(alerts[i].window_end));
    }
    for (const cluster of clusters) out.push(...splitByType(alerts, cluster, entity, role, params));
  }
  // 3. stable keys: type + entity, numbered when one entity has several of a type
  out.sort((a, b) => a.first_seen.localeCompare(b.first_seen));
  const seen = new Map<string, number>();
  for (const inc of out) {
    const n = (seen.get(inc.key) ?? 0) + 1;
    seen.set(inc.key, n);
    if (n > 1) inc.key = `${inc.key}#${n}`;
  }
  return out.sort((a, b) => b.score - a.score || a.first_seen.localeCompare(b.first_seen));
}

/**
 * Calls to one destination that are both periodic (beaconing) and mostly failing (a failed
 * callback) are one story, the failed callback: the beacon alerts to its destinations support it.
 */
function foldInto(
  byKind: Map<IncidentType, number[]>,
  alerts: AlertDraft[],
  from: IncidentType,
  into: IncidentType,
): void {
  const target = byKind.get(into);
  const source = byKind.get(from);
  if (!target || !source) return;
  const dsts = new Set(target.map((i) => alerts[i].dst_ip));
  const moved = source.filter((i) => dsts.has(alerts[i].dst_ip));
  if (moved.length === 0) return;
  target.push(...moved);
  const rest = source.filter((i) => !moved.includes(i));
  if (rest.length) byKind.set(from, rest);
  else byKind.delete(from);
}

function splitByType(
  alerts: AlertDraft[],
  cluster: number[],
  entity: string,
  role: Role,
  params: IncidentParams,
): IncidentDraft[] {
  const byKind = new Map<IncidentType, number[]>();
  const loose: number[] = [];
  for (const i of cluster) {
    const k = alerts[i].kind;
    if (isType(k) && k !== 'anomaly') byKind.set(k, [...(byKind.get(k) ?? []), i]);
    else loose.push(i);
  }
  foldInto(byKind, alerts, 'beaconing', 'failed-callback');
  const kinds = [...byKind]
    .map(([kind, idx]) => ({ kind, idx, score: trustScore(idx.map((i) => alerts[i])) }))
    .sort((a, b) => b.score - a.score);
  const strong = kinds.filter((k) => k.score >= params.minScore);
  const groups: { kind: IncidentType; idx: number[] }[] = strong.length
    ? strong.map((k) => ({ kind: k.kind, idx: [...k.idx] }))
    : [{ kind: kinds[0]?.kind ?? 'anomaly', idx: [...cluster] }];
  if (strong.length) {
    // weak typed alerts and untyped ones support the strongest incident
    const weak = kinds.filter((k) => k.score < params.minScore).flatMap((k) => k.idx);
    groups[0].idx.push(...loose, ...weak);
  }
  const out: IncidentDraft[] = [];
  for (const g of groups) {
    const list = g.idx.map((i) => alerts[i]);
    const score = round(trustScore(list));
    if (score < params.minScore) continue;
    out.push(makeIncident(g.kind, entity, role, g.idx, list, score));
  }
  return out;
}

function makeIncident(
  type: IncidentType,
  entity: string,
  role: Role,
  idx: number[],
  list: AlertDraft[],
  score: number,
): IncidentDraft {
  const victims = new Set<string>();
  const sources = new Set<string>();
  for (const a of list) {
    if (a.src_ip) sources.add(a.src_ip);
    // a group's sources are its evidence's (a summary names no single source)
    if (role === 'group') for (const s of a.evidence.srcIps ?? []) sources.add(s);
    if (role !== 'victim') {
      if (a.dst_ip && a.dst_ip !== entity) victims.add(a.dst_ip);
      for (const d of a.evidence.dstIps ?? [])
        if (d !== entity && victims.size < MAX_VICTIMS) victims.add(d);
    }
  }
  const attacker =
    role === 'actor' ? entity : role === 'victim' && sources.size === 1 ? [...sources][0] : null;
  const victimList = role === 'victim' ? [entity] : [...victims].sort().slice(0, MAX_VICTIMS);
  const ips = new Set<string>([...(attacker ? [attacker] : []), ...victimList]);
  for (const a of list) {
    if (a.src_ip) ips.add(a.src_ip);
    if (a.dst_ip) ips.add(a.dst_ip);
  }
  if (role === 'group') for (const s of sources) ips.add(s);
  const detectors = [...new Set(list.map((a) => a.detector))].sort();
  // the lead alert: the strongest one of the incident's type (else the strongest overall)
  const typed = list.filter((a) => a.kind === type);
  const lead = (typed.length ? typed : list).reduce((b, a) =>
    weightOf(a.detector) * a.score > weightOf(b.detector) * b.score ? a : b,
  );
  const others = detectors.filter((d) => d !== lead.detector);
  // Evidence and span come from the alerts of the incident's own type when there are any: a
  // supporting alert such as ip-activity covers the host's whole capture, and the analyst who
  // opens a scan incident wants the probes, not every flow the scanner ever sent.
  const core = typed.length ? typed : list;
  const evidence: FlowSelector = mergeSelectors(core.map((a) => a.evidence));
  return {
    key: `${type}:${entity}`,
    type,
    severity: severityOf(score),
    score,
    attacker,
    victims: victimList,
    ips: [...ips].sort(),
    first_seen: core.reduce(
      (m, a) => (a.window_start < m ? a.window_start : m),
      core[0].window_start,
    ),
    last_seen: core.reduce((m, a) => (a.window_end > m ? a.window_end : m), core[0].window_end),
    detectors,
    alert_count: list.length,
    summary: lead.summary + (others.length ? `; also flagged by ${others.join(', ')}` : ''),
    evidence,
    alerts: idx,
  };
}
