// Alert drafts from the grouped matches: each listed address named by the entries behind it (one
// per feed, the narrowest covering it), scored by direction and whether the host is internal.
import { coveringRanges } from '../../../intel/cover';
import type { MatchRange } from '../../../intel/match-set';
import { ipToBigInt, parseCidr } from '../../../util/ip';
import type { Feature } from '../../../../shared/model';
import { clamp01, round, saturate, severityOf, windowSpan, type AlertDraft } from '../../kit';
import type { MatchRow } from './matches';

/**
 * Base score by direction (outbound from an internal host > inbound to an internal host >
 * anything else), plus `perFeed` for each further feed listing it (at most `maxExtraFeeds`), up
 * to `flows` with many flows (half at `flowsHalfAt`), and `answered` when the other side replied.
 */
export const WEIGHTS = {
  outbound: 0.8,
  inbound: 0.55,
  notInternal: 0.3,
  perFeed: 0.02,
  maxExtraFeeds: 2,
  flows: 0.05,
  flowsHalfAt: 10,
  answered: 0.03,
} as const;

export function blacklistScore(
  r: Pick<MatchRow, 'direction' | 'flows' | 'bytes_from_listed' | 'bytes_to_listed'>,
  hostInternal: boolean,
  feeds: number,
): number {
  const answered = r.direction === 'outbound' ? r.bytes_from_listed > 0 : r.bytes_to_listed > 0;
  const extra =
    WEIGHTS.perFeed * Math.min(WEIGHTS.maxExtraFeeds, feeds - 1) +
    WEIGHTS.flows * saturate(r.flows, WEIGHTS.flowsHalfAt) +
    (answered ? WEIGHTS.answered : 0);
  // outbound internal: 0.80..0.92; inbound internal: 0.55..0.67; host not internal: 0.30..0.42
  const base = !hostInternal
    ? WEIGHTS.notInternal
    : r.direction === 'outbound'
      ? WEIGHTS.outbound
      : WEIGHTS.inbound;
  return clamp01(base + extra);
}

export function toAlerts(
  rows: MatchRow[],
  ranges: MatchRange[],
  opts: { perWindow: boolean; inbound: boolean; windowSeconds: number; internalNetworks: string[] },
): AlertDraft[] {
  // the entries behind each listed address: one per feed, the narrowest that covers it
  const listedNum = new Map<string, bigint>();
  for (const r of rows)
    if (!listedNum.has(r.listed)) listedNum.set(r.listed, ipToBigInt(r.listed)!);
  const covering = coveringRanges(ranges, listedNum.values());
  const byListed = new Map<
    string,
    { hits: MatchRange[]; listedBy: string; feedFeatures: Feature[] }
  >();
  const listedInfo = (listed: string) => {
    let info = byListed.get(listed);
    if (!info) {
      const byFeed = new Map<string, MatchRange>();
      for (const i of covering.get(listedNum.get(listed)!) ?? []) {
        const m = ranges[i];
        const prev = byFeed.get(m.feed_id);
        if (!prev || m.hi - m.lo < prev.hi - prev.lo) byFeed.set(m.feed_id, m);
      }
      const hits = [...byFeed.values()].sort((a, b) => a.feed_id.localeCompare(b.feed_id));
      info = {
        hits,
        listedBy: hits
          .map((h) => `${h.feed_id} (${h.entry}, version ${h.feed_version})`)
          .join('; '),
        feedFeatures: hits.map((h) => ({
          name: `feed:${h.feed_id}`,
          value: 1,
          note: `entry ${h.entry}, version ${h.feed_version}`,
        })),
      };
      byListed.set(listed, info);
    }
    return info;
  };
  const internal = opts.internalNetworks
    .map((c) => parseCidr(c))
    .filter((r): r is NonNullable<typeof r> => r !== null);
  const internalHost = new Map<string, boolean>();
  const isInternal = (host: string) => {
    let v = internalHost.get(host);
    if (v === undefined) {
      const n = ipToBigInt(host);
      v = n !== null && internal.some((r) => n >= r.lo && n <= r.hi);
      internalHost.set(host, v);
    }
    return v;
  };
  const out: AlertDraft[] = [];
  for (const r of rows) {
    if (r.direction === 'inbound' && !opts.inbound) continue;
    const { hits, listedBy, feedFeatures } = listedInfo(r.listed);
    const score = blacklistScore(r, isInternal(r.host), hits.length);
    const { from, to } = opts.perWindow
      ? windowSpan(r.w, r.w, opts.windowSeconds)
      : { from: r.first_ts, to: r.end_ts };
    const [src, dst] = r.direction === 'outbound' ? [r.host, r.listed] : [r.listed, r.host];
    const features: Feature[] = [
      {
        name: 'flows',
        value: r.flows,
        note: `${r.direction}: ${r.direction === 'outbound' ? `${r.host} contacted listed ${r.listed}` : `listed ${r.listed} contacted ${r.host}`}`,
      },
      { name: 'bytes_to_listed', value: r.bytes_to_listed },
      { name: 'bytes_from_listed', value: r.bytes_from_listed },
      {
        name: 'ports',
        value: r.ports,
        note: `ports ${r.top_ports.filter((p) => p !== null).join(', ') || 'none'}`,
      },
      { name: 'feeds', value: hits.length, note: listedBy },
      ...feedFeatures,
    ];
    const flows = `${r.flows} flow${r.flows === 1 ? '' : 's'}`;
    out.push({
      detector: 'blacklist',
      kind: 'blacklist',
      severity: severityOf(score),
      score: round(score),
      src_ip: src,
      dst_ip: dst,
      window_start: from,
      window_end: to,
      features,
      flow_count: r.flows,
      evidence: opts.perWindow
        ? { from, to, srcIps: [src], dstIps: [dst] }
        : { srcIps: [src], dstIps: [dst] },
      summary:
        r.direction === 'outbound'
          ? `${r.host} contacted ${r.listed}, listed by ${listedBy}: ${flows} outbound`
          : `${r.listed}, listed by ${listedBy}, contacted ${r.host}: ${flows} inbound`,
    });
  }
  return out.sort((a, b) => b.score - a.score);
}
