// hbos: histogram-based outlier score of each source host's behaviour per window (connections,
// distinct destination hosts and ports, bytes up and down, failed flows), against histograms of
// the whole capture (see sql.ts for the upper-tail rarity). Only the extreme tail is reported, a
// few windows per host at most, hosts whose outlying windows recur all capture long (monitoring)
// are left out, and the alert names the features whose bins were rarest.
import {
  addressNames,
  clamp01,
  defineDetector,
  round,
  severityOf,
  windowPairs,
  windowSpan,
  type AlertDraft,
  stageCtes,
  stagedRows,
} from '../../kit';
import { HBOS_FEATURES, HBOS_SQL, type HbosFeature } from './sql';

interface Row {
  src_ips: string[];
  w: number;
  score: number;
  conns: number;
  dst_hosts: number;
  dst_ports: number;
  bytes_up: number;
  bytes_down: number;
  failed: number;
  p50: number;
  bar: number;
  mx: number;
  n: number;
}

/** Score: `atBar` at the reporting threshold, rising by up to `range` to the capture's top. */
export const WEIGHTS = { atBar: 0.3, range: 0.5 } as const;

export const hbosDetector = defineDetector({
  id: 'hbos',
  title: 'Outlier hosts (HBOS)',
  lookback: 'all', // histograms and recurrence over the whole capture
  description:
    'Histogram-based outlier score of per-window source host features (log-scaled), against the whole capture; reports the extreme tail.',
  params: {
    bins: {
      type: 'number',
      default: 20,
      min: 2,
      max: 1000,
      description: 'Bins per feature histogram (fixed width on log1p)',
    },
    tailShare: {
      type: 'number',
      default: 0.0005,
      min: 0,
      max: 1,
      description:
        'Share of host-windows at the top of the score distribution that may be reported',
    },
    minScore: {
      type: 'number',
      default: 2.25,
      min: 0,
      max: 6,
      description:
        'Score a window needs as well, in units of ln(host-windows): 1 is one feature at its rarest, so above 2 means several features at once',
    },
    recurWindows: {
      type: 'number',
      default: 10,
      min: 1,
      description: 'A host with this many windows near the bar ...',
    },
    recurSpread: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description:
        '... spread over this share of the capture is doing what it always does (skipped)',
    },
    maxPerHost: {
      type: 'number',
      default: 3,
      min: 1,
      description: 'Windows reported per host at most',
    },
    topFeatures: {
      type: 'number',
      default: 3,
      min: 1,
      max: 6,
      description: 'Contributing features listed per alert',
    },
  },
  async run(ctx) {
    const ws = ctx.windowSeconds;
    await addressNames(ctx);
    await windowPairs(ctx);
    const p = ctx.params;
    const binds = {
      bins: Math.round(p.bins),
      minScore: p.minScore,
      maxPerHost: Math.round(p.maxPerHost),
      recurWindows: Math.round(p.recurWindows),
      recurSpread: p.recurSpread,
    };
    // on ClickHouse in stages (one statement inlined there makes its planner give up)
    const rows = await stagedRows<Row>(
      ctx.sql,
      stageCtes(HBOS_SQL(ctx.sql.d, p.tailShare), ['ew', 'binned', 'scored'], 'hbos'),
      binds,
    );
    ctx.checkCancelled();
    const top = Math.round(p.topFeatures);
    return rows.map((r): AlertDraft => {
      const { from, to } = windowSpan(r.w, r.w, ws);
      const threshold = r.bar;
      // normalised against the capture: 0.3 at the reporting threshold, 0.8 at the capture's top
      const rel = r.mx > threshold ? (r.score - threshold) / (r.mx - threshold) : 1;
      const score = clamp01(WEIGHTS.atBar + WEIGHTS.range * rel);
      const rec = r as unknown as Record<string, number>;
      const parts: [HbosFeature, number][] = HBOS_FEATURES.map((f): [HbosFeature, number] => [
        f,
        rec[`r_${f}`],
      ])
        .filter(([, c]) => c > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, top);
      const raw = (f: HbosFeature) => rec[f];
      const features = [
        {
          name: 'hbos_score',
          value: round(r.score, 2),
          threshold: round(threshold, 2),
          direction: 'above' as const,
          note: `median ${round(r.p50, 2)}, top ${round(r.mx, 2)} over ${r.n.toLocaleString('en-US')} host-windows`,
        },
        ...parts.map(([name, c]) => ({
          name,
          value: raw(name),
          direction: 'above' as const,
          note: `rarity ${round(c, 2)} = -ln(share of host-windows in this log bin or above; above the usual bin)`,
        })),
      ];
      const why = parts.map(([name]) => `${name} ${raw(name).toLocaleString('en-US')}`).join(', ');
      return {
        detector: 'hbos',
        kind: 'anomaly',
        severity: severityOf(score),
        score: round(score),
        src_ip: r.src_ips[0],
        dst_ip: null,
        window_start: from,
        window_end: to,
        features,
        flow_count: r.conns,
        evidence: { from, to, srcIps: r.src_ips },
        summary: `${r.src_ips[0]} behaved unlike the rest of the capture for ${ws} s: ${why || 'rare combination'}`,
      };
    });
  },
});

export { HBOS_FEATURES };
