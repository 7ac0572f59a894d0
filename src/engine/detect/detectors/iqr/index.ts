// iqr: the seed's batch outlier test. Per window, per (src, dst) pair: connections, distinct
// destination ports, bytes up and down; Tukey's outer fences (Q1 - 3*IQR, Q3 + 3*IQR) across the
// window's pairs. Profile 'default': one alert per outlier pair-window, upper fence only, and an
// absolute floor (3 ports against a fence of 2 is noise, not an attack). Profile 'seed': the
// seed's method exactly ([num_dst_ports, num_conns], both fences, one alert per flow) so an
// analyst can compare with its 65,752 alerts.
import type { Feature } from '../../../../shared/model';
import {
  addressNames,
  clamp01,
  defineDetector,
  isoJustAfter,
  round,
  saturate,
  windowMicros,
  windowPairs,
  type AlertDraft,
} from '../../kit';
import { IQR_FEATURES, iqrFlowsSql, iqrSql, type IqrFeature } from './sql';

type PairRow = Record<string, number> & {
  w: number;
  src_ip: string;
  dst_ip: string;
  n: number;
  npairs: number;
  ws: string;
  we: string;
};
interface FlowRow {
  ws: string;
  we: string;
  src_ip: string;
  dst_ip: string;
  src_port: number | null;
  dst_port: number | null;
  ts: string;
  proto: string;
}

const K = 3;

/**
 * Scores: `seed` for each flow of the seed method; else `floor` plus up to `excess` past the fence
 * (half at `halfAt` times the fence), medium severity from `mediumFrom` (never higher: an outlier
 * alone is no incident).
 */
export const WEIGHTS = { seed: 0.2, floor: 0.2, excess: 0.4, halfAt: 3, mediumFrom: 0.5 } as const;

export const iqrDetector = defineDetector({
  id: 'iqr',
  title: 'IQR outliers per window',
  lookback: 0, // fences per window across that window's pairs
  description:
    "Pairs outside Tukey's outer fences of per-window pair features (the seed's method).",
  params: {
    profile: {
      type: 'string',
      default: 'default',
      choices: ['default', 'seed'],
      description: "'seed' reproduces the seed exactly (one alert per flow)",
    },
    features: {
      type: 'string[]',
      default: ['num_dst_ports'],
      choices: Object.keys(IQR_FEATURES),
      description: 'pair features tested',
    },
    minCount: {
      type: 'number',
      default: 10,
      min: 0,
      description: 'minimum connections / ports for an alert (default profile)',
    },
    minBytes: {
      type: 'number',
      default: 1_000_000,
      min: 0,
      description: 'minimum bytes for a byte-feature alert (default profile)',
    },
  },
  async run(ctx) {
    const seed = ctx.params.profile === 'seed';
    const features = (seed ? ['num_dst_ports', 'num_conns'] : ctx.params.features) as IqrFeature[];
    if (features.length === 0) return [];
    const params = {
      ws: ctx.windowSeconds,
      us: windowMicros(ctx.windowSeconds),
      k: K,
      lower: seed,
      minCount: seed ? 0 : ctx.params.minCount,
      minBytes: seed ? 0 : ctx.params.minBytes,
    };
    await addressNames(ctx);
    await windowPairs(ctx);
    if (seed) {
      const rows = await ctx.sql.rows<FlowRow>(
        iqrFlowsSql(ctx.sql.d, ctx.sql.flows, features),
        params,
      );
      return rows.map((r): AlertDraft => ({
        detector: 'iqr',
        severity: 'low',
        score: WEIGHTS.seed,
        src_ip: r.src_ip,
        dst_ip: r.dst_ip,
        window_start: r.ws,
        window_end: r.we,
        features: [
          {
            name: 'seed_outlier_pair',
            value: 1,
            note: `pair outside the outer fences of ${features.join(' or ')} in its window`,
          },
        ],
        flow_count: 1,
        evidence: {
          from: r.ts,
          to: isoJustAfter(r.ts),
          srcIps: [r.src_ip],
          dstIps: [r.dst_ip],
          ...(r.src_port != null ? { srcPorts: [r.src_port] } : {}),
          ...(r.dst_port != null ? { dstPorts: [r.dst_port] } : {}),
          protos: [r.proto],
        },
        summary: `flow ${r.src_ip}:${r.src_port ?? '-'} -> ${r.dst_ip}:${r.dst_port ?? '-'} in an outlier pair (seed method)`,
      }));
    }
    const rows = await ctx.sql.rows<PairRow>(iqrSql(ctx.sql.d, features), params);
    return rows.map((r): AlertDraft => {
      const fired: Feature[] = [];
      let excess = 0;
      for (const f of features) {
        const q1 = r[`q1_${f}`];
        const q3 = r[`q3_${f}`];
        const upper = q3 + K * (q3 - q1);
        const floor = f.startsWith('bytes') ? params.minBytes : params.minCount;
        if (r[f] > upper && r[f] >= floor) {
          fired.push({
            name: f,
            value: r[f],
            threshold: round(upper, 2),
            direction: 'above',
            note: `Q3 + 3*IQR across ${r.npairs} pairs of the window`,
          });
          excess = Math.max(excess, (r[f] - upper) / Math.max(upper, 1));
        }
      }
      const score = round(
        clamp01(WEIGHTS.floor + WEIGHTS.excess * saturate(excess, WEIGHTS.halfAt)),
      );
      const what = fired
        .map((f) => `${f.name} ${f.value.toLocaleString('en-US')} > ${f.threshold}`)
        .join(', ');
      return {
        detector: 'iqr',
        severity: score >= WEIGHTS.mediumFrom ? 'medium' : 'low',
        score,
        src_ip: r.src_ip,
        dst_ip: r.dst_ip,
        window_start: r.ws,
        window_end: r.we,
        features: fired,
        flow_count: r.n,
        evidence: { from: r.ws, to: r.we, srcIps: [r.src_ip], dstIps: [r.dst_ip] },
        summary: `${r.src_ip} -> ${r.dst_ip} outlier in its window: ${what}`,
      };
    });
  },
});
