// Deep pages of a filtered or sorted selection: from the second on, slices of the selection's kept
// order, the same rows as the top-N read; after the flows change, the new flows' order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import type { FlowsRequest } from '../../shared/query';
import { CaseStore } from '../store/case-store';
import { countFlows, pageNeedsScan, queryFlows } from './flows';
import { forgetOrders, keptOrders } from './page-order';
import { orderBySql, normaliseSort } from './sort';
import { flowWhere } from './where';

function flows(n: number, from = 0): FlowRow[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: new Date(Date.parse('2024-05-01T08:00:00Z') + (from + i) * 1000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' '),
    src_ip: `10.0.${i % 7}.${1 + (i % 200)}`,
    dst_ip: `10.1.0.${1 + (i % 3)}`,
    dst_port: [443, 80, 22][i % 3],
    src_bytes: (i * 7919) % 5000,
    dst_bytes: (i * 104729) % 9000,
  }));
}

/** The page as a top-N read gives it (what the kept order must match). */
async function direct(store: CaseStore, req: FlowsRequest): Promise<number[]> {
  const w = flowWhere(req);
  const n = w.params.length;
  const rows = await store.all<{ id: number }>(
    `SELECT id FROM flows WHERE ${w.sql} ORDER BY ${orderBySql(normaliseSort(req.sort))} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...w.params, req.limit, req.offset],
  );
  return rows.map((r) => r.id);
}

let store: CaseStore;
beforeEach(async () => {
  forgetOrders();
  store = await CaseStore.open(':memory:', { threads: 2 });
  await insertFlows(store, flows(3000));
});
afterEach(() => store.close());

describe('deep pages', () => {
  it('are slices of the kept order from the second on, the same rows as the top-N read', async () => {
    for (const sort of [undefined, [{ column: 'bytes' as const, dir: 'desc' as const }]]) {
      const q = { filter: 'dst port 443 or dst port 22', sort };
      for (const offset of [1000, 10, 1900, 1995, 2500]) {
        const req = { ...q, offset, limit: 20 };
        const page = await queryFlows(store, req);
        expect(page.rows.map((r) => r.id)).toEqual(await direct(store, req));
      }
    }
    // one order per selection and sort, read at its second deep page (no count asked for),
    // 4 bytes an id
    expect(keptOrders().count).toBe(2);
    expect(keptOrders().bytes).toBe(2 * 2000 * 4);
  });

  it('reads the order at the first deep page when the count is known, and says so ahead', async () => {
    const q = { filter: 'dst port 443 or dst port 22' };
    const req = { ...q, offset: 1000, limit: 20 };
    // a deep page of a selection whose size is not known may scan a large one
    expect(await pageNeedsScan(store, req)).toBe(true);
    // the grid asks for the count after the first page: small, a quick sort
    expect(await countFlows(store, q)).toBe(2000);
    expect(await pageNeedsScan(store, req)).toBe(false);
    expect((await queryFlows(store, req)).rows.map((r) => r.id)).toEqual(await direct(store, req));
    expect(keptOrders().count).toBe(1);
    // the next deep page is a slice: no scan, so the service serves it on a quick lane
    const next = { ...req, offset: 1500 };
    expect(await pageNeedsScan(store, next)).toBe(false);
    expect((await queryFlows(store, next)).rows.map((r) => r.id)).toEqual(
      await direct(store, next),
    );
    // first pages and unfiltered pages in id order never scan
    expect(await pageNeedsScan(store, { ...q, offset: 0, limit: 20 })).toBe(false);
    expect(await pageNeedsScan(store, { offset: 2500, limit: 20 })).toBe(false);
    expect(
      await pageNeedsScan(store, {
        offset: 2500,
        limit: 20,
        sort: [{ column: 'bytes', dir: 'desc' }],
      }),
    ).toBe(true);
  });

  it('follow the flows when they change', async () => {
    const req = {
      filter: 'dst port 443',
      sort: [{ column: 'bytes' as const, dir: 'desc' as const }],
      offset: 100,
      limit: 50,
    };
    await queryFlows(store, req);
    await queryFlows(store, { ...req, offset: 200 });
    await insertFlows(
      store,
      flows(500, 5000).map((f) => ({ ...f, src_bytes: 100_000 })),
    );
    for (const offset of [100, 200, 600]) {
      const r = { ...req, offset };
      expect((await queryFlows(store, r)).rows.map((x) => x.id)).toEqual(await direct(store, r));
    }
  });
});
