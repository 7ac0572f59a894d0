// The kept tables of incremental detection (kept-tables.ts) against the same tables built from
// every flow: after each chunk of a real capture (Argus flows of fixtures/real-office, with ARP and
// ICMP records that have no ports, and chunks that split windows), det_target, det_ipname,
// det_wsd and det_wsdm hold exactly the rows a fresh build holds.
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { importFiles } from '../import/pipeline';
import { addressNames, targets, windowPairs } from '../detect/shared-tables';
import { CaseStore } from '../store/case-store';
import { all } from '../store/sql';
import { KeptTables } from './kept-tables';

const OFFICE = path.resolve(
  import.meta.dirname,
  '../../../fixtures/real-office/office.binetflow.gz',
);
const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!fs.existsSync(OFFICE))('kept tables', () => {
  it('equal a fresh build after every chunk', { timeout: 120_000 }, async () => {
    const [header, ...lines] = zlib
      .gunzipSync(fs.readFileSync(OFFICE))
      .toString()
      .trimEnd()
      .split('\n');
    const store = await CaseStore.open(tmp.file('kept.duckdb'));
    const conn = await store.connect();
    const kept = new KeptTables(conn, 10);
    const base = {
      store,
      windowSeconds: 10,
      params: {},
      internalNetworks: [],
      checkCancelled() {},
    };
    const chunks = 4;
    const per = Math.ceil(lines.length / chunks);
    let upTo = 0;
    try {
      for (let k = 0; k < chunks; k++) {
        const file = tmp.file(`c${k}.csv`);
        fs.writeFileSync(file, [header, ...lines.slice(k * per, (k + 1) * per)].join('\n') + '\n');
        await importFiles(store, [file], { noGeo: true, format: 'argus' }).result;
        const maxId = (await all<{ m: number }>(conn, 'SELECT max(id) AS m FROM flows'))[0].m;
        const touched = (
          await all<{ w: number }>(
            conn,
            'SELECT DISTINCT epoch_us(ts) // 10000000 AS w FROM flows WHERE id > $1',
            [upTo],
          )
        ).map((r) => r.w);
        const shared = new Map<string, Promise<void>>();
        const r = await kept.update(base, shared, maxId, touched);
        expect(r.mode).toBe(k === 0 ? 'built' : 'updated');
        expect([...shared.keys()].sort()).toEqual(['det_ipname', 'det_target', 'det_wsd:10000000']);
        upTo = maxId;

        const fresh = await store.connect();
        try {
          const ctx = { ...base, conn: fresh, sql: new DuckDbFlowSql(fresh) };
          await targets(ctx);
          await addressNames(ctx);
          await windowPairs(ctx);
          for (const t of ['det_target', 'det_ipname', 'det_wsd', 'det_wsdm']) {
            const q = `SELECT * FROM ${t} ORDER BY ALL`;
            const mine = await all(conn, q);
            expect(mine.length).toBeGreaterThan(0);
            expect(mine, `${t} after chunk ${k + 1}`).toEqual(await all(fresh, q));
          }
        } finally {
          fresh.closeSync();
        }
      }
      const nulls = await all<{ n: number }>(
        conn,
        'SELECT count(*) AS n FROM det_target WHERE dst_port IS NULL',
      );
      expect(nulls[0].n).toBeGreaterThan(0); // targets without ports were merged too
    } finally {
      conn.closeSync();
      store.close();
    }
  });
});
