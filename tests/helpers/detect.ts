// Runs one detector directly on a store, as the runner would, for detector unit tests.
import { resolveParams } from '../../src/engine/detect/params';
import type { AlertDraft, Detector } from '../../src/engine/detect/types';
import type { CaseStore } from '../../src/engine/store/case-store';
import { DuckDbFlowSql } from '../../src/engine/flowstore/duckdb-flow-sql';
import type { FlowSql } from '../../src/engine/flowstore/flow-sql';

export async function runDetector(
  store: CaseStore,
  detector: Detector,
  overrides: Record<string, unknown> = {},
  windowSeconds = 10,
  /** Where the flows are read (the case's own by default; parity tests pass a ClickHouse one). */
  flowSql?: FlowSql,
): Promise<AlertDraft[]> {
  const conn = await store.connect();
  try {
    return await detector.run({
      store,
      conn,
      sql: flowSql ?? new DuckDbFlowSql(conn),
      windowSeconds,
      params: resolveParams(detector.id, detector.params, overrides),
      internalNetworks: await store.internalNetworks(),
      checkCancelled: () => undefined,
    });
  } finally {
    conn.closeSync();
  }
}
