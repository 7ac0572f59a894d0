// callback: persistent failed callbacks. A site host that tries the same outside endpoint hundreds
// of times over a long span, most attempts unanswered or refused, regular or not, is calling a
// command-and-control server that is gone or blocked (or it is a dead implant): the beacon
// detector needs answered, regular calls and misses it. Look-alikes that stay silent: a poller
// whose calls succeed (most attempts answered), NTP and DNS retries (ignored services), and an
// endpoint that several site hosts use (a service's clientele, e.g. an update server that is
// down for everyone).
import {
  addressClasses,
  clamp01,
  defineDetector,
  formatDuration,
  ignoredServices,
  isoJustAfter,
  round,
  saturate,
  severityOf,
  targets,
  unidirectional,
  type AlertDraft,
  stageCtes,
  stagedRows,
} from '../../kit';
import { callbackSql } from './sql';

interface PairRow {
  src_ips: string[];
  dst_ips: string[];
  dst_port: number;
  proto: string;
  attempts: number;
  failed: number;
  unanswered: number;
  refused: number;
  recs: number;
  first_ts: string;
  last_ts: string;
  d_median: number;
  d_max: number;
  timeline: { t: number; n: number }[];
  peers: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const hhmm = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(11, 16);

/**
 * Score: `atFences` when every fence is just met, plus up to `attempts` with many attempts
 * (10x the minimum: +0.2) and up to `failedShare` as the failures dominate.
 */
export const WEIGHTS = {
  atFences: 0.6,
  attempts: 0.2,
  attemptsHalfAt: 3,
  failedShare: 0.2,
} as const;

export const callbackDetector = defineDetector({
  id: 'callback',
  title: 'Failed callbacks',
  lookback: 'all', // attempts over a long span, peers over the capture
  description:
    'A site host that keeps trying one outside endpoint (hundreds of attempts over a long span), most attempts unanswered or refused: C2 that is gone or blocked, or a dead implant.',
  params: {
    minAttempts: {
      type: 'number',
      default: 200,
      min: 2,
      description:
        'attempts (records of one source port no more than bucketSeconds apart are one) to one outside host and port',
    },
    minSpanMinutes: {
      type: 'number',
      default: 30,
      min: 0,
      description: 'first to last attempt at least this long ...',
    },
    minSpanShare: {
      type: 'number',
      default: 0.8,
      min: 0,
      max: 1,
      description:
        '... or, in a shorter capture, at least this share of it (the attempts went on all capture long)',
    },
    minFailedShare: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description:
        'share of attempts that got no lasting session (unanswered, refused, or cut off half-closed), at least',
    },
    bucketSeconds: {
      type: 'number',
      default: 60,
      min: 1,
      description:
        'records of one source port no more than this many seconds apart are one attempt',
    },
    maxPeers: {
      type: 'number',
      default: 2,
      min: 0,
      description:
        'other site hosts using the same endpoint, at most (more: a service everyone uses)',
    },
    peerAttempts: {
      type: 'number',
      default: 10,
      min: 1,
      description: 'records that make another site host a user of the endpoint',
    },
    ignoreServices: {
      type: 'string[]',
      default: ['udp/53', 'tcp/53', 'udp/123'],
      description:
        'services (proto/port) whose retries are the resolver or the clock, not a callback',
    },
  },
  async run(ctx) {
    const p = ctx.params;
    const ignored = ignoredServices(p.ignoreServices);
    await addressClasses(ctx);
    await targets(ctx);
    // the capture's length decides the timeline's buckets and, for a short capture, the span
    const span =
      (
        await ctx.sql.rows<{ s: number | null }>(
          `SELECT ${ctx.sql.d.epoch('max(ts)')} - ${ctx.sql.d.epoch('min(ts)')} AS s FROM ${ctx.sql.flows}`,
        )
      )[0]?.s ?? 0;
    const minSpan = Math.min(p.minSpanMinutes * 60, p.minSpanShare * span);
    const binds: Record<string, string | number> = {
      minAttempts: Math.ceil(p.minAttempts),
      minSpan,
      minFailedShare: p.minFailedShare,
      bucket: p.bucketSeconds,
      timeline: 0,
      peerAttempts: p.peerAttempts,
    };
    Object.assign(binds, ignored.binds);
    // timeline buckets: 10 minutes up to 4 hours of capture, hourly beyond
    binds.timeline = span <= 4 * 3600 ? 600 : 3600;
    // the candidates' records and attempts are read several times: stages of their own
    const staged = stageCtes(
      callbackSql(ctx.sql.d, ctx.sql.flows, ignored.skipSql(), await unidirectional(ctx)),
      ['cand', 'att', 'per'],
      'cb',
    );
    const rows = (
      await stagedRows<PairRow & { tl_t: number[]; tl_n: number[] }>(ctx.sql, staged, binds)
    ).map((r) => ({ ...r, timeline: r.tl_t.map((t, i) => ({ t, n: r.tl_n[i] })) }));
    ctx.checkCancelled();
    const out: AlertDraft[] = [];
    for (const r of rows) {
      if (r.peers > p.maxPeers) continue;
      const share = r.failed / r.attempts;
      const seconds = (Date.parse(r.last_ts) - Date.parse(r.first_ts)) / 1000;
      const to = isoJustAfter(r.last_ts);
      const [src, dst] = [r.src_ips[0], r.dst_ips[0]];
      // 0.6 at the fences, more with many attempts (10x the minimum: +0.2) and a high failure share
      const score = clamp01(
        WEIGHTS.atFences +
          WEIGHTS.attempts * saturate(r.attempts / p.minAttempts - 1, WEIGHTS.attemptsHalfAt) +
          WEIGHTS.failedShare * ((share - p.minFailedShare) / Math.max(1e-9, 1 - p.minFailedShare)),
      );
      const cut = r.failed - r.unanswered - r.refused;
      const how = `${fmt(r.unanswered)} unanswered, ${fmt(r.refused)} refused, ${fmt(cut)} cut off`;
      out.push({
        detector: 'callback',
        kind: 'failed-callback',
        severity: severityOf(score),
        score: round(score),
        src_ip: src,
        dst_ip: dst,
        window_start: r.first_ts,
        window_end: to,
        features: [
          {
            name: 'attempts',
            value: r.attempts,
            threshold: p.minAttempts,
            direction: 'above',
            note: `to ${dst}:${r.dst_port}/${r.proto} (${fmt(r.recs)} records)`,
          },
          {
            name: 'failed_share',
            value: round(share),
            threshold: p.minFailedShare,
            direction: 'above',
            note: `${how} (closed by one side only)`,
          },
          {
            name: 'span_minutes',
            value: round(seconds / 60, 1),
            threshold: round(minSpan / 60, 1),
            direction: 'above',
            note: `${p.minSpanMinutes} min, or ${Math.round(p.minSpanShare * 100)}% of a shorter capture`,
          },
          {
            name: 'interval_median_s',
            value: round(r.d_median, 1),
            note: `longest pause ${formatDuration(r.d_max)}`,
          },
          {
            name: 'peers',
            value: r.peers,
            threshold: p.maxPeers,
            direction: 'below',
            note: 'other site hosts using the same endpoint',
          },
          {
            name: 'timeline',
            value: r.timeline.length,
            note: `attempts per ${binds.timeline === 600 ? '10 min' : 'hour'} (UTC): ${r.timeline.map((b) => `${hhmm(b.t)} ${b.n}`).join(', ')}`,
          },
        ],
        flow_count: r.recs,
        evidence: {
          from: r.first_ts,
          to,
          srcIps: r.src_ips,
          dstIps: r.dst_ips,
          dstPorts: [r.dst_port],
          protos: [r.proto],
        },
        summary:
          `${src} tried ${dst}:${r.dst_port}/${r.proto} ${fmt(r.attempts)} times over ${formatDuration(seconds)}, ` +
          `${Math.round(share * 100)}% failed (${how}), about every ${formatDuration(r.d_median)}: ` +
          'a command-and-control server gone or blocked, or a dead implant',
      });
    }
    return out;
  },
});
