// Every piece of the dialect layer on its own engine: DuckDB, ClickHouse 18.16 (a real server)
// and the current ClickHouse (chdb). The same query built from each dialect must answer the same
// on the same values, NULLs and empty groups included: that is what lets phase 2 write a detector
// once.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { HttpExecutor } from '../../src/engine/flowstore/clickhouse/http-executor';
import { parseStoreUrl } from '../../src/engine/flowstore/clickhouse/store-url';
import {
  CLICKHOUSE,
  CLICKHOUSE_18,
  DUCKDB,
  clickHouseDialect,
  type Dialect,
} from '../../src/engine/flowstore/dialect';
import { CaseStore } from '../../src/engine/store/case-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';

const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));

// g: group; x: nullable integer; s: text. Group 3 has only NULLs, group 4 one value.
const ROWS: [number, number | null, string][] = [
  [1, 1, 'Überprüfung'],
  [1, 2, 'scan vertical'],
  [1, 3, 'SCAN'],
  [1, 10, 'benign'],
  [1, null, ''],
  [2, 7, '10.1.2.3'],
  [2, 7, '10.1.9.9'],
  [2, -7, '192.168.0.1'],
  [3, null, 'x'],
  [3, null, 'y'],
  [4, 5, 'z'],
];

function probe(d: Dialect): string {
  return `SELECT g, ${d.countAll()} AS n, ${d.countDistinct('x')} AS d, ${d.countIf('x > 2')} AS c,
      ${d.sumIf('x', 'x > 2')} AS si, ${d.quantileCont('x', 0.25)} AS q1, ${d.quantileCont('x', 0.5)} AS q2,
      ${d.quantileCont('x', 0.75)} AS q3, ${d.intDiv(d.toInt64('min(x)'), '2')} AS half,
      ${d.greatest('0', d.toFloat64('min(x)'))} AS pos, ${d.countIf(d.startsWith('s', "'10.1.'"))} AS pre,
      ${d.countIf(d.containsCi('s', "'über'"))} + ${d.countIf(d.containsCi('s', "'scan'"))} AS ci,
      ${d.toInt64(d.countIf('x = 7'))} AS sevens
    FROM t GROUP BY g ORDER BY g`;
}

const plain = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Number(v)])),
  );

describe('dialect layer', () => {
  let duck: Record<string, unknown>[];

  beforeAll(async () => {
    const c = await CaseStore.open(':memory:');
    await c.run('CREATE TABLE t (g INTEGER, x BIGINT, s VARCHAR)');
    for (const [g, x, s] of ROWS) await c.run('INSERT INTO t VALUES ($1, $2, $3)', [g, x, s]);
    duck = plain(await c.all(probe(DUCKDB)));
    c.close();
  });

  it('DuckDB answers as expected (the reference)', () => {
    expect(duck[0]).toEqual({
      g: 1,
      n: 5,
      d: 4,
      c: 2,
      si: 13,
      q1: 1.75,
      q2: 2.5,
      q3: 4.75,
      half: 0,
      pos: 1,
      pre: 0,
      ci: 3,
      sevens: 0,
    });
    expect(duck[1]).toMatchObject({ half: -3, pos: 0, pre: 2, sevens: 2 });
    expect(duck[2]).toMatchObject({ n: 2, d: 0, c: 0, si: null, q1: null });
  });

  it('picks the dialect from the server version', () => {
    expect(clickHouseDialect('18.16.1', false).name).toBe('clickhouse-18');
    expect(clickHouseDialect('21.8.15.7', true)).toMatchObject({
      name: 'clickhouse-18',
      has: { queryParams: true },
    });
    expect(clickHouseDialect('22.3.1', true)).toBe(CLICKHOUSE);
    expect(clickHouseDialect('26.7.2.1', true)).toBe(CLICKHOUSE);
  });

  const values = ROWS.map(([g, x, s]) => `(${g}, ${x === null ? 'NULL' : x}, '${s}')`).join(', ');

  describe.skipIf(!!CLICKHOUSE_MISSING)(
    `clickhouse-18 on 18.16${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
    () => {
      let server: ChServer;
      let ex: HttpExecutor;
      beforeAll(async () => {
        server = await startClickHouse();
        ex = await HttpExecutor.connect(parseStoreUrl(server.url()), {
          password: PASSWORDS.netsift,
        });
      });
      afterAll(async () => {
        await ex?.close();
        await server?.stop();
      });
      it('answers as DuckDB', async () => {
        await ex.command('CREATE TABLE t (g UInt8, x Nullable(Int64), s String) ENGINE = Memory');
        await ex.command(`INSERT INTO t VALUES ${values}`);
        expect(plain(await ex.rows(probe(CLICKHOUSE_18)))).toEqual(duck);
        // what the current dialect would need from it is not there
        await expect(ex.rows(probe(CLICKHOUSE))).rejects.toThrow(
          /Unknown function (quantileExactInclusive|toBool)/,
        );
      });
    },
  );

  describe.skipIf(!chdb.mod)(
    `clickhouse on chdb${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
    () => {
      it('answers as DuckDB, in both ClickHouse dialects', async () => {
        const ex = await ChdbExecutor.open(chdb.mod!);
        try {
          await ex.command('CREATE TABLE t (g UInt8, x Nullable(Int64), s String) ENGINE = Memory');
          await ex.command(`INSERT INTO t VALUES ${values}`);
          expect(plain(await ex.rows(probe(CLICKHOUSE)))).toEqual(duck);
          expect(plain(await ex.rows(probe(CLICKHOUSE_18)))).toEqual(duck);
        } finally {
          await ex.close();
        }
      });
    },
  );
});
