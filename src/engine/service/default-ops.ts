// Wires the service to the real engine: the import pipeline, the detection runner (which matches
// the enabled feeds) and the app-wide feed catalogue.
import { runDetection } from '../analysis/runner';
import { enrichGeo } from '../geo/geo-enrich';
import { importFiles } from '../import/pipeline';
import { netsiftHome } from '../core/home';
import { FeedService } from '../intel/service';
import type { EngineOps } from './engine-ops';

export function defaultOps(): EngineOps {
  const feeds = new FeedService(netsiftHome());
  return {
    importFiles: (store, paths, opts) => importFiles(store, paths, opts ?? {}),
    runDetection: (store, opts) => runDetection(store, opts),
    enrichGeo: async (store) => {
      const conn = await store.connect();
      try {
        await enrichGeo(conn);
      } finally {
        conn.closeSync();
      }
    },
    feeds: {
      list: () => feeds.list(),
      refresh: async (ids) => {
        if (!ids?.length) return feeds.refresh(undefined, { force: true }).result;
        for (const id of ids) await feeds.refresh(id, { force: true }).result;
      },
      refreshDue: () => feeds.refresh(undefined).result,
      setEnabled: (id, enabled) => feeds.setEnabled(id, enabled),
      add: (req) => feeds.add(req),
      remove: (id) => feeds.remove(id),
    },
  };
}
