// analyze/detect with the flows on a server: the engine's analyzeFiles on chdb (the current
// ClickHouse, where detection runs: the report's figures come from the server, the incidents from
// the case), and the CLI against a real 18.16 server, which cannot run the detectors' SQL: the
// command says so, and the case is left as it was.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/engine/analysis/analyze';
import { runDetection } from '../../src/engine/analysis/runner';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { CaseStore } from '../../src/engine/store/case-store';
import { HttpExecutor } from '../../src/engine/flowstore/clickhouse/http-executor';
import { parseStoreUrl } from '../../src/engine/flowstore/clickhouse/store-url';
import { runCli } from '../helpers/cli';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));

describe.skipIf(!chdb.mod)(
  `analyzeFiles into a ClickHouse store (chdb)${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
  () => {
    const tmp = makeTmpDir('netsift-analyze-ch-');
    afterAll(() => tmp.cleanup());

    it(
      'imports into the store, detects there, keeps incidents in the case',
      { timeout: 600_000 },
      async () => {
        const caseFile = tmp.file('case.duckdb');
        const ref = await analyzeFiles([SAMPLE], { import: { noGeo: true } });
        let opened: ClickHouseFlowStore | null = null;
        const { report, imported } = await analyzeFiles([SAMPLE], {
          casePath: caseFile,
          import: { noGeo: true },
          openStore: async (caseStore) =>
            (opened = await ClickHouseFlowStore.create(await ChdbExecutor.open(chdb.mod!), {
              caseStore,
            })),
        });
        expect(opened!.info.kind).toBe('clickhouse');
        expect(imported.flows).toBe(147_537);
        // the figures come from the server: the case holds no flows
        expect(report.summary).toMatchObject({
          flows: 147_537,
          first_ts: ref.report.summary.first_ts,
          last_ts: ref.report.summary.last_ts,
          windows: ref.report.summary.windows,
        });
        expect(report.summary.imports.map((i) => path.basename(i.path))).toEqual([
          'netsift-sample.csv.gz',
        ]);
        const c = await CaseStore.open(caseFile, { readOnly: true });
        try {
          expect((await c.one<{ n: number }>('SELECT count(*) AS n FROM flows'))?.n).toBe(0);
        } finally {
          c.close();
        }
        const key = (r: typeof report) =>
          r.incidents.map((i) => [i.key, i.type, i.attacker, i.flow_count]).sort();
        expect(key(report)).toEqual(key(ref.report));
        expect(report.incidents.length).toBeGreaterThan(5);
      },
    );
  },
);

describe.skipIf(!chdb.mod)(
  `cancelling detection on a ClickHouse store (chdb)${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
  () => {
    const tmp = makeTmpDir('netsift-cancel-ch-');
    afterAll(() => tmp.cleanup());

    it(
      'stops between statements, drops its temporary tables, leaves the case as it was',
      { timeout: 300_000 },
      async () => {
        const local = await CaseStore.open(tmp.file('case.duckdb'));
        const ex = await ChdbExecutor.open(chdb.mod!);
        const ch = await ClickHouseFlowStore.create(ex, { caseStore: local });
        try {
          await ch.importFiles([SAMPLE]).result;
          const job = runDetection(local, { flowStore: ch });
          // cancel once the detectors have started (the shared tables exist on the server by then)
          job.onProgress((p) => {
            if (p.phase === 'iqr') job.cancel();
          });
          await expect(job.result).rejects.toThrow(/cancel/i);
          const temps = await ex.rows<{ name: string }>(
            "SELECT name FROM system.tables WHERE is_temporary AND name LIKE 'det_%'",
          );
          expect(temps).toEqual([]);
          expect(
            (await local.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs'))?.n,
          ).toBe(0);
          // and the next run goes through
          const r = await runDetection(local, { flowStore: ch }).result;
          expect(r.incidents).toBeGreaterThan(5);
        } finally {
          await ch.close();
          local.close();
        }
      },
    );
  },
);

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `netsift analyze/detect --store on 18.16${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-detect-ch18-');
    const caseFile = tmp.file('case.duckdb');
    const env = { NETSIFT_CLICKHOUSE_PASSWORD: PASSWORDS.netsift };
    let server: ChServer;

    beforeAll(async () => {
      server = await startClickHouse();
    });
    afterAll(async () => {
      await server?.stop();
      tmp.cleanup();
    });

    it(
      'analyze says it cannot detect there before importing anything',
      { timeout: 300_000 },
      async () => {
        const r = await runCli(['analyze', SAMPLE, '--store', server.url()], { env });
        expect(r.stderr).toMatch(
          /detection on the server needs ClickHouse 22\.3 or later \(window functions\); this server is 18\.16\.1/,
        );
        expect(r.code).not.toBe(0);
        // nothing was imported: there is no flows table
        const count = await runCli(['store', 'count', '--store', server.url()], { env });
        expect(count.stderr).toMatch(/no table flows/);
        const imp = await runCli(['import', SAMPLE, '--store', server.url(), '--case', caseFile], {
          env,
        });
        expect(imp.code).toBe(0);
      },
    );

    it("keeps a detection session's temporary tables to itself (HTTP session)", async () => {
      const ex = await HttpExecutor.connect(parseStoreUrl(server.url()), {
        password: PASSWORDS.netsift,
      });
      try {
        const a = await ex.session();
        const b = await ex.session();
        await a.command('CREATE TEMPORARY TABLE det_probe (x Int64) ENGINE = Memory');
        await a.command('INSERT INTO det_probe VALUES (1), (2)');
        expect(await a.rows<{ n: number }>('SELECT count() AS n FROM det_probe')).toEqual([
          { n: 2 },
        ]);
        await expect(b.rows('SELECT count() FROM det_probe')).rejects.toThrow(/det_probe/);
        await expect(ex.rows('SELECT count() FROM det_probe')).rejects.toThrow(/det_probe/);
        await a.close(); // the connection stays (a session view does not close it)
        expect(await ex.rows<{ v: number }>('SELECT 1 AS v')).toEqual([{ v: 1 }]);
      } finally {
        await ex.close();
      }
    });

    it('detect on a case that records its server goes there, and leaves the case as it was', async () => {
      const r = await runCli(['detect', '--case', caseFile], { env });
      expect(r.stderr).toMatch(/22\.3 or later/);
      expect(r.code).not.toBe(0);
      const c = await CaseStore.open(caseFile, { readOnly: true });
      try {
        expect((await c.one<{ n: number }>('SELECT count(*) AS n FROM analysis_runs'))?.n).toBe(0);
      } finally {
        c.close();
      }
    });
  },
);
