// A real clickhouse-server (Debian's 18.16): import through netsift's importers, then every read
// of the FlowStore answers as the DuckDB case does on the same files; errors, rights, cancel,
// timeouts and progress against the real server.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { HttpExecutor } from '../../src/engine/flowstore/clickhouse/http-executor';
import { Binder } from '../../src/engine/flowstore/clickhouse/sql-params';
import { parseStoreUrl } from '../../src/engine/flowstore/clickhouse/store-url';
import { DuckDbFlowStore } from '../../src/engine/flowstore/duckdb-flow-store';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import { importFiles } from '../../src/engine/import/pipeline';
import { CaseStore } from '../../src/engine/store/case-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { expectSameAnswers, parityCases, writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const HOSTS = ['192.168.100.10', '192.168.1.10', '2001:db8::5', '10.0.0.1'];

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `ClickHouse 18.16 server${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-ch18-');
    const mixed = tmp.file('mixed.csv');
    let server: ChServer;
    let ch: ClickHouseFlowStore;
    let refCase: CaseStore;
    let ref: DuckDbFlowStore;

    beforeAll(async () => {
      writeMixedCsv(mixed);
      server = await startClickHouse();
      refCase = await CaseStore.open(tmp.file('ref.duckdb'));
      await importFiles(refCase, [SAMPLE, mixed], { noGeo: true, format: 'auto' }).result;
      ref = new DuckDbFlowStore(refCase);
      ch = await openClickHouseStore(server.url(), {
        password: PASSWORDS.netsift,
        caseStore: refCase,
      });
    });
    afterAll(async () => {
      await ch?.close();
      refCase?.close();
      await server?.stop();
      tmp.cleanup();
    });

    it('imports the files through netsift importers: same records, ids continuing the store', async () => {
      expect(ch.info).toMatchObject({
        kind: 'clickhouse',
        dialect: 'clickhouse-18',
        serverVersion: '18.16.1',
      });
      const progress: string[] = [];
      const job = ch.importFiles([SAMPLE, mixed]);
      job.onProgress((p) => progress.push(p.phase));
      const sum = await job.result;
      expect(sum.failed).toBe(0);
      expect(sum.flows).toBe(147_537 + 3000);
      expect(sum.rejects).toBe(2);
      expect(progress).toEqual(expect.arrayContaining(['read', 'send', 'attach']));
      const mine = await ch.imports();
      const theirs = await ref.imports();
      expect(
        mine.map((i) => [
          i.id,
          i.rows_read,
          i.rows_rejected,
          i.sha256,
          i.format,
          i.first_ts,
          i.last_ts,
        ]),
      ).toEqual(
        theirs.map((i) => [
          i.id,
          i.rows_read,
          i.rows_rejected,
          i.sha256,
          i.format,
          i.first_ts,
          i.last_ts,
        ]),
      );
      // rejects went to the server with their lines and reasons
      const rej = await ch.ex.rows<{ line: number; reason: string }>(
        'SELECT line, reason FROM import_rejects ORDER BY line',
      );
      const local = await refCase.all<{ line: number; reason: string }>(
        'SELECT line, reason FROM rejects ORDER BY line',
      );
      expect(rej.map((r) => [Number(r.line), r.reason])).toEqual(
        local.map((r) => [r.line, r.reason]),
      );
      // no staging table left behind
      const tables = await ch.ex.rows<{ name: string }>(
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'netsift_stage%'",
      );
      expect(tables).toEqual([]);
    });

    it('answers every read exactly as the DuckDB case does', { timeout: 300_000 }, async () => {
      const span = { from: '2017-01-27T16:40:00Z', to: '2017-01-27T17:05:30.5Z' };
      const n = await expectSameAnswers(ref, ch, parityCases(span, HOSTS));
      expect(n).toBeGreaterThan(40);
    });

    it('refuses a file already in the store, unless asked', async () => {
      const sum = await ch.importFiles([mixed], { keepGoing: true }).result;
      expect(sum.files[0].error).toMatch(
        /already imported into clickhouse:\/\/netsift@127\.0\.0\.1:\d+\/default \(import 2, same sha256\)/,
      );
      expect(await ch.flowCount()).toBe(150_537);
    });

    it('binds values the 18.x way without letting them become SQL', async () => {
      // no query parameters on 18.x: values are written as escaped literals
      expect(ch.ex.queryParams).toBe(false);
      const nasty = "x' OR 1=1 -- \\' \\\\ '; DROP TABLE flows; \u00fc\n\t";
      const b = new Binder();
      const [r] = await ch.ex.rows<{ v: string; n: number }>(
        `SELECT ${b.str(nasty)} AS v, (SELECT count() FROM flows WHERE label = ${b.str(nasty)}) AS n`,
        b.params,
      );
      expect(r.v).toBe(nasty);
      expect(Number(r.n)).toBe(0);
      expect(await ch.countFlows({ filter: `label = "${nasty.replace(/["\n\t]/g, '')}"` })).toBe(0);
      expect(await ch.flowCount()).toBe(150_537);
    });

    it('names the server and what to do when the password is wrong, the user unknown or the database missing', async () => {
      const wrong = (u: string, pw: string, db = 'default') =>
        HttpExecutor.connect(
          parseStoreUrl(`clickhouse://${u}@127.0.0.1:${server.httpPort}/${db}`),
          { password: pw },
        );
      await expect(wrong('netsift', 'not-the-password')).rejects.toMatchObject({
        code: 'store',
        failure: 'auth',
        message: expect.stringMatching(
          /^clickhouse:\/\/netsift@127\.0\.0\.1:\d+\/default: wrong user name or password .*NETSIFT_CLICKHOUSE_PASSWORD/,
        ),
      });
      await expect(wrong('nobody', '')).rejects.toMatchObject({ failure: 'auth' });
      await expect(wrong('netsift', PASSWORDS.netsift, 'nosuchdb')).rejects.toMatchObject({
        failure: 'database',
        message: expect.stringContaining('nosuchdb'),
      });
      // the password never appears in a message
      await wrong('netsift', 'hunter2-secret').catch((e: Error) =>
        expect(e.message).not.toContain('hunter2'),
      );
    });

    it('says the server is unreachable (nothing listening on the port)', async () => {
      const { freePort } = await import('../helpers/clickhouse-server');
      const port = await freePort();
      await expect(
        HttpExecutor.connect(parseStoreUrl(`clickhouse://netsift@127.0.0.1:${port}/default`), {
          password: 'x',
        }),
      ).rejects.toMatchObject({
        code: 'network',
        failure: 'unreachable',
        message: expect.stringMatching(/cannot reach the server.*ECONNREFUSED/),
      });
    });

    it('reads with a readonly user, and tells it plainly that it may not import', async () => {
      const ro = await openClickHouseStore(server.url('reader'), { password: PASSWORDS.reader });
      try {
        expect(await ro.countFlows({ filter: 'proto tcp' })).toBe(
          await ch.countFlows({ filter: 'proto tcp' }),
        );
        const sum = await ro
          .importFiles([tmp.file('mixed.csv')], { allowDuplicate: true })
          .result.catch((e: Error) => e);
        expect(sum).toBeInstanceOf(Error);
        expect((sum as Error).message).toMatch(/readonly mode.*the user lacks the right/i);
      } finally {
        await ro.close();
      }
    });

    it('reports a missing table with the way out', async () => {
      const other = await openClickHouseStore(server.url('netsift', 'default', 'table=nosuch'), {
        password: PASSWORDS.netsift,
      });
      try {
        await expect(other.countFlows({})).rejects.toMatchObject({
          failure: 'table',
          message: expect.stringMatching(/no table nosuch; import flows first/),
        });
      } finally {
        await other.close();
      }
    });

    it('cancels a long query on the server, and stops one at the server-side time limit', async () => {
      const slow = `SELECT count() AS n FROM numbers(100000000000) WHERE sipHash64(number) = 7`;
      const ac = new AbortController();
      const seen: number[] = [];
      const run = ch.ex.rows(slow, undefined, {
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.readRows);
          if (seen.length >= 2) ac.abort(); // aborted once the server reported real progress
        },
      });
      await expect(run).rejects.toMatchObject({ code: 'cancelled' });
      expect(Math.max(...seen)).toBeGreaterThan(0);
      // KILL QUERY reached the server: the query is gone from its process list
      let left = 1;
      for (let i = 0; i < 50 && left; i++) {
        const r = await ch.ex.rows<{ n: unknown }>(
          "SELECT count() AS n FROM system.processes WHERE query LIKE '%sipHash64(number) = 7%' AND query NOT LIKE '%system.processes%'",
        );
        left = Number(r[0].n);
        if (left) await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).toBe(0);
      await expect(ch.ex.rows(slow, undefined, { timeoutSeconds: 1 })).rejects.toMatchObject({
        failure: 'timeout',
        message: expect.stringMatching(/Timeout exceeded.*\?timeout=SECONDS/),
      });
    });
  },
);
