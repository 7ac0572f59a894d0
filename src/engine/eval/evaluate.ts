// Scores a report against ground truth.
//
// Incident matching: a reported incident matches a true one when their spans overlap (with slack,
// as detectors cut time into windows) and they name the same acting host: the same attacker; for a
// spoofed flood (no attacker) a reported incident whose victims include the victim; for blacklist
// contact either side of the contact (the internal host or the listed address, naming the other).
// Host level: a reported host is an incident's attacker, or its victims when it has no attacker or
// is a flood; true hosts are the labelled attackers (a flood's victim). A listed address of a true
// blacklist incident counts as its internal host (some detectors name the listed side).
import type { AnalysisReport } from '../../shared/report';
import type { Incident } from '../../shared/model';
import type {
  EvalOptions,
  EvalResult,
  IncidentMatch,
  TrueIncident,
  Truth,
  TypeScore,
} from './types';

const FLOOD = 'syn-flood';
/** A summary of many outside sources: it accuses its sources (its addresses that are not victims). */
const SUMMARY = 'background-scan';
const ms = (iso: string) => Date.parse(iso);

/** The hosts a reported incident accuses. */
export function reportedHosts(
  r: Pick<Incident, 'type' | 'attacker' | 'victims'> & { ips?: string[] },
): string[] {
  if (r.type === SUMMARY) return (r.ips ?? []).filter((ip) => !r.victims.includes(ip));
  if (r.attacker && r.type !== FLOOD) return [r.attacker];
  if (r.type === FLOOD) return r.victims.length > 0 ? r.victims : r.attacker ? [r.attacker] : [];
  return r.victims;
}

/** The host a true incident is known by. */
function trueHost(t: TrueIncident): string {
  return t.attacker ?? t.victims[0];
}

function entityMatch(r: Incident, t: TrueIncident): boolean {
  if (r.type === SUMMARY) return !!t.attacker && reportedHosts(r).includes(t.attacker);
  if (!t.attacker || t.type === FLOOD) {
    const named = new Set([...r.victims, ...(r.attacker ? [r.attacker] : [])]);
    const hit = t.victims.some((v) => named.has(v));
    return (
      hit &&
      (r.type === FLOOD ||
        !r.attacker ||
        t.victims.includes(r.attacker) ||
        r.attacker === t.attacker)
    );
  }
  if (r.attacker === t.attacker) return true;
  if (t.type === 'blacklist' && r.attacker && t.victims.includes(r.attacker)) {
    const named = new Set([...r.victims, ...r.ips]);
    return named.has(t.attacker);
  }
  return false;
}

function timeMatch(r: Incident, t: TrueIncident, slackMs: number): boolean {
  return ms(r.first_seen) <= ms(t.end) + slackMs && ms(r.last_seen) >= ms(t.start) - slackMs;
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

export function evaluate(
  report: Pick<AnalysisReport, 'incidents'>,
  truth: Truth,
  options: EvalOptions = {},
): EvalResult {
  const slackSeconds = options.slackSeconds ?? 120;
  const slackMs = slackSeconds * 1000;
  const reported = report.incidents.filter((r) => r.score >= (options.minScore ?? 0));
  const matchedReports = new Set<number>();

  // incidents
  const incidents: IncidentMatch[] = truth.incidents.map((t) => {
    const hits = reported.filter((r) => entityMatch(r, t) && timeMatch(r, t, slackMs));
    hits.forEach((r) => matchedReports.add(r.id));
    return {
      id: t.id,
      type: t.type,
      host: trueHost(t),
      found: hits.length > 0,
      typeMatch: hits.some((r) => r.type === t.type),
      reported: hits.map((r) => r.id),
    };
  });

  // hosts: aliases map a reported address onto the true host it stands for
  const alias = new Map<string, string>();
  const trueHosts = new Set<string>();
  const labelsOf = new Map<string, Set<string>>();
  if (truth.mode === 'flow-labels') {
    for (const [ip, labels] of truth.maliciousHosts ?? []) {
      trueHosts.add(ip);
      labelsOf.set(ip, labels);
    }
  } else
    for (const t of truth.incidents) {
      const h = trueHost(t);
      trueHosts.add(h);
      if (t.type === 'blacklist' && t.attacker)
        for (const v of t.victims) if (!trueHosts.has(v)) alias.set(v, h);
    }
  const canonical = (ip: string) => (trueHosts.has(ip) ? ip : (alias.get(ip) ?? ip));
  const reportedSet = new Set<string>();
  for (const r of reported) for (const h of reportedHosts(r)) reportedSet.add(canonical(h));
  const involved = truth.involvedHosts ?? new Set<string>();
  const truePositives = [...reportedSet].filter((h) => trueHosts.has(h)).sort();
  // in flow-label mode the destination of a labelled flow is part of the attack, not an innocent
  const neutral = [...reportedSet].filter((h) => !trueHosts.has(h) && involved.has(h));
  const falsePositives = [...reportedSet]
    .filter((h) => !trueHosts.has(h) && !involved.has(h))
    .sort();
  const falseNegatives = [...trueHosts].filter((h) => !reportedSet.has(h)).sort();
  const precision = ratio(truePositives.length + neutral.length, reportedSet.size);
  const recall = ratio(truePositives.length, trueHosts.size);

  // per type (incident type, or label in flow-label mode)
  const perTypeMap = new Map<string, TypeScore>();
  const bump = (type: string, found: boolean, id: string) => {
    const s = perTypeMap.get(type) ?? { type, total: 0, found: 0, missed: [] };
    s.total++;
    if (found) s.found++;
    else s.missed.push(id);
    perTypeMap.set(type, s);
  };
  if (truth.mode === 'flow-labels') {
    const hostsByLabel = new Map<string, string[]>();
    for (const [ip, labels] of labelsOf)
      for (const l of labels) hostsByLabel.set(l, [...(hostsByLabel.get(l) ?? []), ip]);
    for (const [label, hosts] of hostsByLabel)
      for (const h of hosts) bump(label, reportedSet.has(h), h);
  } else for (const m of incidents) bump(m.type, m.found, m.id);
  const perType = [...perTypeMap.values()].sort((a, b) => a.type.localeCompare(b.type));

  const found = incidents.filter((m) => m.found);
  const benign = truth.benign.map((b) => {
    const ids = reported.filter((r) => reportedHosts(r).includes(b.ip)).map((r) => r.id);
    return { ...b, reported: ids.length > 0, incidentIds: ids };
  });
  return {
    mode: truth.mode,
    slackSeconds,
    reportedIncidents: reported.length,
    unmatchedReported: reported.filter((r) => !matchedReports.has(r.id)).length,
    incidents,
    perType,
    hosts: {
      reported: [...reportedSet].sort(),
      truePositives,
      falsePositives,
      falseNegatives,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    },
    incidentsPerAttack:
      found.length === 0 ? 0 : found.reduce((s, m) => s + m.reported.length, 0) / found.length,
    benign,
  };
}
