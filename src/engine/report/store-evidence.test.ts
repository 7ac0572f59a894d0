// The evidence CSV of a case whose flows are elsewhere (store-evidence.ts) is the case's own file:
// the flows read through a flow store's scanFlows (keyset pages, here of 2 rows so every page
// boundary is crossed, with times that run against id order inside one millisecond), then the
// same COPY. Run against the DuckDB case's own flow store, so it runs without a server; the
// ClickHouse stores are checked the same way in tests/clickhouse/report-store*.test.ts.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { DuckDbFlowStore } from '../flowstore/duckdb-flow-store';
import type { StoredFlow } from '../flowstore/flow-store';
import type { Incident } from '../../shared/model';
import { CaseStore } from '../store/case-store';
import { writeEvidenceCsv } from './csv';
import { writeStoreEvidenceCsv } from './store-evidence';

const tmp = makeTmpDir();
let store: CaseStore;
const HOSTILE = ['=SUM(A1)', '+1', '-2', '@x', 'say "hi", then', 'Überprüfung', null];

beforeAll(async () => {
  store = await CaseStore.open(tmp.file('case.duckdb'));
  await insertFlows(
    store,
    HOSTILE.flatMap((v, i) =>
      // per label: a later microsecond first (lower id), then an earlier one, then another second
      ['900', '100', '000'].map((us, k) => ({
        ts: `2024-01-01 00:00:0${k === 2 ? 3 : 1}.005${us}`,
        ts_end: k === 2 ? null : '2024-01-01 00:01:00.000001',
        src_ip: `10.0.0.${i + 1}`,
        dst_ip: k === 1 ? '2001:db8::1' : '8.8.8.8',
        src_port: 1000 + i,
        dst_port: k === 2 ? null : 443,
        state: 'other',
        state_raw: k === 0 ? v : null,
        label: v,
        src_bytes: 10 * k,
        dst_bytes: 20,
        src_pkts: k === 2 ? null : 2,
      })),
    ),
  );
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const incidents = [
  ...HOSTILE.map(
    (_, i) =>
      ({ id: 10 + i, type: i ? 'scan' : '=cmd', evidence: { srcPorts: [1000 + i] } }) as unknown,
  ),
  { id: 99, type: 'all', evidence: {} },
] as Incident[];

describe('evidence CSV through a flow store', () => {
  it('is the case export byte for byte, across keyset pages', async () => {
    const a = tmp.file('case.csv');
    const b = tmp.file('store.csv');
    const n = await writeEvidenceCsv(store, incidents, a);
    expect(n).toBe(HOSTILE.length * 3 * 2);
    const flows = new DuckDbFlowStore(store);
    const pages: number[] = [];
    const paged = {
      scanFlows: (
        sel: Incident['evidence'],
        onBatch: (rows: StoredFlow[]) => void | Promise<void>,
      ) =>
        flows.scanFlows(
          sel,
          (rows) => {
            pages.push(rows.length);
            return onBatch(rows);
          },
          { batch: 2 },
        ),
    };
    expect(await writeStoreEvidenceCsv(paged, incidents, b)).toBe(n);
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
    expect(Math.max(...pages)).toBe(2);
    expect(pages.length).toBeGreaterThan(HOSTILE.length + 10);
    const text = fs.readFileSync(b, 'utf8');
    expect(text).toContain(`"'=SUM(A1)"`);
    expect(text).toContain(`"'=cmd"`);
    expect(text).toContain(`"say ""hi"", then"`);
    // ts order within the millisecond, not id order: the earlier microsecond first
    const ids = text
      .split('\n')
      .filter((l) => l.startsWith('10,'))
      .map((l) => Number(l.split(',')[2]));
    expect(ids).toEqual([2, 1, 3]);
  });

  it('writes only the header when no incident is chosen', async () => {
    const a = tmp.file('none-case.csv');
    const b = tmp.file('none-store.csv');
    await writeEvidenceCsv(store, [], a);
    expect(await writeStoreEvidenceCsv(new DuckDbFlowStore(store), [], b)).toBe(0);
    expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
  });
});
