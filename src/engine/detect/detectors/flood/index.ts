// flood: many flows to one victim port that get nowhere (half-open, refused, unanswered) in a
// short span, from many sources (spoofed SYN flood) or one very loud one. The entity is the
// victim; the attackers are named in the summary (and as src_ip when one source dominates).
// Peer baseline: a flood needs many failing sources, or a rate far above the service's normal
// (its median flows per active window) and high in absolute terms: one client retrying a web
// server 50-90 times in 10 s, or a handful of clients failing together, is not a flood.
import {
  clamp01,
  defineDetector,
  listBinds,
  round,
  saturate,
  severityOf,
  unidirectional,
  windowMicros,
  windowSpan,
  type AlertDraft,
  stageCtes,
  stagedRows,
} from '../../kit';
import { floodSql } from './sql';

interface StretchRow {
  dst_ips: string[];
  dst_port: number;
  proto: string;
  first_w: number;
  last_w: number;
  hot_windows: number;
  peak_failed: number;
  base_failed: number;
  peak_n: number;
  base_n: number;
  flows: number;
  failed: number;
  sources: number;
  failing_sources: number;
  top_source_failed: number;
  top_sources: string[];
}

const TOP_SOURCES = 5;

/** Score: `atThreshold` at the minimum rate, plus up to `rate` as the peak passes it (half at
 * 2x over) and up to `failedShare` as the failures dominate. */
export const WEIGHTS = { atThreshold: 0.6, rate: 0.3, rateHalfAt: 2, failedShare: 0.1 } as const;

export const floodDetector = defineDetector({
  id: 'flood',
  title: 'Flood (SYN flood and the like)',
  lookback: 'all', // the port's median failures per window over the capture
  description:
    'Fan-in of many failed flows (half-open, reset, unanswered) to one destination port within a few windows.',
  params: {
    protos: { type: 'string[]', default: ['tcp'], description: 'Protocols watched' },
    minFailedPerSecond: {
      type: 'number',
      default: 5,
      min: 0.01,
      description: 'Failed flows per second to one victim port that make a window hot',
    },
    minFailedShare: {
      type: 'number',
      default: 0.7,
      min: 0,
      max: 1,
      description: "Share of the window's flows to that port that failed ...",
    },
    surgeFactor: {
      type: 'number',
      default: 5,
      min: 1,
      description:
        "... or failures at least this many times the port's median per window (a busy server under flood)",
    },
    maxGapWindows: {
      type: 'number',
      default: 1,
      min: 0,
      description: 'Quiet windows allowed inside one flood before it counts as two',
    },
    minSources: {
      type: 'number',
      default: 10,
      min: 1,
      description:
        'Failing sources that make a flood on their own (none of them sending maxTopShare of the failures) ...',
    },
    maxTopShare: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description:
        "... otherwise (few sources, or one source's retries) the rate must be far above normal",
    },
    fewSourcesMinRate: {
      type: 'number',
      default: 100,
      min: 0,
      description: 'With fewer sources: failed flows per second at the peak, at least ...',
    },
    farAbove: {
      type: 'number',
      default: 10,
      min: 1,
      description:
        "... and flows at the peak at least this many times the port's median per active window",
    },
    loudSourceShare: {
      type: 'number',
      default: 0.9,
      min: 0,
      max: 1,
      description:
        'One source with at least this share of the failed flows is named as the attacker',
    },
  },
  async run(ctx) {
    const p = ctx.params;
    const protos = p.protos;
    if (protos.length === 0) return [];
    const ws = ctx.windowSeconds;
    const minFailed = Math.max(1, Math.ceil(p.minFailedPerSecond * ws));
    const minShare = p.minFailedShare;
    const uni = await unidirectional(ctx);
    const protoList = listBinds('proto', protos);
    // on ClickHouse the victims' windows, stretches and their flows are stages of their own
    const rows = await stagedRows<StretchRow>(
      ctx.sql,
      stageCtes(
        floodSql(ctx.sql.d, ctx.sql.flows, protoList.sql, uni),
        ['win', 'stretch', 'member'],
        'fl',
      ),
      {
        us: windowMicros(ws),
        minFailed,
        minShare,
        maxGap: Math.round(p.maxGapWindows),
        top: TOP_SOURCES,
        surge: p.surgeFactor,
        ...protoList.binds,
      },
    );
    ctx.checkCancelled();
    const loudShare = p.loudSourceShare;
    const surge = p.surgeFactor;
    const many = (r: StretchRow) =>
      r.failing_sources >= p.minSources && r.top_source_failed < p.maxTopShare * r.failed;
    return rows
      .filter((r) => {
        if (many(r)) return true;
        return (
          r.peak_failed / ws >= p.fewSourcesMinRate &&
          r.peak_n >= p.farAbove * Math.max(r.base_n, 1)
        );
      })
      .map((r): AlertDraft => {
        const { from, to } = windowSpan(r.first_w, r.last_w, ws);
        const seconds = (r.last_w - r.first_w + 1) * ws;
        const failedShare = r.failed / r.flows;
        const peakRate = r.peak_failed / ws;
        const topShare = r.top_source_failed / Math.max(r.failed, 1);
        const loud = topShare >= loudShare ? r.top_sources[0] : null;
        const victim = r.dst_ips[0];
        // 0.6 at the threshold, towards 1 as the peak rate grows past it and the failures dominate
        const score = clamp01(
          WEIGHTS.atThreshold +
            WEIGHTS.rate * saturate(peakRate / (minFailed / ws) - 1, WEIGHTS.rateHalfAt) +
            WEIGHTS.failedShare * failedShare,
        );
        const who = loud
          ? loud
          : `${r.sources.toLocaleString('en-US')} sources (${r.failing_sources.toLocaleString('en-US')} with failed flows; ` +
            `top: ${r.top_sources.slice(0, 3).join(', ')})`;
        return {
          detector: 'flood',
          kind: 'syn-flood',
          severity: severityOf(score),
          score: round(score),
          src_ip: loud,
          dst_ip: victim,
          window_start: from,
          window_end: to,
          features: [
            {
              name: 'failed_flows',
              value: r.failed,
              note: `half-open, reset or unanswered flows to ${r.proto}/${r.dst_port} over ${seconds} s`,
            },
            {
              name: 'peak_failed_per_s',
              value: round(peakRate, 2),
              threshold: minFailed / ws,
              direction: 'above',
              note: `busiest ${ws} s window`,
            },
            {
              name: 'failed_share',
              value: round(failedShare),
              threshold: minShare,
              direction: 'above',
            },
            {
              name: 'surge',
              value: round(r.peak_failed / Math.max(r.base_failed, 1), 1),
              threshold: surge,
              direction: 'above',
              note: `peak failures per window over the port's median (${round(r.base_failed, 1)})`,
            },
            {
              name: 'sources',
              value: r.sources,
              note: 'distinct sources of flows to the port in the stretch',
            },
            {
              name: 'failing_sources',
              value: r.failing_sources,
              threshold: p.minSources,
              direction: 'above',
              note: `sources with failed flows; the top one sent ${round(topShare * 100, 1)}% of the failures${many(r) ? '' : ' (few sources or one dominant: the rate decided)'}`,
            },
            {
              name: 'over_normal',
              value: round(r.peak_n / Math.max(r.base_n, 1), 1),
              ...(many(r) ? {} : { threshold: p.farAbove, direction: 'above' as const }),
              note: `flows to the port in the busiest window vs its median per active window (${round(r.base_n, 1)})`,
            },
            { name: 'hot_windows', value: r.hot_windows },
          ],
          flow_count: r.flows,
          evidence: { from, to, dstIps: r.dst_ips, dstPorts: [r.dst_port], protos: [r.proto] },
          summary: `${victim}:${r.dst_port}/${r.proto} flooded by ${who}: ${r.failed.toLocaleString('en-US')} failed flows in ${seconds} s (${round(failedShare * 100, 1)}% failed, peak ${round(peakRate, 1)}/s)`,
        };
      });
  },
});
