// scan: stateful across windows. Per source, NEW (dst, port) targets over the whole capture and
// over a short sliding horizon, failure share, targets per host and per port; classified
// vertical / horizontal / slow / UDP, scored, with TRW as a second opinion. Targets a source
// keeps contacting in many windows (monitoring, polling) are recurring and do not count, so a
// host that probes the same small set on a fixed period does not look like a scanner.
import type { FlowSelector } from '../../../../shared/model';
import {
  addressClasses,
  defineDetector,
  formatDuration,
  isoJustAfter,
  evidenceCount,
  round,
  SCAN_MODE_SQL,
  severityOf,
  targets,
  type AlertDraft,
  type FlowSql,
  stageCtes,
  stagedRows,
} from '../../kit';
import { classifyScan, scoreScan, type ScanFeatures } from './classify';
import { scanSql } from './sql';

interface Row {
  src_ip: string;
  internal: boolean;
  proto: string;
  /** The group holds the source's replies (backscatter), not its probes. */
  reply: boolean;
  src_ports: number;
  top_sports: number[];
  targets: number;
  failed_targets: number;
  recurring: number;
  hosts: number;
  ports: number;
  failed_share: number;
  udp_share: number;
  first_ts: string;
  last_ts: string;
  peak_horizon: number;
  peak_window: number;
  max_ports_per_host: number;
  top_hosts: string[];
  max_hosts_per_port: number;
  top_ports: number[];
  protos: string[];
  active_windows: number;
  trw_dests: number;
  k_scan: number | null;
  k_benign: number | null;
}

/** Evidence names hosts / ports explicitly up to this many; beyond, the time span bounds it. */
const MAX_LIST = 256;

const fmt = (n: number) => n.toLocaleString('en-US');

export const scanDetector = defineDetector({
  id: 'scan',
  title: 'Scans (vertical, horizontal, slow, UDP)',
  lookback: 'all', // new targets and recurrence over the whole capture
  description:
    'New (host, port) targets per source across windows, failure share, TRW; classifies vertical, horizontal, slow and UDP scans.',
  params: {
    minTargets: {
      type: 'number',
      default: 20,
      min: 1,
      description: 'failed new targets a source needs over the capture',
    },
    minFailedShare: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description: 'share of new targets whose every attempt failed',
    },
    horizonMinutes: {
      type: 'number',
      default: 5,
      min: 0.1,
      description: 'short sliding horizon for the fast-scan peak',
    },
    slowMinMinutes: {
      type: 'number',
      default: 10,
      min: 0,
      description: 'a slow scan spans at least this long',
    },
    slowMaxPerHorizon: {
      type: 'number',
      default: 40,
      min: 1,
      description: '... and never probes more than this many targets within the short horizon',
    },
    recurContacts: {
      type: 'number',
      default: 3,
      min: 2,
      description: 'a target contacted this many times ...',
    },
    recurSeconds: {
      type: 'number',
      default: 120,
      min: 0,
      description: '... spread over this many seconds is recurring, not new',
    },
    minSpread: {
      type: 'number',
      default: 3,
      min: 1,
      description:
        'a scan probes one port on at least this many hosts or this many ports on one host (contacts scattered over random peer ports are peer-to-peer traffic, not a scan)',
    },
    backscatterScore: {
      type: 'number',
      default: 0.45,
      min: 0,
      max: 1,
      description:
        'alert score of backscatter (replies to many hosts without requests): low, it is not an attack by the source',
    },
    replies: {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'bytes', 'reverse'],
      description:
        "how a reply is seen: reply bytes, a reverse flow (unidirectional exports), or 'auto' (reverse when no flow has reply bytes)",
    },
    theta0: {
      type: 'number',
      default: 0.8,
      min: 0.01,
      max: 0.99,
      description: 'TRW: success probability of a benign source',
    },
    theta1: {
      type: 'number',
      default: 0.2,
      min: 0.01,
      max: 0.99,
      description: 'TRW: success probability of a scanner',
    },
    alpha: {
      type: 'number',
      default: 0.01,
      min: 0.0001,
      max: 0.5,
      description: 'TRW: false positive bound',
    },
    beta: {
      type: 'number',
      default: 0.99,
      min: 0.5,
      max: 0.9999,
      description: 'TRW: detection probability',
    },
  },
  async run(ctx) {
    const p = ctx.params;
    const thresholds = {
      minTargets: p.minTargets,
      minFailedShare: p.minFailedShare,
      slowMinMinutes: p.slowMinMinutes,
      slowMaxPerHorizon: p.slowMaxPerHorizon,
    };
    await addressClasses(ctx);
    await targets(ctx);
    const uni =
      (
        await ctx.sql.rows<{ uni: boolean }>(SCAN_MODE_SQL(ctx.sql.d, ctx.sql.flows), {
          replies: p.replies,
        })
      )[0]?.uni ?? false;
    // on ClickHouse the active sources' targets, the candidates, the names and the new targets
    // are stages of their own (each read many times)
    const rows = await stagedRows<Row>(
      ctx.sql,
      stageCtes(
        scanSql(ctx.sql.d, ctx.sql.flows, p.horizonMinutes * 60, uni),
        ['marked', 'cand', 'names', 'nt'],
        'sc',
      ),
      {
        ws: ctx.windowSeconds,
        recurContacts: p.recurContacts,
        recurSeconds: p.recurSeconds,
        minTargets: p.minTargets,
        minFailedShare: p.minFailedShare,
        maxList: MAX_LIST + 1,
        theta0: p.theta0,
        theta1: p.theta1,
        alpha: p.alpha,
        beta: p.beta,
      },
    );
    const out: AlertDraft[] = [];
    for (const r of rows) {
      ctx.checkCancelled();
      if (r.failed_share < p.minFailedShare) continue;
      if (r.reply) {
        out.push(await backscatterAlert(ctx.sql, r, p.backscatterScore));
        continue;
      }
      if (r.max_hosts_per_port < p.minSpread && r.max_ports_per_host < p.minSpread) continue;
      const trw =
        r.k_scan != null && (r.k_benign == null || r.k_scan < r.k_benign)
          ? 1
          : r.k_benign != null
            ? 0
            : 0.5;
      const durationSeconds = (Date.parse(r.last_ts) - Date.parse(r.first_ts)) / 1000;
      const f: ScanFeatures = {
        targets: r.failed_targets,
        hosts: r.hosts,
        ports: r.ports,
        failedShare: r.failed_share,
        udpShare: r.udp_share,
        peakHorizon: r.peak_horizon,
        peakWindow: r.peak_window,
        maxPortsPerHost: r.max_ports_per_host,
        maxHostsPerPort: r.max_hosts_per_port,
        durationSeconds,
        trw,
      };
      const kind = classifyScan(f, thresholds);
      const score = round(scoreScan(f, thresholds));
      const to = isoJustAfter(r.last_ts);
      const evidence: FlowSelector = { from: r.first_ts, to, srcIps: [r.src_ip] };
      if (r.top_hosts.length <= MAX_LIST) evidence.dstIps = r.top_hosts;
      // a vertical scan's evidence keeps the probes that found open ports (all its flows to the
      // victims); the others also name the failed ports, leaving out the source's usual traffic
      if (
        r.top_ports.length <= MAX_LIST &&
        (kind !== 'vertical-scan' || r.top_hosts.length > MAX_LIST)
      )
        evidence.dstPorts = r.top_ports;
      if (r.protos.length === 1) evidence.protos = r.protos;
      const n = await evidenceCount(ctx.sql, evidence);
      const pct = Math.round(r.failed_share * 100);
      const what =
        kind === 'horizontal-scan'
          ? `probed ${r.ports === 1 ? `port ${r.top_ports[0]}` : r.ports <= 3 ? `ports ${r.top_ports.join(', ')}` : `${fmt(r.ports)} ports`} on ${fmt(r.hosts)} hosts`
          : `probed ${fmt(r.failed_targets)} ports on ${fmt(r.hosts)} host${r.hosts > 1 ? 's' : ''}`;
      out.push({
        detector: 'scan',
        severity: severityOf(score),
        score,
        src_ip: r.src_ip,
        dst_ip: r.hosts === 1 ? r.top_hosts[0] : null,
        window_start: r.first_ts,
        window_end: to,
        features: [
          {
            name: 'failed_new_targets',
            value: r.failed_targets,
            threshold: p.minTargets,
            direction: 'above',
            note: `distinct ${r.internal ? 'internal' : 'external'} (host, port) not recurring, every attempt failed`,
          },
          { name: 'new_targets', value: r.targets, note: 'including those that answered' },
          {
            name: 'failed_share',
            value: round(r.failed_share),
            threshold: p.minFailedShare,
            direction: 'above',
            note: 'reset, connecting or no reply',
          },
          { name: 'dst_hosts', value: r.hosts },
          { name: 'dst_ports', value: r.ports },
          { name: 'max_ports_per_host', value: r.max_ports_per_host },
          { name: 'max_hosts_per_port', value: r.max_hosts_per_port },
          {
            name: 'peak_targets_horizon',
            value: r.peak_horizon,
            threshold: p.slowMaxPerHorizon,
            note: `most failed new targets within ${p.horizonMinutes} min (at most the threshold over ${p.slowMinMinutes} min or more = slow)`,
          },
          {
            name: 'peak_targets_window',
            value: r.peak_window,
            note: `${ctx.windowSeconds} s window`,
          },
          { name: 'udp_share', value: round(r.udp_share) },
          {
            name: 'recurring_targets',
            value: r.recurring,
            note: 'repeatedly contacted, discounted',
          },
          {
            name: 'trw',
            value: trw,
            note: `TRW over ${r.trw_dests} destinations: ${trw === 1 ? `scanner after ${r.k_scan}` : trw === 0 ? `benign after ${r.k_benign}` : 'undecided'}`,
          },
        ],
        flow_count: n,
        evidence,
        summary: `${r.src_ip} ${what} in ${formatDuration(durationSeconds)}; ${pct}% failed`,
        kind,
      });
    }
    return out;
  },
});

/**
 * A source whose failed "targets" are answers: from a service port to ephemeral ports, or
 * SYN-ACKs and resets without requests. Those are responses whose requests the capture did not
 * see, or backscatter (a server answering the forged sources of a flood elsewhere): not a scan.
 */
async function backscatterAlert(sql: FlowSql, r: Row, score: number): Promise<AlertDraft> {
  const to = isoJustAfter(r.last_ts);
  const evidence: FlowSelector = { from: r.first_ts, to, srcIps: [r.src_ip], protos: [r.proto] };
  if (r.top_sports.length && r.src_ports <= r.top_sports.length) evidence.srcPorts = r.top_sports;
  if (r.top_hosts.length <= MAX_LIST) evidence.dstIps = r.top_hosts;
  const n = await evidenceCount(sql, evidence);
  const durationSeconds = (Date.parse(r.last_ts) - Date.parse(r.first_ts)) / 1000;
  const from = r.top_sports.length
    ? `from ${r.proto}/${r.top_sports.slice(0, 3).join(', ')}${r.src_ports > 3 ? ', ...' : ''} `
    : '';
  return {
    detector: 'scan',
    kind: 'backscatter',
    severity: severityOf(score),
    score: round(score),
    src_ip: r.src_ip,
    dst_ip: r.hosts === 1 ? r.top_hosts[0] : null,
    window_start: r.first_ts,
    window_end: to,
    features: [
      {
        name: 'reply_targets',
        value: r.failed_targets,
        note: `distinct (host, port) answered ${from}without a request seen, nothing back`,
      },
      { name: 'dst_hosts', value: r.hosts },
      { name: 'dst_ports', value: r.ports, note: 'ephemeral ports of the hosts answered' },
      { name: 'src_ports', value: r.src_ports, note: 'service ports the answers came from' },
    ],
    flow_count: n,
    evidence,
    summary:
      `${r.src_ip} answered ${fmt(r.hosts)} host${r.hosts === 1 ? '' : 's'} ${from}on ${fmt(r.ports)} ephemeral port${r.ports === 1 ? '' : 's'} ` +
      `in ${formatDuration(durationSeconds)} without requests: responses or backscatter of a spoofed flood, not a scan`,
  };
}
