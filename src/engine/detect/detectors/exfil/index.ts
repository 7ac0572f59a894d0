// exfil: an internal host sending far more to one external host than internal hosts usually send
// to any external host. Upload only: a backup server pulling data in, or a download, has a low
// upload share and stays silent; traffic between internal hosts is not looked at.
import {
  addressClasses,
  clamp01,
  defineDetector,
  round,
  saturate,
  severityOf,
  targets,
  windowMicros,
  windowSpan,
  type AlertDraft,
  stageCtes,
  stagedRows,
} from '../../kit';
import { EXFIL_SQL } from './sql';

interface PairRow {
  src_ips: string[];
  dst_ips: string[];
  dst_ports: number[] | null;
  up: number;
  down: number;
  flows: number;
  first_w: number;
  last_w: number;
  median_log: number;
  mad_log: number;
  population: number;
  z: number;
  up_share: number;
}

const MB = 1e6;

export function formatBytes(b: number): string {
  if (b >= 1e9) return `${round(b / 1e9, 2)} GB`;
  if (b >= 1e6) return `${round(b / 1e6, 1)} MB`;
  if (b >= 1e3) return `${round(b / 1e3, 1)} kB`;
  return `${b} B`;
}

/**
 * Score: `atFences` when every fence is just met, plus up to `volume` as the upload grows past
 * the minimum (half at `volumeHalfAt` decades, ~0.8 at x10) and up to `z` as the z-score does.
 */
export const WEIGHTS = { atFences: 0.6, volume: 0.25, volumeHalfAt: 0.5, z: 0.15 } as const;

export const exfilDetector = defineDetector({
  id: 'exfil',
  title: 'Exfiltration',
  lookback: 'all', // robust z against all the capture's outbound pairs
  description:
    'Unusually large upload from an internal host to one external host: robust z-score of log bytes up against all internal-to-external pairs, an absolute minimum and a high upload share.',
  params: {
    minBytesUp: {
      type: 'number',
      default: 50 * MB,
      min: 0,
      description: 'Bytes sent to the one external host, at least',
    },
    minZ: {
      type: 'number',
      default: 3.5,
      min: 0,
      description:
        'Robust z-score (median/MAD of log bytes up across internal-to-external pairs), at least',
    },
    minUpShare: {
      type: 'number',
      default: 0.6,
      min: 0,
      max: 1,
      description:
        "Share of the pair's bytes that went out, at least (downloads and pulls stay silent)",
    },
    madFloor: {
      type: 'number',
      default: 0.25,
      min: 0.001,
      description:
        'Smallest MAD of log bytes used, so a very uniform population does not inflate z',
    },
  },
  async run(ctx) {
    const ws = ctx.windowSeconds;
    const minUp = ctx.params.minBytesUp;
    const minZ = ctx.params.minZ;
    const minShare = ctx.params.minUpShare;
    await addressClasses(ctx);
    await targets(ctx);
    // on ClickHouse the pairs are a stage of their own (the rest reads them four times)
    const rows = await stagedRows<PairRow>(
      ctx.sql,
      stageCtes(EXFIL_SQL(ctx.sql.d), ['pairs'], 'ex'),
      {
        us: windowMicros(ws),
        minUp,
        minZ,
        minShare,
        madFloor: ctx.params.madFloor,
      },
    );
    ctx.checkCancelled();
    const out: AlertDraft[] = [];
    for (const r of rows) {
      const known = r.dst_ports ?? [];
      const [src, dst] = [r.src_ips[0], r.dst_ips[0]];
      const { from, to } = windowSpan(r.first_w, r.last_w, ws);
      const minutes = ((r.last_w - r.first_w + 1) * ws) / 60;
      // 0.6 at the fences, rising with volume (x10 the minimum gives ~0.8) and with z
      const score = clamp01(
        WEIGHTS.atFences +
          WEIGHTS.volume *
            saturate(Math.log10(Math.max(1, r.up / Math.max(minUp, 1))), WEIGHTS.volumeHalfAt) +
          WEIGHTS.z * saturate(r.z - minZ, minZ),
      );
      const ports = known.slice(0, 5).join(', ') + (known.length > 5 ? ', ...' : '') || 'none';
      out.push({
        detector: 'exfil',
        kind: 'exfiltration',
        severity: severityOf(score),
        score: round(score),
        src_ip: src,
        dst_ip: dst,
        window_start: from,
        window_end: to,
        features: [
          {
            name: 'bytes_up',
            value: r.up,
            threshold: minUp,
            direction: 'above',
            note: formatBytes(r.up),
          },
          {
            name: 'robust_z',
            value: round(r.z, 2),
            threshold: minZ,
            direction: 'above',
            note: `log bytes up vs ${r.population.toLocaleString('en-US')} internal-to-external pairs (median ${formatBytes(Math.round(Math.expm1(r.median_log)))})`,
          },
          { name: 'up_share', value: round(r.up_share), threshold: minShare, direction: 'above' },
          { name: 'bytes_down', value: r.down },
          { name: 'flows', value: r.flows, note: `dst ports ${ports}` },
        ],
        flow_count: r.flows,
        evidence: { from, to, srcIps: r.src_ips, dstIps: r.dst_ips },
        summary: `${src} sent ${formatBytes(r.up)} to ${dst} (port ${ports}) in ${round(minutes, 1)} min, ${round(r.up_share * 100, 1)}% of the pair's bytes`,
      });
    }
    return out;
  },
});
