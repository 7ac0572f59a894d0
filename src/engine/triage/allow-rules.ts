// Allow-list rules: known-good behaviour (a host, a host's port, a pair, a network) that detection
// honours on every run. Suppression happens on alerts before they become incidents.
import type { FlowSelector } from '../../shared/model';
import { ALLOW_RULE_KINDS, type AllowRule, type AllowRuleInput } from '../../shared/triage';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { ipToBigInt, parseCidr, type IpRange } from '../util/ip';

export function validateRule(r: AllowRuleInput): AllowRuleInput {
  const bad = (why: string) => new NetsiftError(`allow rule: ${why}`, 'usage');
  if (!ALLOW_RULE_KINDS.includes(r.kind)) throw bad(`unknown kind "${r.kind}"`);
  const ip = (v: string | null, what: string) => {
    if (!v || ipToBigInt(v) === null) throw bad(`${what} "${v ?? ''}" is not an IP address`);
  };
  if (r.port != null && (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535))
    throw bad(`port ${r.port} is not a port (0-65535)`);
  switch (r.kind) {
    case 'host':
      ip(r.ip, 'host');
      break;
    case 'host-port':
      ip(r.ip, 'host');
      if (r.port == null) throw bad('host-port needs a port');
      break;
    case 'pair':
      ip(r.ip, 'first address');
      ip(r.ip2, 'second address');
      break;
    case 'network':
      if (!r.cidr || !parseCidr(r.cidr)) throw bad(`"${r.cidr ?? ''}" is not a network (CIDR)`);
      break;
  }
  // a field left out (JSON over the wire has no undefined) is an empty one: DuckDB binds no undefined
  return { ...r, ip: r.ip ?? null, ip2: r.ip2 ?? null, cidr: r.cidr ?? null, port: r.port ?? null };
}

export async function addAllowRule(store: CaseStore, input: AllowRuleInput): Promise<AllowRule> {
  const r = validateRule(input);
  const next = await store.one<{ id: number }>(
    'SELECT coalesce(max(id), 0) + 1 AS id FROM allow_rules',
  );
  await store.run('INSERT INTO allow_rules VALUES ($1, $2, $3, $4, $5, $6, $7, now()::TIMESTAMP)', [
    next!.id,
    r.kind,
    r.ip,
    r.ip2,
    r.cidr,
    r.port,
    r.reason ?? '',
  ]);
  return (await listAllowRules(store)).find((x) => x.id === next!.id)!;
}

export async function listAllowRules(store: CaseStore): Promise<AllowRule[]> {
  return store.all<AllowRule>(
    'SELECT id, kind, ip, ip2, cidr, port, reason, created FROM allow_rules ORDER BY id',
  );
}

export async function removeAllowRule(store: CaseStore, id: number): Promise<boolean> {
  const before = (await listAllowRules(store)).length;
  await store.run('DELETE FROM allow_rules WHERE id = $1', [id]);
  return (await listAllowRules(store)).length < before;
}

/**
 * What a rule looks at in an alert: its two ends and the ports its evidence names. Detection's
 * alert drafts have this shape; triage needs nothing more of them (and so imports nothing of
 * detection, which calls suppressAllowed).
 */
export interface AllowableAlert {
  src_ip: string | null;
  dst_ip: string | null;
  evidence: FlowSelector;
}

type Matcher = (a: AllowableAlert) => boolean;

/** Ports an alert is about: its evidence's destination ports, if it names any. */
function alertPorts(a: AllowableAlert): number[] {
  const ports = new Set<number>(a.evidence.dstPorts ?? []);
  for (const sub of a.evidence.anyOf ?? []) for (const p of sub.dstPorts ?? []) ports.add(p);
  return [...ports];
}

function matcher(rule: AllowRule): Matcher {
  const ends = (a: AllowableAlert) => [a.src_ip, a.dst_ip].filter((x): x is string => !!x);
  switch (rule.kind) {
    case 'host':
      return (a) => ends(a).includes(rule.ip!);
    case 'host-port':
      // a host's port: the host is either end and every port the alert is about is the rule's port
      return (a) => {
        const ports = alertPorts(a);
        return (
          ends(a).includes(rule.ip!) && ports.length > 0 && ports.every((p) => p === rule.port)
        );
      };
    case 'pair':
      return (a) =>
        (a.src_ip === rule.ip && a.dst_ip === rule.ip2) ||
        (a.src_ip === rule.ip2 && a.dst_ip === rule.ip);
    case 'network': {
      const range = parseCidr(rule.cidr!) as IpRange;
      const inside = (ip: string | null) => {
        const n = ip ? ipToBigInt(ip) : null;
        return n !== null && n >= range.lo && n <= range.hi;
      };
      // the acting host is in the trusted network (its source, or its only known end)
      return (a) => {
        if (!(a.src_ip ? inside(a.src_ip) : inside(a.dst_ip))) return false;
        if (rule.port == null) return true;
        const ports = alertPorts(a);
        return ports.length > 0 && ports.every((p) => p === rule.port);
      };
    }
  }
}

export interface SuppressionResult<A extends AllowableAlert> {
  kept: A[];
  suppressed: number;
  /** rule id -> alerts it suppressed */
  byRule: Record<number, number>;
}

export async function suppressAllowed<A extends AllowableAlert>(
  store: CaseStore,
  alerts: A[],
): Promise<SuppressionResult<A>> {
  const rules = await listAllowRules(store);
  if (rules.length === 0) return { kept: alerts, suppressed: 0, byRule: {} };
  const matchers = rules.map((r) => [r.id, matcher(r)] as const);
  const kept: A[] = [];
  const byRule: Record<number, number> = {};
  for (const a of alerts) {
    const hit = matchers.find(([, m]) => m(a));
    if (hit) byRule[hit[0]] = (byRule[hit[0]] ?? 0) + 1;
    else kept.push(a);
  }
  return { kept, suppressed: alerts.length - kept.length, byRule };
}
