// The detectors' dialect pieces (src/engine/flowstore/dialect-detect.ts) and the FlowSql seam on
// both engines: the same statement, written once with the pieces and `$name` binds, run through
// DuckDB's FlowSql (the case) and ClickHouse's (chdb: the current engine in process) gives the
// same rows, NULLs, empty groups, times and lists included. The session settings ClickHouse
// needs (join_use_nulls, NULL for empty aggregates, columns before aliases) are checked here too.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { toClickHouse } from '../../src/engine/flowstore/clickhouse/detect-binds';
import { chTimeToIso, converter } from '../../src/engine/flowstore/clickhouse/typed-rows';
import type { DetectDialect } from '../../src/engine/flowstore/dialect-detect';
import { DuckDbFlowStore } from '../../src/engine/flowstore/duckdb-flow-store';
import type { FlowSql, TempColumnType } from '../../src/engine/flowstore/flow-sql';
import { selectorWhere } from '../../src/engine/flowstore/selector-sql';
import { CaseStore } from '../../src/engine/store/case-store';
import { writeSite } from '../../src/engine/site/site-model';

const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));
const INTERNAL = ['10.0.0.0/8', '192.168.0.0/16', 'fc00::/7'];

// g group, x value (-1 stands for NULL), s text, us time in microseconds, ip an address
const COLS: [string, TempColumnType][] = [
  ['g', 'bigint'],
  ['x', 'bigint'],
  ['s', 'text'],
  ['us', 'bigint'],
  ['ip', 'text'],
];
const T0 = 1_485_532_800_000_000; // 2017-01-27T16:00:00Z
const ROWS: (string | number)[][] = [
  [1, 3, 'SA_', T0 + 1, '10.1.2.3'],
  [1, 1, 'S_R', T0 + 2_500_000, '192.168.1.255'],
  [1, 2, '...A..S.', T0 + 7_000_123, '8.8.8.8'],
  [1, -1, 'x', T0 + 9_999_999, '224.0.0.1'],
  [2, 7, 'S_SA', T0 + 60_000_000, '2001:db8::1'],
  [2, 7, '.....R..', T0 + 61_000_000, 'fc00::5'],
  [2, 5, '', T0 + 62_000_000, '0.0.0.0'],
  [3, -1, 'y', T0 + 120_000_000, '172.16.0.1'],
];

/** Every piece in one grouped statement. */
function perGroup(d: DetectDialect): string {
  const x = 'nullif(x, -1)';
  const ts = d.tsFromUs('us');
  return `
WITH t2 AS ${d.notMaterialized} (SELECT *, ${x} AS xn, ${ts} AS ts FROM t)
SELECT g, count(*) AS n,
  ${d.anyValue('g * 10')} AS g10,
  ${d.boolAnd('xn > 1')} AS all_big, ${d.boolOr('xn > 6')} AS any_seven,
  ${d.argMax('s', 'us')} AS last_s,
  ${d.median('xn')} AS med, ${d.quantilesCont('xn', [0.25, 0.75])}[1] AS q1, ${d.quantilesCont('xn', [0.25, 0.75])}[2] AS q3,
  ${d.listAgg('xn', { orderBy: [{ expr: 'us' }] })} AS xs_in_time,
  ${d.listAgg('xn', { distinct: true, orderBy: [{ expr: 'xn' }] })} AS xs_distinct,
  ${d.listHead(d.listAgg('s', { orderBy: [{ expr: 'xn', desc: true }, { expr: 's' }] }), '$top')} AS top_s,
  min(ts) AS first_ts, ${d.isoUs('max(ts)')} AS last_iso, ${d.plusMicro('max(ts)')} AS after,
  min(${d.epoch('ts')}) AS first_epoch, ${d.intDiv(`min(${d.epochUs('ts')})`, '$us10')} AS first_w,
  sum(${d.contains('s', "'_'")}::INTEGER) AS underscores,
  ${d.listAgg(d.splitPart('s', "'_'", 2), { orderBy: [{ expr: 'us' }] })} AS second_parts,
  ${d.listAgg(d.charAt('s', 4), { orderBy: [{ expr: 'us' }] })} AS fourth_chars,
  sum(${d.regexFull('s', "'[C.][E.][U.][A.][P.][R.][S.][F.]'")}::INTEGER) AS nfdump_flags,
  ${d.listAgg(d.ipv4Value('ip'), { orderBy: [{ expr: 'us' }] })} AS v4,
  ${d.listAgg(d.ipClass('num'), { orderBy: [{ expr: 'us' }] })} AS classes,
  ${d.listAgg(d.int128Text(d.shiftRight(d.numInt('num'), 8)), { orderBy: [{ expr: 'us' }] })} AS nets,
  count(*) FILTER (WHERE num BETWEEN ${d.num(0xffff00000000n)} AND ${d.num(0xffffffffffffn)}) AS v4_count,
  sum(xn) FILTER (WHERE xn > 100) AS sum_none, min(xn) FILTER (WHERE xn > 100) AS min_none
FROM (SELECT t2.*, n.num FROM t2 JOIN nums n USING (ip)) GROUP BY g ORDER BY g`;
}

function perRow(d: DetectDialect): string {
  return `
SELECT t.* ${d.exclude(['s', 'ip'])}, ${d.lag('x')} OVER (PARTITION BY g ORDER BY us) AS prev_x,
  max(x) OVER (PARTITION BY g ORDER BY us ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_before,
  count(*) OVER (PARTITION BY g ORDER BY us RANGE BETWEEN CURRENT ROW AND 5000000 FOLLOWING) AS within_5s,
  u.extra
FROM t LEFT JOIN (SELECT 1 AS g, 42 AS extra) u USING (g)
ORDER BY us`;
}

async function answers(sql: FlowSql): Promise<unknown> {
  const d = sql.d;
  const sel = selectorWhere(
    d,
    {
      from: '2017-01-27T16:00:02.500Z',
      to: '2017-01-27T16:01:01Z',
      anyOf: [{ protos: ['x'] }, {}],
    },
    'p',
  );
  return {
    groups: await sql.rows(perGroup(d), { top: 2, us10: 10_000_000 }),
    rows: await sql.rows(perRow(d)),
    // a SELECT alias never hides the column of the same name (prefer_column_name_to_alias)
    alias: await sql.rows(`SELECT min(us) AS us FROM t WHERE us > $lo`, { lo: T0 + 2 }),
    // empty input: NULL sums, zero counts
    empty: await sql.rows(`SELECT count(*) AS n, sum(x) AS s, min(x) AS m FROM t WHERE g > 99`),
    union: await sql.rows(`SELECT g FROM t UNION SELECT g FROM t ORDER BY g`),
    range: await sql.rows(`SELECT ${d.unnestRange('$lo', '$hi')} AS i ORDER BY i`, {
      lo: 2,
      hi: 5,
    }),
    selector: await sql.rows(
      `SELECT count(*) AS n FROM (SELECT ${d.tsFromUs('us')} AS ts, s AS proto FROM t) WHERE ${sel.sql}`,
      sel.binds,
    ),
    bools: await sql.rows(
      `SELECT ${d.boolOut('$yes')} AS yes, ${d.boolOut('$share > 0.5')} AS big`,
      { yes: true, share: 0.75 },
    ),
  };
}

describe('ClickHouse statement rewriting', () => {
  it('types binds, drops comments, refuses DuckDB-only syntax', () => {
    expect(
      toClickHouse("SELECT $a + $b, '$x -- no', $c -- a note\nFROM t WHERE $d", {
        a: 1,
        b: 0.5,
        c: "it's",
        d: true,
      }),
    ).toEqual({
      sql: "SELECT {a:Int64} + {b:Float64}, '$x -- no', {c:String} \nFROM t WHERE {d:Bool}",
      params: { a: 1, b: 0.5, c: "it's", d: 'true' },
    });
    expect(() => toClickHouse('SELECT a // 2 FROM t')).toThrow(/intDiv/);
    expect(() => toClickHouse('SELECT x::UHUGEINT FROM t')).toThrow(/UHUGEINT/);
    expect(() => toClickHouse('SELECT $missing')).toThrow(/no value bound/);
  });

  it('reads ClickHouse values as DuckDB rows carry them', () => {
    expect(chTimeToIso('2017-01-27 16:01:40.123456')).toBe('2017-01-27T16:01:40.123Z');
    expect(
      converter("Array(Nullable(DateTime64(6, 'UTC')))")(['2017-01-27 16:01:40', null]),
    ).toEqual(['2017-01-27T16:01:40.000Z', null]);
    expect(converter('UInt64')('18446744073709551615')).toBe('18446744073709551615');
    expect(converter('Int64')('42')).toBe(42);
  });
});

describe.skipIf(!chdb.mod)(
  `dialect pieces on DuckDB and chdb${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
  () => {
    let duck: unknown;
    let caseStore: CaseStore;
    let ch: ClickHouseFlowStore;

    beforeAll(async () => {
      caseStore = await CaseStore.open(':memory:');
      await writeSite(caseStore, INTERNAL, 'analyst');
      const dsql = await new DuckDbFlowStore(caseStore).openDetection();
      try {
        await dsql.loadTemp('t', COLS, ROWS);
        // the case's numbering (ip4_num covers IPv4; the two IPv6 addresses written out)
        await dsql.createTemp(
          'nums',
          `SELECT ip, coalesce(ip4_num(ip), CASE ip WHEN '2001:db8::1' THEN ${(0x20010db8n << 96n) + 1n}::UHUGEINT
             WHEN 'fc00::5' THEN ${(0xfc00n << 112n) + 5n}::UHUGEINT END) AS num FROM (SELECT DISTINCT ip FROM t)`,
        );
        duck = await answers(dsql);
      } finally {
        await dsql.close();
      }
      ch = await ClickHouseFlowStore.create(await ChdbExecutor.open(chdb.mod!), {
        internalNetworks: INTERNAL,
      });
      await ch.ensureTables();
    });
    afterAll(async () => {
      await ch?.close();
      caseStore?.close();
    });

    it('DuckDB answers as expected (the reference)', () => {
      const r = duck as { groups: Record<string, unknown>[]; rows: unknown[]; empty: unknown[] };
      expect(r.groups[0]).toMatchObject({
        g: 1,
        n: 4,
        all_big: false,
        any_seven: false,
        last_s: 'x',
        med: 2,
        xs_in_time: [3, 1, 2, null],
        xs_distinct: [1, 2, 3, null],
        top_s: ['SA_', '...A..S.'],
        first_ts: '2017-01-27T16:00:00.000Z',
        last_iso: '2017-01-27T16:00:09.999999Z',
        underscores: 2,
        second_parts: ['', 'R', '', ''],
        nfdump_flags: 1,
        v4: [167838211, 3232236031, 134744072, 3758096385],
        classes: ['internal', 'non-host', 'external', 'non-host'],
        v4_count: 4,
        sum_none: null,
        min_none: null,
      });
      expect(r.empty).toEqual([{ n: 0, s: null, m: null }]);
    });

    it('chdb answers the same statements the same', async () => {
      const sql = await ch.openDetection(INTERNAL);
      try {
        await sql.loadTemp('t', COLS, ROWS);
        await sql.createTemp(
          'nums',
          `SELECT ip, IPv6StringToNum(ip) AS num FROM (SELECT DISTINCT ip FROM t)`,
        );
        expect(await answers(sql)).toEqual(duck);
      } finally {
        await sql.close();
      }
    });
  },
);
