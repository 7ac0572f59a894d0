// ip-activity: hosts whose distinct destination ports exceed both the population's 90th percentile
// and a hard limit (100), as the seed did. One alert per host over the whole capture.
import {
  addressNames,
  clamp01,
  defineDetector,
  isoJustAfter,
  round,
  saturate,
  targets,
  type AlertDraft,
} from '../../kit';
import { IP_ACTIVITY_SQL } from './sql';

interface Row {
  src_ip: string;
  src_ips: string[];
  ports: number;
  hosts: number;
  n: number;
  first_ts: string;
  last_ts: string;
  p: number;
  hosts_total: number;
}

/** Score: a floor past the threshold, plus up to `excess` as the ports pass it (half at 2x). */
export const WEIGHTS = { floor: 0.25, excess: 0.4, halfAt: 2 } as const;

export const ipActivityDetector = defineDetector({
  id: 'ip-activity',
  title: 'Many destination ports',
  lookback: 'all', // distinct ports over the capture against the population's quantile
  description:
    'Hosts whose distinct destination ports exceed the population quantile and a hard limit.',
  params: {
    quantile: {
      type: 'number',
      default: 0.9,
      min: 0,
      max: 1,
      description: 'population quantile a host must exceed',
    },
    limit: {
      type: 'number',
      default: 100,
      min: 0,
      description: 'hard limit of distinct destination ports',
    },
  },
  async run(ctx) {
    const limit = ctx.params.limit;
    await addressNames(ctx);
    await targets(ctx);
    const rows = await ctx.sql.rows<Row>(IP_ACTIVITY_SQL(ctx.sql.d, ctx.params.quantile), {
      limit,
    });
    return rows.map((r): AlertDraft => {
      const to = isoJustAfter(r.last_ts);
      const threshold = Math.max(limit, r.p);
      return {
        detector: 'ip-activity',
        severity: 'low',
        score: round(
          clamp01(
            WEIGHTS.floor + WEIGHTS.excess * saturate(r.ports / threshold - 1, WEIGHTS.halfAt),
          ),
        ),
        src_ip: r.src_ip,
        dst_ip: null,
        window_start: r.first_ts,
        window_end: to,
        features: [
          {
            name: 'distinct_dst_ports',
            value: r.ports,
            threshold,
            direction: 'above',
            note: `p${Math.round(ctx.params.quantile * 100)} across ${r.hosts_total} sources = ${round(r.p, 1)}, hard limit ${limit}`,
          },
          { name: 'distinct_dst_hosts', value: r.hosts },
        ],
        flow_count: r.n,
        evidence: { from: r.first_ts, to, srcIps: r.src_ips },
        summary: `${r.src_ip} used ${r.ports.toLocaleString('en-US')} distinct destination ports on ${r.hosts} hosts`,
      };
    });
  },
});
