// The feed versions a run matched against: read from the case's intel_ranges (the blacklist
// detector refreshes it during the run), named with the app-wide feed store's metadata (sha256,
// fetch time) when that version is still known there.
import type { DuckDBConnection } from '@duckdb/node-api';
import { FeedStore } from '../intel/feed-store';
import { netsiftHome } from '../core/home';
import { all } from '../store/sql';

export interface FeedVersion {
  feed_id: string;
  version: string;
  entries: number;
  sha256?: string;
  fetched_at?: string;
}

export async function feedVersions(conn: DuckDBConnection): Promise<FeedVersion[]> {
  const rows = await all<FeedVersion>(
    conn,
    'SELECT feed_id, feed_version AS version, count(*) AS entries FROM intel_ranges GROUP BY ALL ORDER BY feed_id, version',
  );
  if (rows.length === 0) return rows;
  let store: FeedStore | null = null;
  try {
    store = new FeedStore(netsiftHome());
  } catch {
    return rows; // no feed store on this machine: the case's own record is what we have
  }
  for (const r of rows) {
    try {
      const meta = store.currentVersion(r.feed_id);
      if (meta && meta.version === r.version) {
        r.sha256 = meta.sha256;
        r.fetched_at = meta.fetchedAt;
      }
    } catch {
      // unknown feed id or unreadable metadata: keep the case's record
    }
  }
  return rows;
}
