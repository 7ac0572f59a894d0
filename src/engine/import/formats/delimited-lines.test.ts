import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { zeekStateSql } from './zeek-states';
import { planHasJoin } from './delimited-lines';

describe('planHasJoin (guards the loads that take line numbers from file order)', () => {
  it('sees the join DuckDB makes of an IN list, and none in a CASE chain or the Zeek state mapping', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = "FROM (VALUES ('SF', 'tcp'), ('REJ', 'udp')) t(s, p)";
    expect(await planHasJoin(conn, `SELECT s IN ('a', 'b', 'c', 'd', 'e', 'f') ${rows}`)).toBe(
      true,
    );
    expect(
      await planHasJoin(conn, `SELECT CASE s WHEN 'a' THEN 1 WHEN 'b' THEN 2 END ${rows}`),
    ).toBe(false);
    expect(await planHasJoin(conn, `SELECT ${zeekStateSql('s', 'p')} ${rows}`)).toBe(false);
    conn.closeSync();
    db.closeSync();
  });
});
