import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { all, plain } from './sql';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

// all() builds its rows from the result's columns (quicker than the reader's row objects): they
// must be the rows the reader's own row objects give, made plain, value for value
const WIDE = `
  SELECT i AS n, i::BIGINT * 1000000007 AS big, 18446744073709551615::UBIGINT AS huge,
         (i::UHUGEINT << 100) AS uhuge, 'x' || i AS text, NULL AS nothing, i % 2 = 0 AS even,
         1.5::DOUBLE * i AS dbl, 12.34::DECIMAL(10, 2) AS dec,
         TIMESTAMP '2026-01-02 03:04:05.678' + INTERVAL (i) SECOND AS ts, DATE '2026-12-06' AS day,
         [i, i + 1]::BIGINT[] AS list, {'a': i::BIGINT, 'b': 'y'} AS struct,
         '{"k": 1}'::JSON AS js, [TIMESTAMP '2026-01-01'] AS stamps, i AS n
  FROM range(0, 3000) t(i)`;

describe('all()', () => {
  it('gives the rows the reader’s row objects give, made plain', async () => {
    const reader = await conn.runAndReadAll(WIDE);
    const expected = reader.getRowObjectsJS().map((r) => plain(r));
    const rows = await all(conn, WIDE);
    expect(rows).toHaveLength(3000);
    expect(rows).toEqual(expected);
    expect(rows[7]).toMatchObject({
      big: 7000000049,
      huge: '18446744073709551615',
      ts: '2026-01-02T03:04:12.678Z',
      list: [7, 8],
      struct: { a: 7, b: 'y' },
      stamps: ['2026-01-01T00:00:00.000Z'],
    });
    // a name given twice is told apart as the reader's row objects tell it apart
    expect(Object.keys(rows[0])).toEqual(Object.keys(expected[0] as object));
  });

  it('gives no rows for an empty result, with bound parameters', async () => {
    expect(await all(conn, 'SELECT i FROM range(0, 10) t(i) WHERE i > $1', [100])).toEqual([]);
    expect(await all(conn, 'SELECT i FROM range(0, 10) t(i) WHERE i > $1', [7])).toEqual([
      { i: 8 },
      { i: 9 },
    ]);
  });
});
