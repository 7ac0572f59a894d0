// The blacklist detector on a case built by the test, with feeds in a temp NETSIFT_HOME.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { makeTmpDir } from '../../../../../tests/helpers/tmp';
import { FeedService } from '../../../intel/service';
import { startTestServer, type TestServer } from '../../../intel/test-server';
import { CaseStore } from '../../../store/case-store';
import { runDetection } from '../../../analysis/runner';
import { V4_REACH_SELECT, bucketsSelect, foundSelect } from './sql';
import { v4Parts } from './hits';
import { DuckDbFlowSql } from '../../../flowstore/duckdb-flow-sql';
import type { MatchRange } from '../../../intel/match-set';
import { blacklistDetector } from './index';

const tmp = makeTmpDir();
const prevHome = process.env.NETSIFT_HOME;
let svc: FeedService;

beforeAll(async () => {
  process.env.NETSIFT_HOME = tmp.dir;
  svc = new FeedService(tmp.dir);
  fs.writeFileSync(
    tmp.file('list.txt'),
    [
      '# test list',
      '45.33.32.156', // a listed IP
      '81.2.69.0/24', // a listed CIDR
      '91.198.174.0-91.198.174.15', // a range: first and last address
      '8.8.8.0/24', // 8.8.8.8 is allow-listed below
      '10.0.0.0/8', // guarded: would flag every internal host
      '2a00:1450::/32',
    ].join('\n'),
  );
  await svc.add({ id: 'test-list', file: tmp.file('list.txt'), format: 'cidr-list' });
  fs.writeFileSync(tmp.file('second.txt'), '45.33.32.0/24\n');
  await svc.add({ id: 'second', file: tmp.file('second.txt'), format: 'cidr-list' });
  await svc.setAllowList(['8.8.8.8']);
});
afterAll(() => {
  if (prevHome === undefined) delete process.env.NETSIFT_HOME;
  else process.env.NETSIFT_HOME = prevHome;
  tmp.cleanup();
});

async function caseWith(rows: Parameters<typeof insertFlows>[1]): Promise<CaseStore> {
  const s = await CaseStore.open(':memory:');
  await insertFlows(s, rows);
  return s;
}

const F = (src_ip: string, dst_ip: string, ts = '2017-01-27 16:24:42', dst_bytes = 500) => ({
  ts,
  src_ip,
  dst_ip,
  dst_port: 443,
  dst_bytes,
});

describe('blacklist detector', () => {
  it('alerts on a listed IP, an address inside a CIDR, the first and last address of a range; not on allowed or guarded space', async () => {
    const s = await caseWith([
      F('192.168.1.10', '45.33.32.156'),
      F('192.168.1.10', '45.33.32.156', '2017-01-27 16:30:00'),
      F('192.168.1.11', '81.2.69.77'),
      F('192.168.1.12', '91.198.174.0'),
      F('192.168.1.12', '91.198.174.15'),
      F('192.168.1.12', '91.198.174.16'), // just past the range
      F('192.168.1.12', '91.198.173.255'), // just before it
      F('192.168.1.13', '8.8.8.8'), // allow-listed
      F('192.168.1.13', '8.8.8.9'), // same /24, not allowed
      F('10.1.2.3', '192.168.1.14'), // 10.0.0.0/8 is guarded
      F('fd00::5', '2a00:1450:4001::1'),
      F('101.224.58.215', '192.168.1.20'), // bundled snapshot (seed, 2019-10-03), inbound
    ]);
    const alerts = await runDetector(s, blacklistDetector);
    const pairs = alerts.map((a) => `${a.src_ip} > ${a.dst_ip}`).sort();
    expect(pairs).toEqual([
      '101.224.58.215 > 192.168.1.20',
      '192.168.1.10 > 45.33.32.156',
      '192.168.1.11 > 81.2.69.77',
      '192.168.1.12 > 91.198.174.0',
      '192.168.1.12 > 91.198.174.15',
      '192.168.1.13 > 8.8.8.9',
      'fd00::5 > 2a00:1450:4001::1',
    ]);
    const a = alerts.find((x) => x.dst_ip === '45.33.32.156')!;
    expect(a.kind).toBe('blacklist');
    expect(a.flow_count).toBe(2);
    expect(a.evidence).toEqual({ srcIps: ['192.168.1.10'], dstIps: ['45.33.32.156'] });
    expect(a.window_start).toBe('2017-01-27T16:24:42.000000Z');
    expect(a.summary).toMatch(
      /^192\.168\.1\.10 contacted 45\.33\.32\.156, listed by second \(45\.33\.32\.0\/24, version .+\); test-list \(45\.33\.32\.156, version .+\): 2 flows outbound$/,
    );
    expect(a.features.filter((f) => f.name.startsWith('feed:')).map((f) => f.name)).toEqual([
      'feed:second',
      'feed:test-list',
    ]);
    const range = alerts.find((x) => x.dst_ip === '91.198.174.15')!;
    expect(range.features.find((f) => f.name === 'feed:test-list')?.note).toMatch(
      /^entry 91\.198\.174\.0-91\.198\.174\.15, version /,
    );
    // outbound from an internal host ranks above a listed address contacting us
    const inbound = alerts.find((x) => x.src_ip === '101.224.58.215')!;
    expect(inbound.summary).toMatch(
      /listed by et-compromised \(101\.224\.58\.215, version bundled-2019-10-03\), contacted 192\.168\.1\.20: 1 flow inbound/,
    );
    for (const x of alerts.filter((y) => y !== inbound))
      expect(x.score).toBeGreaterThan(inbound.score);
    expect(a.severity).toBe('high');
    expect(inbound.severity).toBe('medium');
    s.close();
  });

  it('records the matched versions in intel_ranges, minus guarded entries and allow-listed space', async () => {
    const s = await caseWith([F('192.168.1.10', '45.33.32.156')]);
    await runDetector(s, blacklistDetector);
    const versions = await s.all(
      'SELECT feed_id, feed_version, count(*) AS n FROM intel_ranges GROUP BY ALL ORDER BY feed_id',
    );
    const cur = Object.fromEntries((await svc.list()).map((f) => [f.id, f.current?.version]));
    expect(versions).toEqual([
      { feed_id: 'et-compromised', feed_version: 'bundled-2019-10-03', n: 744 },
      { feed_id: 'second', feed_version: cur.second, n: 1 },
      // 6 entries: 10.0.0.0/8 guarded, 8.8.8.0/24 split in two around 8.8.8.8
      { feed_id: 'test-list', feed_version: cur['test-list'], n: 6 },
    ]);
    const eight = await s.all(
      `SELECT entry, lo::VARCHAR AS lo, hi::VARCHAR AS hi FROM intel_ranges WHERE entry = '8.8.8.0/24' ORDER BY lo`,
    );
    const v4 = (x: number) => String(0xffff00000000n + BigInt(x));
    const base = (8 << 24) + (8 << 16) + (8 << 8);
    expect(eight).toEqual([
      { entry: '8.8.8.0/24', lo: v4(base), hi: v4(base + 7) },
      { entry: '8.8.8.0/24', lo: v4(base + 9), hi: v4(base + 255) },
    ]);
    s.close();
  });

  it('finds addresses under nested and overlapping ranges and names the narrowest entry of a feed', async () => {
    fs.writeFileSync(
      tmp.file('nested.txt'),
      '52.10.0.0/16\n52.10.1.1\n52.10.2.0/24\n52.10.2.0/25\n',
    );
    await svc.add({ id: 'nested', file: tmp.file('nested.txt'), format: 'cidr-list' });
    try {
      const s = await caseWith([
        F('192.168.1.50', '52.10.200.1'), // only the /16 covers it, after later-starting ranges
        F('192.168.1.50', '52.10.1.1'),
        F('192.168.1.50', '52.10.2.7'),
        F('192.168.1.50', '52.10.2.200'),
        F('192.168.1.50', '52.11.0.1'), // just past the /16
        F('192.168.1.51', '::ffff:81.2.69.5'), // IPv4-mapped IPv6 text inside 81.2.69.0/24
      ]);
      const alerts = await runDetector(s, blacklistDetector);
      const entry = (ip: string) =>
        alerts
          .find((a) => a.dst_ip === ip)
          ?.features.find((f) => f.name.startsWith('feed:'))
          ?.note?.replace(/, version .*/, '');
      expect(alerts.map((a) => a.dst_ip).sort()).toEqual([
        '52.10.1.1',
        '52.10.2.200',
        '52.10.2.7',
        '52.10.200.1',
        '::ffff:81.2.69.5',
      ]);
      expect(entry('52.10.200.1')).toBe('entry 52.10.0.0/16');
      expect(entry('52.10.1.1')).toBe('entry 52.10.1.1');
      expect(entry('52.10.2.7')).toBe('entry 52.10.2.0/25');
      expect(entry('52.10.2.200')).toBe('entry 52.10.2.0/24');
      expect(entry('::ffff:81.2.69.5')).toBe('entry 81.2.69.0/24');
      s.close();
    } finally {
      await svc.remove('nested');
    }
  });

  it('re-copies the ranges into the case when the allow-list changes, not on a plain re-run', async () => {
    const s = await caseWith([F('192.168.1.10', '45.33.32.156'), F('192.168.1.11', '81.2.69.1')]);
    const count = async () =>
      (await s.one<{ n: number }>('SELECT count(*) AS n FROM intel_ranges'))!.n;
    expect((await runDetector(s, blacklistDetector)).map((a) => a.dst_ip).sort()).toEqual([
      '45.33.32.156',
      '81.2.69.1',
    ]);
    const before = await count();
    expect((await runDetector(s, blacklistDetector)).length).toBe(2);
    expect(await count()).toBe(before);
    await svc.setAllowList(['8.8.8.8', '45.33.32.156']);
    try {
      const alerts = await runDetector(s, blacklistDetector);
      expect(alerts.map((a) => a.dst_ip)).toEqual(['81.2.69.1']);
      // 45.33.32.156 (test-list) is gone; 45.33.32.0/24 (second) is split around it
      expect(await count()).toBe(before);
      const second = await s.all<{ entry: string }>(
        "SELECT entry FROM intel_ranges WHERE feed_id = 'second'",
      );
      expect(second).toHaveLength(2);
    } finally {
      await svc.setAllowList(['8.8.8.8']);
    }
    s.close();
  });

  it('looks addresses up with a range join (never a nested loop), the same hits whatever the prefilter', async () => {
    // DuckDB loops over tiny inputs (asof_loop_join_threshold); a case has more than 64 addresses
    const s = await caseWith(
      Array.from({ length: 3000 }, (_, i) =>
        F(`192.168.1.${i % 250}`, `45.${i % 200}.${(i >> 4) % 250}.${1 + (i % 7)}`),
      ),
    );
    const conn = await s.connect();
    // the /24 of every third destination, and 45.7.0.0/16 over some of those
    await conn.run(`INSERT INTO intel_ranges
      SELECT 't', 'v', 'e', lo, lo + 255 FROM (SELECT DISTINCT (dst_num // 256) * 256 AS lo FROM flows)
      WHERE hash(lo) % 3 = 0
      UNION ALL SELECT 't', 'v', 'big', ip4_num('45.7.0.0'), ip4_num('45.7.255.255')`);
    const sql = new DuckDbFlowSql(conn);
    const ranges = (
      await sql.rows<{ lo: number; hi: number }>('SELECT lo, hi FROM intel_ranges')
    ).map((r) => ({ lo: BigInt(r.lo), hi: BigInt(r.hi) }) as MatchRange);
    await sql.loadTemp(
      'bl_v4src',
      [
        ['lo', 'bigint'],
        ['hi', 'bigint'],
      ],
      v4Parts(ranges),
    );
    await sql.createTemp('bl_v4', V4_REACH_SELECT);
    const truth = (
      await conn.runAndReadAll(
        `SELECT DISTINCT dst_ip FROM flows f JOIN intel_ranges r ON f.dst_num BETWEEN r.lo AND r.hi ORDER BY 1`,
      )
    ).getRows();
    expect(truth.length).toBeGreaterThan(100);
    for (const shift of [8, 16, null] as const) {
      if (shift) await sql.createTemp('bl_bucket', bucketsSelect(sql.d, shift));
      const plan = (await conn.runAndReadAll(`EXPLAIN ${foundSelect(sql.d, 'flows', shift)}`))
        .getRows()
        .map((r) => String(r[1]))
        .join('\n');
      expect(plan).toMatch(/ASOF_JOIN|IE_JOIN|PIECEWISE_MERGE_JOIN/);
      expect(plan).not.toMatch(/NESTED_LOOP_JOIN|BLOCKWISE_NL_JOIN|CROSS_PRODUCT/);
      await sql.createTemp('bl_found', foundSelect(sql.d, 'flows', shift));
      const hits = (
        await conn.runAndReadAll(`SELECT ip FROM bl_found WHERE NOT other ORDER BY 1`)
      ).getRows();
      expect(hits).toEqual(truth);
    }
    conn.closeSync();
    s.close();
  });

  it('one alert per window with perWindow, and none for inbound contact when inbound is off', async () => {
    const s = await caseWith([
      F('192.168.1.10', '45.33.32.156', '2017-01-27 16:24:42'),
      F('192.168.1.10', '45.33.32.156', '2017-01-27 16:24:55'),
      F('45.33.32.156', '192.168.1.10', '2017-01-27 16:24:56'),
    ]);
    const alerts = await runDetector(s, blacklistDetector, { perWindow: true, inbound: false }, 10);
    expect(alerts.map((a) => [a.window_start, a.flow_count, a.evidence.from])).toEqual([
      ['2017-01-27T16:24:40.000Z', 1, '2017-01-27T16:24:40.000Z'],
      ['2017-01-27T16:24:50.000Z', 1, '2017-01-27T16:24:50.000Z'],
    ]);
    s.close();
  });

  it('matches a consistent version when a refresh lands during detection', async () => {
    const srv: TestServer = await startTestServer();
    try {
      const big = (k: number, third: number) =>
        Array.from(
          { length: k },
          (_, i) => `45.${third}.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        ).join('\n');
      let body = big(20_000, 60);
      srv.route('/live', (_q, r) => (r.writeHead(200), r.end(body)));
      await svc.add({ id: 'live', url: srv.url('/live'), format: 'ip-list', intervalSeconds: 0 });
      const first = (await svc.refresh('live').result)[0].current!;
      body = big(20_000, 61);
      const s = await caseWith([F('192.168.1.30', '45.60.0.1'), F('192.168.1.31', '45.61.0.1')]);
      const [alerts, after] = await Promise.all([
        runDetector(s, blacklistDetector),
        svc.refresh('live').result,
      ]);
      const second = after[0].current!;
      expect(second.version).not.toBe(first.version);
      const rows = await s.all<{ feed_version: string; n: number }>(
        `SELECT feed_version, count(*) AS n FROM intel_ranges WHERE feed_id = 'live' GROUP BY ALL`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].n).toBe(20_000);
      const used = rows[0].feed_version;
      expect([first.version, second.version]).toContain(used);
      const hit = alerts.filter((a) => a.features.some((f) => f.name === 'feed:live'));
      expect(hit).toHaveLength(1);
      expect(hit[0].dst_ip).toBe(used === first.version ? '45.60.0.1' : '45.61.0.1');
      expect(hit[0].summary).toContain(`version ${used}`);
      s.close();
      await svc.remove('live');
    } finally {
      await srv.close();
    }
  });

  it('re-runs alone through the runner (only: blacklist) and records feed versions in the run', async () => {
    const s = await caseWith([F('192.168.1.10', '45.33.32.156'), F('192.168.1.11', '81.2.69.1')]);
    const res = await runDetection(s, { only: ['blacklist'] }).result;
    expect(res.alerts).toBe(2);
    expect(res.feedVersions.map((f) => f.feed_id)).toEqual([
      'et-compromised',
      'second',
      'test-list',
    ]);
    const run = await s.one<{ feed_versions: string }>(
      'SELECT feed_versions FROM analysis_runs WHERE id = $1',
      [res.runId],
    );
    expect(JSON.parse(run!.feed_versions)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          feed_id: 'et-compromised',
          version: 'bundled-2019-10-03',
          entries: 744,
        }),
      ]),
    );
    // after disabling a feed, a re-run (no re-import) no longer matches it
    await svc.setEnabled('second', false);
    await svc.setEnabled('test-list', false);
    const again = await runDetection(s, { only: ['blacklist'] }).result;
    expect(again.alerts).toBe(0);
    await svc.setEnabled('second', true);
    await svc.setEnabled('test-list', true);
    s.close();
  });
});
