// background: the internet's scanning of the site as a few stories instead of one incident per
// scanner. Outside sources whose attempts at site hosts went to closed services (sql.ts) are
// gathered per source network and summarised per probed service (the services most sources
// knocked on get a summary each), port sweepers together, the rest in one. Each summary lists
// its sources (they stay searchable in the incident's addresses, and its evidence selects their
// probes), and scores low: what the site's own hosts do ranks above the internet's noise.
import type { FlowSelector } from '../../../../shared/model';
import { bigIntToIp } from '../../../util/ip';
import {
  addressClasses,
  clamp01,
  defineDetector,
  formatDuration,
  isoJustAfter,
  evidenceCount,
  round,
  saturate,
  SCAN_MODE_SQL,
  serviceName,
  severityOf,
  stageCtes,
  stagedRows,
  targets,
  type AlertDraft,
  type FlowSql,
} from '../../kit';
import { backgroundSql } from './sql';

interface ActorRow {
  actor: string;
  net: string | null;
  probes: number;
  sources: number;
  hosts: number;
  ports: number;
  first_ts: string;
  last_ts: string;
  flows: number;
  src_ips: string[];
  dst_ips: string[];
  services: string[];
  top_proto: string;
  top_port: number;
  sweep: boolean;
}

/** Evidence names sources up to this many (beyond, the site hosts, ports and span bound it). */
const MAX_SOURCES = 2000;
const MAX_LIST = 256;
const fmt = (n: number) => n.toLocaleString('en-US');

function netText(key: string): string {
  const k = BigInt(key);
  const v6 = 1n << 64n;
  return k >= v6 ? `${bigIntToIp((k - v6) << 80n)}/48` : `${bigIntToIp(k << 8n)}/24`;
}

interface Group {
  key: string;
  label: string;
  actors: ActorRow[];
}

/** Score: the baseScore parameter plus up to `sources` with many sources (half at 20). */
export const WEIGHTS = { sources: 0.06, sourcesHalfAt: 20 } as const;

export const backgroundDetector = defineDetector({
  id: 'background',
  title: 'Background scanning of the site',
  lookback: 'all', // probes and served ports over the whole capture
  description:
    'Outside sources probing closed services of site hosts, summarised per probed service (and port sweepers, and the rest), listing their sources and networks; low score.',
  params: {
    portSweep: {
      type: 'number',
      default: 10,
      min: 2,
      description: 'an actor (source or source network) probing this many ports is a port sweeper',
    },
    maxGroups: {
      type: 'number',
      default: 5,
      min: 1,
      description:
        'services summarised apart (those most sources probed); the others go into one summary',
    },
    minSources: {
      type: 'number',
      default: 3,
      min: 1,
      description: 'a service needs this many sources for a summary of its own ...',
    },
    minShare: {
      type: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      description: '... and this share of all probing sources (the others go into one summary)',
    },
    minProbes: {
      type: 'number',
      default: 20,
      min: 1,
      description: 'a summary is raised with at least minSources sources or this many probes',
    },
    baseScore: {
      type: 'number',
      default: 0.42,
      min: 0,
      max: 1,
      description: 'score of a summary (up to +0.06 with many sources): below what site hosts do',
    },
  },
  async run(ctx) {
    const p = ctx.params;
    await addressClasses(ctx);
    await targets(ctx);
    const uni =
      (
        await ctx.sql.rows<{ uni: boolean }>(SCAN_MODE_SQL(ctx.sql.d, ctx.sql.flows), {
          replies: 'auto',
        })
      )[0]?.uni ?? false;
    // the site's targets and probes are read several times: stages of their own
    const q = stageCtes(backgroundSql(ctx.sql.d, ctx.sql.flows, uni), ['site', 'probes'], 'bg');
    const actors = await stagedRows<ActorRow>(ctx.sql, q, {
      portSweep: p.portSweep,
    });
    ctx.checkCancelled();
    if (actors.length === 0) return [];
    // groups: port sweepers; the services with the most sources; everything else
    const byService = new Map<string, ActorRow[]>();
    const sweepers: ActorRow[] = [];
    for (const a of actors) {
      if (a.sweep) sweepers.push(a);
      else {
        const k = `${a.top_proto}/${a.top_port}`;
        byService.set(k, [...(byService.get(k) ?? []), a]);
      }
    }
    const sources = (list: ActorRow[]) => list.reduce((s, a) => s + a.sources, 0);
    const ranked = [...byService].sort(
      (x, y) => sources(y[1]) - sources(x[1]) || x[0].localeCompare(y[0]),
    );
    const everyone = sources(actors);
    const groups: Group[] = [];
    const rest: ActorRow[] = [];
    for (const [k, list] of ranked) {
      const n = sources(list);
      if (groups.length < p.maxGroups && n >= p.minSources && n >= p.minShare * everyone) {
        const [proto, port] = k.split('/');
        groups.push({ key: k, label: serviceName(proto, Number(port)), actors: list });
      } else rest.push(...list);
    }
    if (sweepers.length) groups.push({ key: 'port-sweep', label: 'port sweeps', actors: sweepers });
    if (rest.length)
      groups.push({
        key: 'other',
        label: groups.length ? 'other services' : 'services',
        actors: rest,
      });
    const out: AlertDraft[] = [];
    for (const g of groups) {
      const n = sources(g.actors);
      const probes = g.actors.reduce((s, a) => s + a.probes, 0);
      if (n < p.minSources && probes < p.minProbes) continue;
      out.push(await summaryAlert(ctx.sql, g, p.baseScore));
    }
    return out;
  },
});

async function summaryAlert(sql: FlowSql, g: Group, base: number): Promise<AlertDraft> {
  const srcIps = [...new Set(g.actors.flatMap((a) => a.src_ips))].sort();
  const hosts = [...new Set(g.actors.flatMap((a) => a.dst_ips))].sort();
  // in (protocol, port) order: the SQL lists them as its hash aggregate met them, differently
  // from one run to the next
  const services = [...new Set(g.actors.flatMap((a) => a.services))].sort(byService);
  const probes = g.actors.reduce((s, a) => s + a.probes, 0);
  const from = g.actors.reduce((m, a) => (a.first_ts < m ? a.first_ts : m), g.actors[0].first_ts);
  const last = g.actors.reduce((m, a) => (a.last_ts > m ? a.last_ts : m), g.actors[0].last_ts);
  const to = isoJustAfter(last);
  const protos = [...new Set(services.map((s) => s.split('/')[0]))];
  const ports = [...new Set(services.map((s) => Number(s.split('/')[1])))].sort((a, b) => a - b);
  const evidence: FlowSelector = { from, to };
  if (srcIps.length <= MAX_SOURCES) evidence.srcIps = srcIps;
  if (hosts.length <= MAX_LIST) evidence.dstIps = hosts;
  if (g.key !== 'port-sweep' && ports.length <= MAX_LIST) evidence.dstPorts = ports;
  if (protos.length === 1) evidence.protos = protos;
  const flows = await evidenceCount(sql, evidence);
  const nets = g.actors
    .filter((a) => a.net)
    .sort((x, y) => y.sources - x.sources || y.probes - x.probes);
  const loud = [...g.actors]
    .sort((x, y) => y.probes - x.probes || x.actor.localeCompare(y.actor))
    .slice(0, 3);
  const name = (a: ActorRow) => (a.net ? `${netText(a.net)} (${a.sources} sources)` : a.src_ips[0]);
  const score = clamp01(base + WEIGHTS.sources * saturate(srcIps.length, WEIGHTS.sourcesHalfAt));
  const seconds = (Date.parse(last) - Date.parse(from)) / 1000;
  const what =
    g.key === 'port-sweep' || g.key === 'other'
      ? `${g.label} (${services.length <= 3 ? services.join(', ') : `${fmt(services.length)} ports`})`
      : g.label;
  return {
    detector: 'background',
    kind: 'background-scan',
    entity: `background:${g.key}`,
    severity: severityOf(score),
    score: round(score),
    src_ip: null,
    dst_ip: hosts.length === 1 ? hosts[0] : null,
    window_start: from,
    window_end: to,
    features: [
      {
        name: 'sources',
        value: srcIps.length,
        note: `outside sources whose attempts went to closed services of site hosts`,
      },
      {
        name: 'source_networks',
        value: nets.length,
        note: nets.slice(0, 5).map(name).join(', ') || 'no network with several sources',
      },
      {
        name: 'probes',
        value: probes,
        note: 'distinct (site host, port) each source tried, every attempt unanswered or refused',
      },
      { name: 'site_hosts', value: hosts.length },
      {
        name: 'ports',
        value: ports.length,
        note: services.slice(0, 10).join(', ') + (services.length > 10 ? ', ...' : ''),
      },
      {
        name: 'loudest',
        value: loud[0].probes,
        note: loud.map((a) => `${name(a)}: ${fmt(a.probes)} probes`).join('; '),
      },
    ],
    flow_count: flows,
    evidence,
    summary:
      `background scanning of ${what}: ${fmt(srcIps.length)} outside source${srcIps.length === 1 ? '' : 's'} probed ` +
      `${hosts.length === 1 ? hosts[0] : `${fmt(hosts.length)} site hosts`} (${fmt(probes)} probes) over ${formatDuration(seconds)}; ` +
      `loudest ${loud.map(name).join(', ')}` +
      (nets.length ? `; networks: ${nets.slice(0, 3).map(name).join(', ')}` : ''),
  };
}

/** 'proto/port' texts by protocol, then port as a number (tcp/7 before tcp/14). */
function byService(a: string, b: string): number {
  const [pa, na] = a.split('/');
  const [pb, nb] = b.split('/');
  return pa.localeCompare(pb) || Number(na) - Number(nb);
}
