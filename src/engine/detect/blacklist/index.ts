// blacklist: contact with an address listed by an enabled threat-intel feed. At the start of its
// run the enabled feeds' current versions (minus guarded entries and allow-listed space) are
// copied into the case's intel_ranges, so the case records exactly which versions it matched.
// An internal host contacting a listed address ranks above a listed address contacting us.
import type { DuckDBConnection } from '@duckdb/node-api';
import { netsiftHome } from '../../intel/home';
import { loadMatchSet, type MatchRange } from '../../intel/match-set';
import { toSegments } from '../../intel/segments';
import { all, inTransaction } from '../../store/sql';
import { parseCidr } from '../../util/ip';
import { clamp01, round, saturate, severityOf } from '../stats';
import type { Feature } from '../../../shared/model';
import type { AlertDraft, Detector } from '../types';
import { CREATE_SEGMENTS, hitsSql, matchesSql } from './sql';

interface MatchRow {
  direction: 'outbound' | 'inbound';
  host: string;
  listed: string;
  seg: number;
  w: number;
  flows: number;
  bytes_to_listed: number;
  bytes_from_listed: number;
  ports: number;
  top_ports: (number | null)[];
  first_ts: string;
  end_ts: string;
  host_internal: boolean;
}

async function copyRanges(conn: DuckDBConnection, ranges: MatchRange[]): Promise<void> {
  await inTransaction(conn, async () => {
    await conn.run('DELETE FROM intel_ranges');
    const app = await conn.createAppender('intel_ranges');
    for (const r of ranges) {
      app.appendVarchar(r.feed_id);
      app.appendVarchar(r.feed_version);
      app.appendVarchar(r.entry);
      app.appendUHugeInt(r.lo);
      app.appendUHugeInt(r.hi);
      app.endRow();
    }
    app.closeSync();
  });
}

async function writeSegments(
  conn: DuckDBConnection,
  segs: { lo: bigint; hi: bigint }[],
): Promise<void> {
  await conn.run(CREATE_SEGMENTS);
  const app = await conn.createAppender('bl_segs', 'main', 'temp');
  segs.forEach((s, i) => {
    app.appendInteger(i);
    app.appendUHugeInt(s.lo);
    app.appendUHugeInt(s.hi);
    app.endRow();
  });
  app.closeSync();
}

/** Base score: outbound from an internal host > inbound to an internal host > anything else. */
export function blacklistScore(
  r: Pick<
    MatchRow,
    'direction' | 'host_internal' | 'flows' | 'bytes_from_listed' | 'bytes_to_listed'
  >,
  feeds: number,
): number {
  const answered = r.direction === 'outbound' ? r.bytes_from_listed > 0 : r.bytes_to_listed > 0;
  const extra =
    0.02 * Math.min(2, feeds - 1) + 0.05 * saturate(r.flows, 10) + (answered ? 0.03 : 0);
  // outbound internal: 0.80..0.92; inbound internal: 0.55..0.67; host not internal: 0.30..0.42
  const base = !r.host_internal ? 0.3 : r.direction === 'outbound' ? 0.8 : 0.55;
  return clamp01(base + extra);
}

/** Seconds per phase of the last run (for the benchmark's breakdown). */
export const lastRunTimings: Record<string, number> = {};

export const blacklistDetector: Detector = {
  id: 'blacklist',
  title: 'Listed addresses (threat-intel feeds)',
  description:
    'Flows to or from an address on an enabled feed (guarded entries and the allow-list excluded); names feed, entry, version and direction.',
  params: {
    perWindow: {
      type: 'boolean',
      default: false,
      description:
        'One alert per window instead of one per host and listed address over the whole span',
    },
    inbound: {
      type: 'boolean',
      default: true,
      description:
        'Also report listed addresses that contacted a host (ranked below outbound contact)',
    },
  },
  async run(ctx) {
    let t = performance.now();
    const lap = (phase: string) => {
      lastRunTimings[phase] = (performance.now() - t) / 1000;
      t = performance.now();
    };
    for (const k of Object.keys(lastRunTimings)) delete lastRunTimings[k];
    const set = loadMatchSet(netsiftHome(), ctx.internalNetworks);
    lap('load feeds');
    await copyRanges(ctx.conn, set.ranges);
    lap('copy to case');
    ctx.checkCancelled();
    if (set.ranges.length === 0) return [];
    const segs = toSegments(set.ranges);
    await writeSegments(ctx.conn, segs);
    lap('segments');
    try {
      const internal = ctx.internalNetworks
        .map((c) => parseCidr(c))
        .filter((r): r is NonNullable<typeof r> => r !== null);
      await ctx.conn.run(hitsSql(segs[0].lo, segs[segs.length - 1].hi, internal));
      lap('address range join');
      ctx.checkCancelled();
      const perWindow = ctx.params.perWindow as boolean;
      const rows = await all<MatchRow>(
        ctx.conn,
        matchesSql(perWindow),
        perWindow ? { ws: ctx.windowSeconds } : undefined,
      );
      lap('flows join and group');
      ctx.checkCancelled();
      const out: AlertDraft[] = [];
      // per segment (one listed address maps to one segment): its feeds, computed once
      const bySeg = new Map<
        number,
        { hits: MatchRange[]; listedBy: string; feedFeatures: Feature[] }
      >();
      const segInfo = (seg: number) => {
        let info = bySeg.get(seg);
        if (!info) {
          // one entry per feed: the narrowest entry of each feed that covers the address
          const byFeed = new Map<string, MatchRange>();
          for (const i of segs[seg].members) {
            const m = set.ranges[i];
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
          bySeg.set(seg, info);
        }
        return info;
      };
      for (const r of rows) {
        if (r.direction === 'inbound' && !ctx.params.inbound) continue;
        const { hits, listedBy, feedFeatures } = segInfo(r.seg);
        const score = blacklistScore(r, hits.length);
        const from = perWindow
          ? new Date(r.w * ctx.windowSeconds * 1000).toISOString()
          : r.first_ts;
        const to = perWindow
          ? new Date((r.w + 1) * ctx.windowSeconds * 1000).toISOString()
          : r.end_ts;
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
          evidence: perWindow
            ? { from, to, srcIps: [src], dstIps: [dst] }
            : { srcIps: [src], dstIps: [dst] },
          summary:
            r.direction === 'outbound'
              ? `${r.host} contacted ${r.listed}, listed by ${listedBy}: ${flows} outbound`
              : `${r.listed}, listed by ${listedBy}, contacted ${r.host}: ${flows} inbound`,
        });
      }
      out.sort((a, b) => b.score - a.score);
      lap('alerts');
      return out;
    } finally {
      await ctx.conn.run('DROP TABLE IF EXISTS bl_hits; DROP TABLE IF EXISTS bl_segs');
    }
  },
};
