import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CaseStore } from '../store/case-store';
import { all } from '../store/sql';
import { insertFlows } from '../../../tests/helpers/flows';
import { at } from '../../../tests/helpers/background';
import { addressClasses, namesOf, targets, windowPairs } from './shared-tables';
import type { DetectContext } from './types';
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import { DUCKDB_DETECT } from '../flowstore/dialect-detect';

let store: CaseStore;
let conn: DuckDBConnection;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => {
  conn?.closeSync();
  store.close();
});

async function context(): Promise<DetectContext> {
  conn = await store.connect();
  return {
    store,
    conn,
    sql: new DuckDbFlowSql(conn),
    windowSeconds: 10,
    params: {},
    internalNetworks: [],
    checkCancelled: () => undefined,
    shared: new Map(),
  };
}

describe('shared detection tables', () => {
  it('det_wsd counts distinct ports per pair-window: none, one (repeated), several', async () => {
    await insertFlows(store, [
      // window 0: A -> B on port 80 three times (one port), A -> C icmp (no port)
      { ts: at(1), src_ip: '10.0.0.1', dst_ip: '10.0.0.2', dst_port: 80 },
      { ts: at(2), src_ip: '10.0.0.1', dst_ip: '10.0.0.2', dst_port: 80, state: 'reset' },
      { ts: at(3), src_ip: '10.0.0.1', dst_ip: '10.0.0.2', dst_port: 80 },
      { ts: at(4), src_ip: '10.0.0.1', dst_ip: '10.0.0.3', proto: 'icmp', dst_port: null },
      // window 1: A -> B on ports 22, 23, 23, 25 and one icmp flow (three ports)
      ...[22, 23, 23, 25].map((p, i) => ({
        ts: at(11 + i),
        src_ip: '10.0.0.1',
        dst_ip: '10.0.0.2',
        dst_port: p,
      })),
      { ts: at(16), src_ip: '10.0.0.1', dst_ip: '10.0.0.2', proto: 'icmp', dst_port: null },
    ]);
    const ctx = await context();
    await windowPairs(ctx);
    const rows = await all<{ dst: string; n: number; ports: number; failed: number }>(
      conn,
      `SELECT w - min(w) OVER () AS w, (dst_num % 256)::INTEGER AS dst, n, ports, failed FROM det_wsd ORDER BY w, dst`,
    );
    expect(rows).toEqual([
      { w: 0, dst: 2, n: 3, ports: 1, failed: 1 },
      { w: 0, dst: 3, n: 1, ports: 0, failed: 0 },
      { w: 1, dst: 2, n: 5, ports: 3, failed: 0 },
    ]);
    expect(await all(conn, 'SELECT dst_port FROM det_wsdm ORDER BY dst_port')).toEqual([
      { dst_port: 22 },
      { dst_port: 23 },
      { dst_port: 25 },
    ]);
  });

  it('det_target marks targets whose every flow failed or was refused; names and classes per address', async () => {
    await insertFlows(store, [
      {
        ts: at(1),
        src_ip: '192.168.1.5',
        dst_ip: '8.8.8.8',
        dst_port: 53,
        proto: 'udp',
        dst_bytes: 0,
        dst_pkts: 0,
        state: 'other',
      },
      { ts: at(2), src_ip: '192.168.1.5', dst_ip: '8.8.8.8', dst_port: 443, state: 'reset' },
      { ts: at(3), src_ip: '192.168.1.5', dst_ip: '8.8.8.8', dst_port: 443 },
    ]);
    const ctx = await context();
    await targets(ctx);
    await addressClasses(ctx);
    expect(
      await all(
        conn,
        'SELECT dst_port, proto, n, failed, refused FROM det_target ORDER BY dst_port',
      ),
    ).toEqual([
      { dst_port: 53, proto: 'udp', n: 1, failed: true, refused: false },
      { dst_port: 443, proto: 'tcp', n: 2, failed: false, refused: false },
    ]);
    expect(
      await all(
        conn,
        `WITH nm AS (${namesOf(DUCKDB_DETECT, 'SELECT num FROM det_addr')})
         SELECT nm.ips, a.cls, a.internal, a.external FROM nm JOIN det_addr a USING (num) ORDER BY nm.ips[1]`,
      ),
    ).toEqual([
      { ips: ['192.168.1.5'], cls: 'internal', internal: true, external: false },
      { ips: ['8.8.8.8'], cls: 'external', internal: false, external: true },
    ]);
  });
});
