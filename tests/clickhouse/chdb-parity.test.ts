// The current ClickHouse dialect (chdb: the ClickHouse engine in process, 26.x) on the same files:
// netsift's own tables with DateTime64 and LowCardinality, query parameters bound by the engine,
// and every FlowStore read equal to the DuckDB case. chdb is an optional package (tests/chdb/,
// ~550 MB): without it these tests skip and say so.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { DuckDbFlowStore } from '../../src/engine/flowstore/duckdb-flow-store';
import { importFiles } from '../../src/engine/import/pipeline';
import { CaseStore } from '../../src/engine/store/case-store';
import { expectSameAnswers, parityCases, writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const CHDB_DIR = path.resolve(import.meta.dirname, '../chdb');
const chdb = loadChdb(CHDB_DIR);

describe.skipIf(!chdb.mod)(
  `chdb (current ClickHouse dialect)${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
  () => {
    const tmp = makeTmpDir('netsift-chdb-');
    const mixed = tmp.file('mixed.csv');
    let ch: ClickHouseFlowStore;
    let refCase: CaseStore;
    let ref: DuckDbFlowStore;

    beforeAll(async () => {
      writeMixedCsv(mixed);
      refCase = await CaseStore.open(tmp.file('ref.duckdb'));
      await importFiles(refCase, [SAMPLE, mixed], { noGeo: true }).result;
      ref = new DuckDbFlowStore(refCase);
      ch = await ClickHouseFlowStore.create(await ChdbExecutor.open(chdb.mod!), {
        caseStore: refCase,
      });
    });
    afterAll(async () => {
      await ch?.close();
      refCase?.close();
      tmp.cleanup();
    });

    it('creates the current schema and imports both files whole', async () => {
      expect(ch.info.dialect).toBe('clickhouse');
      expect(Number(ch.info.serverVersion.split('.')[0])).toBeGreaterThanOrEqual(23);
      const sum = await ch.importFiles([SAMPLE, mixed]).result;
      expect(sum.flows).toBe(150_537);
      const types = await ch.ex.rows<{ name: string; type: string }>(
        "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'flows' AND name IN ('ts', 'proto')",
      );
      expect(Object.fromEntries(types.map((t) => [t.name, t.type]))).toEqual({
        ts: "DateTime64(6, 'UTC')",
        proto: 'LowCardinality(String)',
      });
      // microseconds survive the trip (the mixed file has them)
      const [r] = await ch.ex.rows<{ us: string }>(
        'SELECT toString(max(toUnixTimestamp64Micro(ts) % 1000000)) AS us FROM flows WHERE import_id = 2',
      );
      const [d] = await refCase.all<{ us: number }>(
        'SELECT max(epoch_us(ts) % 1000000) AS us FROM flows WHERE import_id = 2',
      );
      expect(Number(r.us)).toBe(d.us);
      expect(d.us).toBeGreaterThan(0);
    });

    it('answers every read exactly as the DuckDB case does', { timeout: 300_000 }, async () => {
      const span = { from: '2017-01-27T16:40:00Z', to: '2017-01-27T17:05:30.5Z' };
      const hosts = ['192.168.100.10', '192.168.1.10', '2001:db8::5', '10.0.0.1'];
      expect(await expectSameAnswers(ref, ch, parityCases(span, hosts))).toBeGreaterThan(40);
    });
  },
);
