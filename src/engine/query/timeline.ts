// Flows and bytes over time for the timeline chart. The bucket size comes from a list of round
// sizes, the smallest that keeps the chart within maxBuckets bars (Zui drew 12,000 and froze).
import type { Timeline, TimelineRequest } from '../../shared/query';
import type { CaseReader } from '../store/case-reader';
import { memo } from './memo';
import type { SqlPredicate } from './selector';
import { flowWhere, isUnfiltered, queryKey } from './where';
import { keptTimeline } from './rollup/timeline-rollup';
import { gated, type QueryOptions } from './cancel';

export const NICE_BUCKET_SECONDS = [
  1,
  5,
  10,
  30,
  60,
  300,
  600,
  1800,
  3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86400,
  7 * 86400,
  30 * 86400,
  365 * 86400,
];

/** Smallest nice size whose aligned buckets over [firstUs, lastUs] number at most maxBuckets. */
export function chooseBucketSeconds(firstUs: number, lastUs: number, maxBuckets: number): number {
  for (const s of NICE_BUCKET_SECONDS) {
    const us = s * 1e6;
    if (Math.floor(lastUs / us) - Math.floor(firstUs / us) + 1 <= maxBuckets) return s;
  }
  // a span beyond centuries: grow the last size until it fits
  const years =
    Math.ceil((lastUs - firstUs) / 1e6 / (365 * 86400) / Math.max(1, maxBuckets - 1)) + 1;
  return years * 365 * 86400;
}

export async function timeline(
  store: CaseReader,
  req: TimelineRequest = {},
  opts: QueryOptions = {},
): Promise<Timeline> {
  return gated(store, opts, async () => {
    const maxBuckets = Math.max(1, Math.floor(req.maxBuckets ?? 2000));
    const where = flowWhere(req);
    return memo(
      store,
      `timeline:${maxBuckets}:${queryKey(req)}`,
      async () =>
        (isUnfiltered(req) ? await keptTimeline(store, maxBuckets) : null) ??
        compute(store, where, maxBuckets),
      opts.signal,
    );
  });
}

/** The timeline of the flows `where` selects. */
export async function compute(
  store: Pick<CaseReader, 'one' | 'all'>,
  where: SqlPredicate,
  maxBuckets: number,
): Promise<Timeline> {
  const span = await store.one<{ a: number | null; b: number | null }>(
    `SELECT epoch_us(min(ts)) AS a, epoch_us(max(ts)) AS b FROM flows WHERE ${where.sql}`,
    where.params,
  );
  if (!span || span.a == null || span.b == null)
    return { bucketSeconds: NICE_BUCKET_SECONDS[0], span: null, buckets: [] };
  const bucketSeconds = chooseBucketSeconds(span.a, span.b, maxBuckets);
  const n = where.params.length;
  const us = bucketSeconds * 1e6;
  const first = Math.floor(span.a / us);
  // a small INTEGER key (bucket number from the first) groups markedly faster than a BIGINT one
  const rows = await store.all<{ k: number; flows: number; bytes: number }>(
    `SELECT (epoch_us(ts) // $${n + 1} - $${n + 2})::INTEGER AS k, count(*) AS flows,
            (sum(src_bytes) + sum(dst_bytes))::BIGINT AS bytes
     FROM flows WHERE ${where.sql} GROUP BY k ORDER BY k`,
    [...where.params, us, first],
  );
  return {
    bucketSeconds,
    span: {
      from: new Date(span.a / 1000).toISOString(),
      to: new Date(span.b / 1000).toISOString(),
    },
    buckets: rows.map((r) => ({
      t: new Date(((r.k + first) * us) / 1000).toISOString(),
      flows: r.flows,
      bytes: r.bytes,
    })),
  };
}
