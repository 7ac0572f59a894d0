// beacon: an internal host calling the same external host and port at regular intervals with
// regular sizes (malware checking in), scored as RITA does from Bowley skew and MAD of the
// intervals and sizes plus how much of the capture the calls cover. Peer baseline: when several
// other site hosts call the same service just as regularly (software updates, telemetry, a
// monitoring agent), that is the service's normal clientele and none of them stands out.
import {
  addressClasses,
  clamp01,
  defineDetector,
  ignoredServices,
  round,
  severityOf,
  targets,
  windowMicros,
  windowSpan,
  type AlertDraft,
  stageCtes,
  stagedRows,
} from '../../kit';
import { scoreBeacon } from './score';
import { beaconSql } from './sql';

interface PairRow {
  src_ips: string[];
  dst_ips: string[];
  dst_port: number;
  proto: string;
  conns: number;
  ports: number;
  recs: number;
  first_w: number;
  last_w: number;
  d1: number;
  d2: number;
  d3: number;
  dmad: number;
  b1: number;
  b2: number;
  b3: number;
  bmad: number;
  bmode: number;
  capture_seconds: number;
}

function formatInterval(s: number): string {
  return s < 120 ? `${round(s, 1)} s` : `${round(s / 60, 1)} min`;
}

/** Alert score: `atMinimum` at the minimum beacon score, rising by up to `range` to a perfect one. */
export const WEIGHTS = { atMinimum: 0.5, range: 0.5 } as const;

export const beaconDetector = defineDetector({
  id: 'beacon',
  title: 'Beaconing',
  lookback: 'all', // intervals and sizes over the whole capture, peers
  description:
    'Internal-to-external pairs (same port) whose connections come at regular intervals with regular sizes (RITA-style Bowley skew, MAD and coverage scores).',
  params: {
    minConns: {
      type: 'number',
      default: 10,
      min: 3,
      description: 'Connections a pair needs before it is scored',
    },
    minScore: {
      type: 'number',
      default: 0.85,
      min: 0,
      max: 1,
      description: 'Beacon score (0..1) to report',
    },
    minIntervalSeconds: {
      type: 'number',
      default: 5,
      min: 0,
      description: 'Median interval at least this long (faster repeats are bursts, not check-ins)',
    },
    maxIntervalMad: {
      type: 'number',
      default: 0.25,
      min: 0,
      description:
        'Interval MAD as a share of the median interval, at most (jittered beacons stay well under; browsing is far above)',
    },
    maxSizeMad: {
      type: 'number',
      default: 0.25,
      min: 0,
      description:
        'Size MAD as a share of the median size, at most (a check-in carries the same payload each time)',
    },
    ignoreServices: {
      type: 'string[]',
      default: ['udp/123'],
      description:
        'Services (proto/port) periodic by design and not scored: NTP polls on a fixed timer',
    },
    maxPeers: {
      type: 'number',
      default: 3,
      min: 0,
      description:
        'Other site hosts calling the same service as regularly, at most (more: its normal clientele)',
    },
    bucketSeconds: {
      type: 'number',
      default: 90,
      min: 0,
      description: 'Records of one source port within a bucket this long are one connection',
    },
  },
  async run(ctx) {
    const ws = ctx.windowSeconds;
    const minConns = ctx.params.minConns;
    const minScore = ctx.params.minScore;
    const minInterval = ctx.params.minIntervalSeconds;
    const maxMad = ctx.params.maxIntervalMad;
    const maxSizeMad = ctx.params.maxSizeMad;
    const ignored = ignoredServices(ctx.params.ignoreServices);
    await addressClasses(ctx);
    await targets(ctx);
    // on ClickHouse the candidates and their connections are stages of their own (read many times)
    const rows = await stagedRows<PairRow>(
      ctx.sql,
      stageCtes(beaconSql(ctx.sql.d, ctx.sql.flows, ignored.skipSql()), ['cand', 'conns'], 'bc'),
      {
        us: windowMicros(ws),
        bucket: ctx.params.bucketSeconds,
        minConns: Math.ceil(minConns),
        minInterval,
        ...ignored.binds,
      },
    );
    ctx.checkCancelled();
    const out: AlertDraft[] = [];
    // per service (destination, port, protocol): the site hosts that call it regularly
    const regular = (r: PairRow) =>
      r.d2 >= minInterval && r.dmad <= maxMad * r.d2 && r.ports * 2 >= r.conns;
    const service = (r: PairRow) => `${r.dst_ips[0]}|${r.dst_port}|${r.proto}`;
    const regulars = new Map<string, number>();
    for (const r of rows)
      if (regular(r)) regulars.set(service(r), (regulars.get(service(r)) ?? 0) + 1);
    const maxPeers = ctx.params.maxPeers;
    for (const r of rows) {
      if (r.d2 < minInterval) continue;
      if (r.dmad > maxMad * r.d2) continue;
      const peers = (regulars.get(service(r)) ?? 1) - 1;
      if (peers > maxPeers) continue;
      if (r.bmad > maxSizeMad * r.b2) continue;
      // "calls" that mostly keep one source port are one long flow seen through its update
      // records (seed-format collectors report every ~30 s); in such data a beacon that reuses
      // its port cannot be told apart from them, so it is not reported either
      if (r.ports * 2 < r.conns) continue;
      const s = scoreBeacon({ ...r, captureSeconds: r.capture_seconds });
      if (s.score < minScore) continue;
      const { from, to } = windowSpan(r.first_w, r.last_w, ws);
      const score = clamp01(
        WEIGHTS.atMinimum + WEIGHTS.range * ((s.score - minScore) / Math.max(1e-9, 1 - minScore)),
      );
      const src = r.src_ips[0];
      const dst = r.dst_ips[0];
      out.push({
        detector: 'beacon',
        kind: 'beaconing',
        severity: severityOf(score),
        score: round(score),
        src_ip: src,
        dst_ip: dst,
        window_start: from,
        window_end: to,
        features: [
          {
            name: 'beacon_score',
            value: round(s.score),
            threshold: minScore,
            direction: 'above',
            note: `mean of interval score ${round(s.ts)} and size score ${round(s.ds)}`,
          },
          { name: 'connections', value: r.conns, threshold: minConns, direction: 'above' },
          {
            name: 'interval_median_s',
            value: round(r.d2, 2),
            threshold: minInterval,
            direction: 'above',
            note: `quartiles ${round(r.d1, 1)} / ${round(r.d2, 1)} / ${round(r.d3, 1)} s`,
          },
          {
            name: 'interval_mad_s',
            value: round(r.dmad, 2),
            threshold: round(maxMad * r.d2, 2),
            direction: 'below',
            note: `MAD score ${round(s.tsMad)}, skew score ${round(s.tsSkew)}`,
          },
          {
            name: 'coverage',
            value: round(s.tsCount),
            note: 'connections x median interval / capture length',
          },
          {
            name: 'peers',
            value: peers,
            threshold: maxPeers,
            direction: 'below',
            note: 'other site hosts calling the same service as regularly',
          },
          {
            name: 'bytes_median',
            value: round(r.b2, 1),
            note: `quartiles ${r.b1} / ${r.b2} / ${r.b3}`,
          },
          {
            name: 'bytes_mad',
            value: round(r.bmad, 1),
            threshold: round(maxSizeMad * r.b2, 1),
            direction: 'below',
            note: `MAD score ${round(s.dsMad)}, skew score ${round(s.dsSkew)}`,
          },
        ],
        flow_count: r.recs,
        evidence: {
          from,
          to,
          srcIps: r.src_ips,
          dstIps: r.dst_ips,
          dstPorts: [r.dst_port],
          protos: [r.proto],
        },
        summary: `${src} called ${dst}:${r.dst_port}/${r.proto} ${r.conns} times every ${formatInterval(r.d2)} (MAD ${formatInterval(r.dmad)}), ~${Math.round(r.b2)} B each`,
      });
    }
    return out.sort((a, b) => b.score - a.score);
  },
});
