// A page's rows are fetched by their positions two ways (flows.ts fetchRows): rows close together
// by reading their range, rows far apart by the list of positions. Both give the page's rows, in
// the page's order, whichever way the page falls.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { CaseStore } from '../store/case-store';
import { queryFlows } from './flows';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:', { threads: 2 });
  const rows: FlowRow[] = [];
  for (let i = 0; i < 30_000; i++)
    rows.push({
      ts: new Date(Date.UTC(2024, 0, 1) + i * 100).toISOString().slice(0, 23).replace('T', ' '),
      proto: 'tcp',
      src_ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
      dst_ip: '192.0.2.1',
      // every 5000th flow to port 22: a page of them spans the whole table
      dst_port: i % 5000 === 7 ? 22 : 443,
      src_bytes: i,
      dst_bytes: 2 * i,
    });
  await insertFlows(store, rows);
});
afterEach(() => store.close());

it('a page of rows far apart and a page of rows side by side come back whole and in order', async () => {
  const far = await queryFlows(store, { filter: 'dst port 22', offset: 0, limit: 10 });
  expect(far.rows.map((r) => r.src_bytes)).toEqual([7, 5007, 10007, 15007, 20007, 25007]);
  const near = await queryFlows(store, { filter: 'dst port 443', offset: 100, limit: 50 });
  expect(near.rows).toHaveLength(50);
  expect(near.rows[0].src_bytes).toBe(101); // flow 7 is port 22
  expect(near.rows.map((r) => r.id)).toEqual([...near.rows.map((r) => r.id)].sort((a, b) => a - b));
  const byBytes = await queryFlows(store, {
    filter: 'dst port 22',
    sort: [{ column: 'bytes', dir: 'desc' }],
    offset: 1,
    limit: 3,
  });
  expect(byBytes.rows.map((r) => r.src_bytes)).toEqual([20007, 15007, 10007]);
});
