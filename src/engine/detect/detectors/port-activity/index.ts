// port-activity: first use of a destination port by a host after a warm-up period (by default the
// first 10% of the capture). One alert per host listing its new ports; a weak hint on its own.
import {
  clamp01,
  defineDetector,
  isoJustAfter,
  round,
  saturate,
  stageCtes,
  stagedRows,
  type AlertDraft,
} from '../../kit';
import { PORT_ACTIVITY_SQL } from './sql';

interface Row {
  src_ip: string;
  new_ports: number;
  first_ts: string;
  last_ts: string;
  ports: number[];
  known_ports: number;
  warm: string;
  n: number;
}

/** Evidence lists at most this many ports (beyond, the time span alone would be too wide). */
const MAX_LIST = 200;

/** Score: a floor for any new port, plus up to `ports` as the new ports add up (half at 10). */
export const WEIGHTS = { floor: 0.1, ports: 0.25, halfAt: 10 } as const;

export const portActivityDetector = defineDetector({
  id: 'port-activity',
  title: 'New destination ports',
  lookback: 'all', // the warm-up is the first share of the whole capture
  description:
    'First use of a destination port by a host after a warm-up period; one alert per host.',
  params: {
    warmupShare: {
      type: 'number',
      default: 0.1,
      min: 0,
      max: 1,
      description: 'share of the capture used as warm-up',
    },
    warmupMinutes: {
      type: 'number',
      default: 0,
      min: 0,
      description: 'minimum warm-up in minutes (the longer of the two wins)',
    },
    minNewPorts: {
      type: 'number',
      default: 1,
      min: 1,
      description: 'new ports a host needs for an alert',
    },
    maxPort: {
      type: 'number',
      default: 49151,
      min: 0,
      max: 65535,
      description: 'ignore ephemeral destination ports above this',
    },
    requireKnown: {
      type: 'boolean',
      default: true,
      description: 'only hosts active during the warm-up',
    },
  },
  async run(ctx) {
    // first uses and the new ones are read several times: stages of their own
    const q = stageCtes(
      PORT_ACTIVITY_SQL(ctx.sql.d, ctx.sql.flows),
      ['firsts', 'fresh', 'hosts'],
      'pa',
    );
    const rows = await stagedRows<Row>(ctx.sql, q, {
      share: ctx.params.warmupShare,
      minutes: ctx.params.warmupMinutes,
      maxPort: ctx.params.maxPort,
      requireKnown: ctx.params.requireKnown,
      minNew: ctx.params.minNewPorts,
      maxList: MAX_LIST,
    });
    const out: AlertDraft[] = [];
    for (const r of rows) {
      ctx.checkCancelled();
      const to = isoJustAfter(r.last_ts);
      const complete = r.new_ports <= MAX_LIST;
      out.push({
        detector: 'port-activity',
        severity: 'low',
        score: round(
          clamp01(WEIGHTS.floor + WEIGHTS.ports * saturate(r.new_ports, WEIGHTS.halfAt)),
        ),
        src_ip: r.src_ip,
        dst_ip: null,
        window_start: r.first_ts,
        window_end: to,
        features: [
          {
            name: 'new_dst_ports',
            value: r.new_ports,
            threshold: ctx.params.minNewPorts,
            direction: 'above',
            note: `first used after warm-up ending ${r.warm}`,
          },
          { name: 'known_dst_ports', value: r.known_ports, note: 'ports used during warm-up' },
        ],
        flow_count: r.n,
        evidence: complete
          ? { from: r.first_ts, to, srcIps: [r.src_ip], dstPorts: r.ports }
          : { from: r.first_ts, to, srcIps: [r.src_ip] },
        summary: `${r.src_ip} used ${r.new_ports} new destination port${r.new_ports > 1 ? 's' : ''} (${r.ports.slice(0, 5).join(', ')}${r.new_ports > 5 ? ', ...' : ''}) after warm-up`,
      });
    }
    return out;
  },
});
