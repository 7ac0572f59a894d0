// bruteforce: many short, similar connections from one source to one destination on an
// authentication port. Failed logins are small and alike (size CV low); a monitoring probe every
// minute never reaches the attempt count within the horizon. Peer baseline: a service's normal
// clientele (application servers polling a database every few seconds, backups, monitoring) is
// not brute force. A client must stand out from the service's other clients (its busiest horizon
// peerFactor times theirs) when there are enough of them to compare, and a site host that keeps
// the same pace towards a site service over most of the capture is polling, not guessing.
import {
  clamp01,
  defineDetector,
  listBinds,
  round,
  severityOf,
  stageCtes,
  stagedRows,
  windowMicros,
  windowSpan,
  type AlertDraft,
} from '../../kit';
import { bruteforceSql } from './sql';

export const AUTH_PORTS = [
  22, 23, 21, 3389, 445, 5900, 3306, 5432, 1433, 110, 143, 993, 995, 25, 587,
];

interface SpanRow {
  src_ip: string;
  dst_ip: string;
  dst_port: number;
  proto: string;
  first_w: number;
  last_w: number;
  attempts: number;
  recs: number;
  mean_bytes: number;
  size_cv: number | null;
  peak: number;
  total: number;
  client_first_w: number;
  client_last_w: number;
  active: number;
  src_class: string;
  dst_class: string;
  peers: number;
  peer_peak: number | null;
  capture_windows: number;
}

/**
 * Score: `atThreshold` at the minimum attempts, plus up to `attempts` as they grow (full at
 * `attemptsDecades` decades over the minimum: x100) and up to `sameness` as the attempt sizes are alike.
 */
export const WEIGHTS = {
  atThreshold: 0.6,
  attempts: 0.25,
  attemptsDecades: 2,
  sameness: 0.15,
} as const;

export const bruteforceDetector = defineDetector({
  id: 'bruteforce',
  title: 'Brute force',
  lookback: 'all', // the service's clientele and the client's pace over the capture
  description:
    'Many short connections of similar size from one source to one destination on an authentication port within a horizon.',
  params: {
    ports: { type: 'number[]', default: AUTH_PORTS, description: 'Authentication ports watched' },
    protos: { type: 'string[]', default: ['tcp'], description: 'Protocols watched' },
    horizonSeconds: {
      type: 'number',
      default: 300,
      min: 1,
      description: 'Trailing horizon over which attempts are counted (rounded up to whole windows)',
    },
    idleSeconds: {
      type: 'number',
      default: 120,
      min: 0,
      description: 'Records of one source port further apart than this are separate attempts',
    },
    minAttempts: {
      type: 'number',
      default: 20,
      min: 2,
      description: 'Attempts within the horizon',
    },
    maxSizeCv: {
      type: 'number',
      default: 0.5,
      min: 0,
      description: 'Largest coefficient of variation of attempt sizes (bytes both ways)',
    },
    maxMeanBytes: {
      type: 'number',
      default: 20000,
      min: 1,
      description: 'Largest mean attempt size in bytes (a login attempt is small)',
    },
    minPeers: {
      type: 'number',
      default: 3,
      min: 1,
      description:
        'Other clients a service needs before a client is compared with them (its clientele)',
    },
    peerFactor: {
      type: 'number',
      default: 5,
      min: 1,
      description:
        "A brute force's busiest horizon is at least this many times the median of the service's other clients'",
    },
    steadyShare: {
      type: 'number',
      default: 0.5,
      min: 0,
      max: 1,
      description: 'A site host active towards a site service over this share of the capture ...',
    },
    burstFactor: {
      type: 'number',
      default: 3,
      min: 1,
      description:
        '... whose busiest horizon stays under this many times its own average per horizon is polling',
    },
  },
  async run(ctx) {
    const p = ctx.params;
    const ports = p.ports;
    const protos = p.protos;
    if (ports.length === 0 || protos.length === 0) return [];
    const ws = ctx.windowSeconds;
    const horizonWindows = Math.max(1, Math.ceil(p.horizonSeconds / ws));
    const minAttempts = p.minAttempts;
    const maxCv = p.maxSizeCv;
    const maxMean = p.maxMeanBytes;
    const portList = listBinds('port', ports);
    const protoList = listBinds('proto', protos);
    // the records of the watched ports and their windows are read many times: stages of their own
    const q = stageCtes(
      bruteforceSql({
        d: ctx.sql.d,
        flows: ctx.sql.flows,
        horizon: horizonWindows,
        ports: portList.sql,
        protos: protoList.sql,
      }),
      ['rec', 'win'],
      'bf',
    );
    const rows = await stagedRows<SpanRow>(ctx.sql, q, {
      us: windowMicros(ws),
      minAttempts,
      idle: Math.round(p.idleSeconds),
      ...portList.binds,
      ...protoList.binds,
    });
    ctx.checkCancelled();
    const out: AlertDraft[] = [];
    for (const r of rows) {
      const cv = r.size_cv ?? 0;
      if (cv > maxCv || r.mean_bytes > maxMean) continue;
      // the service's clientele: enough other clients, and this one not far above them
      const peerPeak = r.peer_peak ?? 0;
      const clientele = r.peers >= p.minPeers && r.peak < p.peerFactor * Math.max(peerPeak, 1);
      if (clientele) continue;
      // a site host at a steady pace towards a site service, most of the capture long: polling
      const spanWindows = r.client_last_w - r.client_first_w + 1;
      const perHorizon = r.total / Math.max(1, spanWindows / horizonWindows);
      const steady =
        r.src_class === 'internal' &&
        r.dst_class === 'internal' &&
        spanWindows >= p.steadyShare * r.capture_windows &&
        r.peak < p.burstFactor * perHorizon;
      if (steady) continue;
      const { from, to } = windowSpan(r.first_w, r.last_w, ws);
      const minutes = ((r.last_w - r.first_w + 1) * ws) / 60;
      const rate = r.attempts / minutes;
      // 0.6 at the thresholds, rising with the attempt count (x100 saturates) and with sameness
      const strength = clamp01(Math.log10(r.attempts / minAttempts) / WEIGHTS.attemptsDecades);
      const score = clamp01(
        WEIGHTS.atThreshold +
          WEIGHTS.attempts * strength +
          WEIGHTS.sameness * (maxCv > 0 ? 1 - cv / maxCv : 1),
      );
      out.push({
        detector: 'bruteforce',
        kind: 'brute-force',
        severity: severityOf(score),
        score: round(score),
        src_ip: r.src_ip,
        dst_ip: r.dst_ip,
        window_start: from,
        window_end: to,
        features: [
          {
            name: 'attempts',
            value: r.attempts,
            threshold: minAttempts,
            direction: 'above',
            note: `connections (distinct source ports per ${ws} s window) to ${r.proto}/${r.dst_port}; threshold per ${horizonWindows * ws} s horizon`,
          },
          { name: 'rate_per_min', value: round(rate, 2), note: `over ${round(minutes, 1)} min` },
          {
            name: 'size_cv',
            value: round(cv, 3),
            threshold: maxCv,
            direction: 'below',
            note: 'coefficient of variation of attempt sizes (bytes both ways)',
          },
          {
            name: 'mean_bytes',
            value: Math.round(r.mean_bytes),
            threshold: maxMean,
            direction: 'below',
          },
          {
            name: 'peer_ratio',
            value: round(r.peak / Math.max(peerPeak, 1), 1),
            ...(r.peers >= p.minPeers
              ? { threshold: p.peerFactor, direction: 'above' as const }
              : {}),
            note:
              r.peers >= p.minPeers
                ? `busiest ${horizonWindows * ws} s: ${r.peak} attempts vs a median of ${round(peerPeak, 1)} among the service's ${r.peers} other clients`
                : `the service has ${r.peers} other client${r.peers === 1 ? '' : 's'} (fewer than ${p.minPeers}: no clientele to compare with)`,
          },
          {
            name: 'own_burst',
            value: round(r.peak / Math.max(perHorizon, 1e-9), 1),
            note: `busiest horizon vs the client's own average (${round(perHorizon, 1)} per ${horizonWindows * ws} s over ${round((spanWindows * ws) / 60, 1)} min)`,
          },
        ],
        flow_count: r.recs,
        evidence: {
          from,
          to,
          srcIps: [r.src_ip],
          dstIps: [r.dst_ip],
          dstPorts: [r.dst_port],
          protos: [r.proto],
        },
        summary: `${r.src_ip} made ${r.attempts.toLocaleString('en-US')} attempts on ${r.dst_ip}:${r.dst_port}/${r.proto} in ${round(minutes, 1)} min (${round(rate, 1)}/min, ~${Math.round(r.mean_bytes)} B each)`,
      });
    }
    return out;
  },
});
