// The whole capture's timeline, kept in the case by every full detection run beside the rollups
// (pair-rollup.ts): opening a 10M-flow case drew its timeline after a pass over every flow
// (0.5 s on a quiet machine, seconds on a busy one). Kept for the bucket count the workspace asks
// for, with the flows signature it describes; another count, or flows changed since, are computed
// as before.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Timeline } from '../../../shared/query';
import type { CaseReader } from '../../store/case-reader';
import { all, one, run } from '../../store/sql';
import { compute } from '../timeline';
import { flowsSignature } from './pair-rollup';

export const TIMELINE_KEY = 'timeline_rollup';
/** The bucket count the workspace's timeline asks for (timeline-chart.tsx). */
export const KEPT_BUCKETS = 2000;

interface Kept {
  signature: string;
  maxBuckets: number;
  timeline: Timeline;
}

/** Computes and keeps the whole capture's timeline, on the run's connection (in its transaction). */
export async function writeTimelineRollup(
  conn: DuckDBConnection,
  signature: string,
): Promise<void> {
  const reader: Pick<CaseReader, 'one' | 'all'> = {
    one: (sql, params) => one(conn, sql, params),
    all: (sql, params) => all(conn, sql, params),
  };
  const timeline = await compute(reader, { sql: 'true', params: [] }, KEPT_BUCKETS);
  const kept: Kept = { signature, maxBuckets: KEPT_BUCKETS, timeline };
  await run(
    conn,
    'INSERT INTO settings VALUES ($1, $2::JSON) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [TIMELINE_KEY, JSON.stringify(kept)],
  );
}

/** The kept timeline when it is for `maxBuckets` and the flows as they are now, else null. */
export async function keptTimeline(
  store: CaseReader,
  maxBuckets: number,
): Promise<Timeline | null> {
  const kept = await store.getSetting<Kept | null>(TIMELINE_KEY, null);
  if (!kept || kept.maxBuckets !== maxBuckets) return null;
  return kept.signature === (await flowsSignature(store)) ? kept.timeline : null;
}
