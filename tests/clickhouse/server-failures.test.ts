// An import into a real clickhouse-server that does not finish: the connection cut mid-insert, the
// server killed mid-insert, the analyst cancelling, a run dying between attach and record. In
// every case no part of the import is visible, and the next import settles what was left.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { reconcileImports } from '../../src/engine/flowstore/clickhouse/clickhouse-import';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { startCutProxy, type CutProxy } from '../helpers/cut-proxy';
import { writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');

/** What a reader of the store sees: flows, finished imports, and netsift's staging tables. */
async function visible(s: ClickHouseFlowStore) {
  const flows = await s.ex.rows<{ n: unknown }>('SELECT count() AS n FROM flows');
  const staging = await s.ex.rows<{ name: string }>(
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'netsift_stage%' ORDER BY name",
  );
  return {
    flows: Number(flows[0].n),
    imports: (await s.imports()).map((i) => [i.id, i.rows_read]),
    staging: staging.map((t) => t.name),
  };
}

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `ClickHouse imports that do not finish${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-chfail-');
    const mixed = tmp.file('mixed.csv');
    let server: ChServer;
    let direct: ClickHouseFlowStore;
    let proxy: CutProxy;

    beforeAll(async () => {
      writeMixedCsv(mixed, 5000);
      server = await startClickHouse();
      direct = await openClickHouseStore(server.url(), { password: PASSWORDS.netsift });
      proxy = await startCutProxy(server.httpPort);
    });
    afterAll(async () => {
      await direct?.close();
      await proxy?.close();
      await server?.stop();
      tmp.cleanup();
    });

    it('a connection cut mid-insert leaves nothing visible; the import then succeeds', async () => {
      const via = await openClickHouseStore(
        `clickhouse://netsift@127.0.0.1:${proxy.port}/default`,
        {
          password: PASSWORDS.netsift,
        },
      );
      const sends: number[] = [];
      // small server blocks: parts of the insert are committed (to staging) before the cut
      const job = via.importFiles([SAMPLE], { insertBlockRows: 5000 });
      job.onProgress((p) => p.phase === 'send' && sends.push(p.done));
      const cut = proxy.cutAfter(5_000_000); // the sample is ~11 MB as RowBinary
      await expect(job.result).rejects.toMatchObject({
        code: 'network',
        message: expect.stringMatching(/connection dropped/),
      });
      await cut;
      expect(Math.max(...sends)).toBeGreaterThan(0); // it was cut while sending rows
      await via.close();
      const after = await visible(direct);
      expect(after.flows).toBe(0);
      expect(after.imports).toEqual([]);
      // the staging table could not be dropped over the dead link; readers never see it
      expect(after.staging).toHaveLength(1);
      const [part] = await direct.ex.rows<{ n: unknown }>(
        `SELECT count() AS n FROM ${after.staging[0]}`,
      );
      expect(Number(part.n)).toBeGreaterThan(0); // rows did reach the server...
      expect(Number(part.n)).toBeLessThan(147_537); // ...but not all, and none of them is in flows
      proxy.heal();
      const sum = await direct.importFiles([mixed]).result;
      expect(sum.flows).toBe(5000);
      const done = await visible(direct);
      expect(done.flows).toBe(5000);
      expect(done.imports).toEqual([[2, 5000]]); // import 1 stays the failed one
      expect(await direct.countFlows({ filter: 'proto tcp' })).toBeGreaterThan(0);
    });

    it('cancelling mid-insert leaves nothing, not even the staging table', async () => {
      const before = await visible(direct);
      const job = direct.importFiles([SAMPLE]);
      job.onProgress((p) => {
        if (p.phase === 'send' && p.done >= 20_000) job.cancel();
      });
      await expect(job.result).rejects.toMatchObject({ code: 'cancelled' });
      const after = await visible(direct);
      expect(after.flows).toBe(before.flows);
      expect(after.imports).toEqual(before.imports);
      expect(after.staging).toEqual(before.staging);
    });

    it('the server killed mid-insert: after its restart nothing of the import is there', async () => {
      const before = await visible(direct);
      const job = direct.importFiles([SAMPLE], { insertBlockRows: 5000 });
      let killed: Promise<void> | null = null;
      job.onProgress((p) => {
        if (p.phase === 'send' && p.done >= 100_000 && !killed) killed = server.kill();
      });
      const err = await job.result.catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).toMatch(/network|store/);
      await killed;
      await server.restart();
      const after = await visible(direct);
      expect(after.flows).toBe(before.flows);
      expect(after.imports).toEqual(before.imports);
      // blocks written before the kill survived the restart, in the staging table only
      const left = after.staging.filter((t) => !before.staging.includes(t));
      expect(left).toHaveLength(1);
      const [part] = await direct.ex.rows<{ n: unknown }>(`SELECT count() AS n FROM ${left[0]}`);
      expect(Number(part.n)).toBeGreaterThan(0);
      // and the same file imports fine now
      const sum = await direct.importFiles([SAMPLE]).result;
      expect(sum.flows).toBe(147_537);
      expect((await visible(direct)).flows).toBe(before.flows + 147_537);
    });

    it('settles imports a run left between attach and record, from what the flows table holds', async () => {
      const before = await visible(direct);
      const [last] = before.imports.slice(-1);
      // a run that attached import `last` and died before its 'done' row
      await direct.ex.command(
        `INSERT INTO imports (id, version, state, id_lo, id_hi, path, size, sha256, format, data_lines, rows_read,
           rows_rejected, started, finished, tz, first_ts_us, last_ts_us, details, staging)
         SELECT id, version + 1, 'attaching', id_lo, id_hi, path, size, sha256, format, data_lines, rows_read,
           rows_rejected, started, finished, tz, first_ts_us, last_ts_us, details, staging
         FROM imports WHERE id = ${last[0]} AND state = 'done'`,
      );
      // and one that recorded 'attaching' but whose partition never arrived
      await direct.ex.command(
        `INSERT INTO imports (id, version, state, id_lo, id_hi, path, size, sha256, format, data_lines, rows_read,
           rows_rejected, started, finished, tz, first_ts_us, last_ts_us, details, staging)
         VALUES (99, 1, 'attaching', 1000001, 1000010, '/x', 1, 'ab', 'seed', 10, 10, 0, now(), now(), 'UTC', NULL, NULL, '{}', 'netsift_stage_99_abc')`,
      );
      expect((await visible(direct)).imports).toEqual(before.imports.slice(0, -1));
      const notes = await reconcileImports(direct.ex);
      expect(notes).toEqual([
        `import ${last[0]} of an earlier run had landed whole: recorded as done`,
        'import 99 of an earlier run had not landed: removed',
      ]);
      expect(await visible(direct)).toEqual(before);
    });
  },
);
