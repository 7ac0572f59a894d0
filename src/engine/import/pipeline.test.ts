// The import pipeline against real DuckDB case files: every bad input of issue 2 gets a clear
// answer, every data line is a flow or a reject (with its line number), and a failed or
// cancelled import leaves the case exactly as before.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { V4_MAPPED_BASE } from '../util/ip';
import { importFiles } from './pipeline';
import { csvBufferOption } from './types';
import { writeSeedLines } from './test-fixtures';

const tmp = makeTmpDir('netsift-import-');
afterAll(() => tmp.cleanup());

const GOOD = '2017-01-27 16:24:42,tcp,established,192.168.100.96,50000,192.168.1.20,80,120,3400';

/** The messy file of issue 2, one problem per line; the expected reject per line number. */
const MESSY: string[] = [
  GOOD, // 1
  '', // 2 blank: skipped, not data
  '2017-01-27 16:24:43,tcp,new,999.1.1.1,50001,192.168.1.20,80,1,2', // 3
  '2017-01-27 16:24:44,tcp,new,192.168.100.96,50002,192.168.1.20,70000,1,2', // 4
  '2017-01-27 16:24:45,udp,new,192.168.100.96,-1,192.168.1.20,53,1,2', // 5
  '2017-13-45 99:00:00,udp,new,192.168.100.96,5000,192.168.1.20,53,1,2', // 6
  '2017-01-27 16:24:46,udp,closed,192.168.100.96,5001,192.168.1.20,53,-5,2', // 7
  '2017-01-27 16:24:47,udp,closed,192.168.100.96,5002,192.168.1.20,53,9,abc', // 8
  '2017-01-27 16:24:48,udp,closed,192.168.100.96,5003,192.168.1.20,53,9', // 9 (8 fields)
  '2017-01-27 16:24:49,udp,closed,192.168.100.96,5004,192.168.1.20,53,9,9,9', // 10 (10 fields)
  '2017-01-27 16:24:50,tcp,reset,2001:db8::1,443,2001:db8:0:1::20,50443,10,20', // 11 IPv6, valid
  '2017-01-27 16:24:51,tcp,reset,2001:db8::g,443,192.168.1.20,50443,10,20', // 12 bad IPv6
  '2017-01-27 16:24:52,tcp,weird,192.168.100.97,5005,192.168.1.21,22,10,20', // 13 unknown state -> other
  '2017-01-27 16:24:53,tcp,,192.168.100.97,5006,192.168.1.21,22,10,20', // 14 empty state
  '2017-01-27 16:24:54,tcp,established,192.168.100.9', // 15 truncated last line (no newline)
];
const MESSY_REJECTS: Record<number, RegExp> = {
  3: /^src_ip: 999\.1\.1\.1 is not an IP address$/,
  4: /^dst_port: 70000 is not a port \(0-65535\)$/,
  5: /^src_port: -1 is not a port \(0-65535\)$/,
  6: /^ts: 2017-13-45 99:00:00 is not a timestamp/,
  7: /^src_tx: -5 is not a byte count/,
  8: /^dst_tx: abc is not a byte count/,
  9: /^expected 9 fields, found 8$/,
  10: /^more than 9 fields$/,
  12: /^src_ip: 2001:db8::g is not an IP address$/,
  14: /^state: missing$/,
  15: /^expected 9 fields, found 4$/,
};

async function freshCase(name: string): Promise<CaseStore> {
  return CaseStore.open(tmp.file(name));
}

function write(name: string, lines: string[], eol = '\n', finalEol = false): string {
  const file = tmp.file(name);
  fs.writeFileSync(file, lines.join(eol) + (finalEol ? eol : ''));
  return file;
}

async function caseState(store: CaseStore) {
  return {
    flows: await store.flowCount(),
    imports: (await store.one<{ n: number }>('SELECT count(*) AS n FROM imports'))!.n,
    rejects: (await store.one<{ n: number }>('SELECT count(*) AS n FROM rejects'))!.n,
  };
}

describe('importFiles: seed format', () => {
  it('imports a clean file with dense ids, numeric addresses, sha256 and time span', async () => {
    const file = write(
      'clean.csv',
      [GOOD, GOOD.replace('16:24:42', '16:30:00').replace('50000', '50001')],
      '\n',
      true,
    );
    const store = await freshCase('clean.duckdb');
    const sum = await importFiles(store, [file]).result;
    const r = sum.files[0].record!;
    expect(r.format).toBe('seed');
    expect([r.rows_read, r.rows_rejected, r.data_lines]).toEqual([2, 0, 2]);
    expect(r.sha256).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    expect(r.first_ts).toBe('2017-01-27T16:24:42.000Z');
    expect(r.last_ts).toBe('2017-01-27T16:30:00.000Z');
    const flows = await store.all<{
      id: number;
      src_num: string | number;
      state: string;
      proto: string;
    }>('SELECT id, src_num::VARCHAR AS src_num, state, proto FROM flows ORDER BY id');
    expect(flows.map((f) => f.id)).toEqual([1, 2]);
    expect(BigInt(flows[0].src_num)).toBe(
      V4_MAPPED_BASE + BigInt((192 << 24) >>> 0) + BigInt((168 << 16) + (100 << 8) + 96),
    );
    expect(flows[0]).toMatchObject({ state: 'established', proto: 'tcp' });
    store.close();
  });

  for (const [label, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`accounts for every line of a messy ${label} file, with line numbers and reasons`, async () => {
      const file = write(`messy-${label}.csv`, MESSY, eol);
      const store = await freshCase(`messy-${label}.duckdb`);
      const sum = await importFiles(store, [file], { rejectSamples: 50 }).result;
      const f = sum.files[0];
      const r = f.record!;
      expect(f.blankLines).toBe(1);
      expect(r.data_lines).toBe(MESSY.length - 1);
      expect(r.rows_read + r.rows_rejected).toBe(r.data_lines);
      expect(r.rows_read).toBe(3); // lines 1, 11 (IPv6) and 13 (state other)
      const rejects = await store.all<{ line: number; reason: string; raw: string }>(
        'SELECT line, reason, raw FROM rejects ORDER BY line',
      );
      expect(rejects.map((x) => x.line)).toEqual(Object.keys(MESSY_REJECTS).map(Number));
      for (const x of rejects) expect(x.reason).toMatch(MESSY_REJECTS[x.line]);
      // the raw text of a reader reject is the line itself, without the line ending
      expect(rejects.find((x) => x.line === 4)!.raw).toBe(MESSY[3]);
      const v6 = await store.one<{ src_num: string; dst_ip: string; state: string }>(
        "SELECT src_num::VARCHAR AS src_num, dst_ip, state FROM flows WHERE src_ip = '2001:db8::1'",
      );
      expect(BigInt(v6!.src_num)).toBe(0x20010db8000000000000000000000001n);
      const other = await store.one<{ state: string; state_raw: string }>(
        "SELECT state, state_raw FROM flows WHERE src_ip = '192.168.100.97'",
      );
      expect(other).toEqual({ state: 'other', state_raw: 'weird' });
      // the source's own word is kept only where it is not netsift's (line 11 says 'reset')
      const same = await store.one<{ state: string; stored: string | null }>(
        "SELECT state, state_raw AS stored FROM flows WHERE src_ip = '2001:db8::1'",
      );
      expect(same).toEqual({ state: 'reset', stored: null });
      store.close();
    });
  }

  it('reads gzip input the same as plain text', async () => {
    const plain = write('messy-for-gz.csv', MESSY);
    const gz = tmp.file('messy.csv.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)));
    const store = await freshCase('gz.duckdb');
    const r = (await importFiles(store, [gz]).result).files[0].record!;
    expect([r.rows_read, r.rows_rejected, r.data_lines]).toEqual([3, 11, 14]);
    expect(
      (await store.all<{ line: number }>('SELECT line FROM rejects ORDER BY line')).map(
        (x) => x.line,
      ),
    ).toEqual(Object.keys(MESSY_REJECTS).map(Number));
    store.close();
  });

  it('keeps file order in ids and line numbers across many row groups (gzip, 300k lines)', async () => {
    // DuckDB's parallel reader once handed a gzip file's tail first: ids and the line numbers
    // of rows rejected by validation must still follow the file.
    const n = 300_000;
    const lines: string[] = [];
    const t0 = Date.parse('2017-01-27T16:00:00Z');
    for (let i = 0; i < n; i++) {
      const ts = new Date(t0 + i * 10).toISOString().slice(0, 19).replace('T', ' ');
      const dst = i === 250_000 ? '999.1.1.1' : '192.168.1.10';
      lines.push(
        `${ts},udp,established,192.168.100.${i % 200},${1024 + (i % 60000)},${dst},53,60,120`,
      );
    }
    const gz = tmp.file('ordered.csv.gz');
    fs.writeFileSync(gz, zlib.gzipSync(lines.join('\n') + '\n'));
    const store = await freshCase('ordered.duckdb');
    await importFiles(store, [gz]).result;
    const inversions = await store.one<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT ts < lag(ts) OVER (ORDER BY id) AS back FROM flows) WHERE back',
    );
    expect(inversions?.n).toBe(0);
    expect(await store.all('SELECT line, reason FROM rejects')).toEqual([
      { line: 250_001, reason: expect.stringMatching(/dst_ip: 999\.1\.1\.1/) },
    ]);
    store.close();
  });

  it('keeps file order and line numbers with the large-file read buffer (a plain file over 64 MB)', async () => {
    // From 64 MB the seed read uses its own read_csv buffer size (csvBufferOption): the insert
    // must still follow the file, and the strict check of a non-canonical quad (01.2.3.4, which
    // the insert's shape-only numbering lets through) must still name its line.
    const n = 1_000_000;
    const t0 = Date.parse('2017-01-27T16:00:00Z');
    const file = tmp.file('big-plain.csv');
    const out = fs.openSync(file, 'w');
    let chunk: string[] = [];
    for (let i = 0; i < n; i++) {
      const ts = new Date(t0 + i * 10).toISOString().slice(0, 19).replace('T', ' ');
      const src = i === 700_000 ? '01.2.3.4' : `192.168.${i % 250}.${i % 200}`;
      chunk.push(
        `${ts},udp,established,${src},${1024 + (i % 60000)},192.168.1.10,53,${60 + (i % 1000)},120`,
      );
      if (chunk.length === 50_000) {
        fs.writeSync(out, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    fs.closeSync(out);
    const size = fs.statSync(file).size;
    expect(csvBufferOption(size)).not.toBe('');
    const store = await freshCase('big-plain.duckdb');
    const sum = await importFiles(store, [file]).result;
    expect(sum.flows).toBe(n - 1);
    const inversions = await store.one<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT ts < lag(ts) OVER (ORDER BY id) AS back FROM flows) WHERE back',
    );
    expect(inversions?.n).toBe(0);
    expect(await store.all('SELECT line, reason FROM rejects')).toEqual([
      { line: 700_001, reason: expect.stringMatching(/src_ip: 01\.2\.3\.4 is not an IP address/) },
    ]);
    store.close();
  }, 180_000); // a 64 MB file: minutes on a busy machine

  it('keeps file order and dense ids when a bad IPv6 row is dropped from a large plain file', async () => {
    // The direct path deletes rows whose ':' address does not parse and renumbers the survivors;
    // the staged path is not involved. Order must follow the file, ids stay dense, lines exact.
    const n = 200_000;
    const lines: string[] = [];
    const t0 = Date.parse('2017-01-27T16:00:00Z');
    for (let i = 0; i < n; i++) {
      const ts = new Date(t0 + i * 10).toISOString().slice(0, 19).replace('T', ' ');
      const src =
        i === 150_000 ? '2001:db8::zz' : i % 1000 === 0 ? '2001:db8::1' : `10.0.${i % 250}.1`;
      lines.push(`${ts},tcp,established,${src},${1024 + (i % 60000)},192.168.1.10,443,60,120`);
    }
    const file = write('ordered-v6.csv', lines, '\n', true);
    const store = await freshCase('ordered-v6.duckdb');
    const sum = await importFiles(store, [file]).result;
    expect(sum.flows).toBe(n - 1);
    const check = await store.one<{ back: number; lo: number; hi: number; gaps: number }>(
      `SELECT count(*) FILTER (WHERE ts < pts) AS back, min(id) AS lo, max(id) AS hi,
         count(*) FILTER (WHERE id <> pid + 1) AS gaps
       FROM (SELECT id, ts, lag(ts) OVER (ORDER BY id) AS pts, lag(id, 1, 0) OVER (ORDER BY id) AS pid FROM flows)`,
    );
    expect(check).toEqual({ back: 0, lo: 1, hi: n - 1, gaps: 0 });
    expect(
      await store.one(
        "SELECT count(*) AS n FROM flows WHERE src_ip = '2001:db8::1' AND src_num <> 0",
      ),
    ).toEqual({ n: n / 1000 - 1 }); // i = 150000 is the broken one
    expect(await store.all('SELECT line, reason FROM rejects')).toEqual([
      { line: 150_001, reason: 'src_ip: 2001:db8::zz is not an IP address' },
    ]);
    store.close();
  });

  it('refuses dotted quads that are not in canonical form, and continues ids in a second import', async () => {
    const odd = [
      '010.1.1.1',
      '1.2.3.4.5',
      '1e2.1.1.1',
      '+1.2.3.4',
      '1.2.3',
      '256.1.1.1',
      ' 1.2.3.4',
    ];
    const rows = odd.map((ip, i) =>
      GOOD.replace('192.168.100.96', ip).replace('50000', String(50010 + i)),
    );
    const file = write('odd.csv', [GOOD, ...rows]);
    const store = await freshCase('odd.duckdb');
    await importFiles(store, [write('first.csv', [GOOD.replace('50000', '40000')])]).result;
    const sum = await importFiles(store, [file]).result;
    expect([sum.flows, sum.rejects]).toEqual([1, odd.length]);
    const rejects = await store.all<{ line: number; reason: string }>(
      'SELECT line, reason FROM rejects ORDER BY line',
    );
    expect(rejects.map((r) => r.line)).toEqual(odd.map((_, i) => i + 2));
    rejects.forEach((r, i) => expect(r.reason).toBe(`src_ip: ${odd[i]} is not an IP address`));
    expect(await store.all('SELECT id, import_id FROM flows ORDER BY id')).toEqual([
      { id: 1, import_id: 1 },
      { id: 2, import_id: 2 },
    ]);
    store.close();
  });

  it('reads zone-less timestamps in the zone the analyst names', async () => {
    const file = write('tz.csv', [GOOD]);
    const store = await freshCase('tz.duckdb');
    const r = (await importFiles(store, [file], { tz: 'America/New_York' }).result).files[0]
      .record!;
    expect(r.first_ts).toBe('2017-01-27T21:24:42.000Z');
    expect(r.tz).toBe('America/New_York');
    await expect(
      importFiles(store, [file], { tz: 'Mars/Olympus', allowDuplicate: true }).result,
    ).rejects.toThrow(/--tz Mars\/Olympus: not a time zone/);
    store.close();
  });

  it('refuses the same file twice (sha256) unless allowed, and ids stay dense', async () => {
    const file = write('twice.csv', [GOOD, GOOD]);
    const copy = tmp.file('twice-copy.csv');
    fs.copyFileSync(file, copy);
    const store = await freshCase('twice.duckdb');
    await importFiles(store, [file]).result;
    await expect(importFiles(store, [copy]).result).rejects.toThrow(
      /already in this case \(import 1 of .*twice\.csv.*same sha256/,
    );
    expect(await caseState(store)).toEqual({ flows: 2, imports: 1, rejects: 0 });
    await importFiles(store, [copy], { allowDuplicate: true }).result;
    expect(
      (await store.all<{ id: number }>('SELECT id FROM flows ORDER BY id')).map((x) => x.id),
    ).toEqual([1, 2, 3, 4]);
    store.close();
  });
});

describe('importFiles: input that is not a flow file', () => {
  const cases: [string, Buffer | string, RegExp][] = [
    ['empty.csv', '', /empty\.csv: empty file/],
    ['blank.csv', '\n\n\r\n', /blank\.csv: empty file \(only blank lines\)/],
    ['header.csv', 'ts,src_ip,dst_ip,dst_port\n', /header\.csv: header only, no data lines/],
    [
      'junk.bin',
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      /junk\.bin: binary data, not a flow file/,
    ],
    [
      'page.html',
      '<!DOCTYPE html>\n<html><body>404</body></html>\n',
      /page\.html: looks like HTML, not a flow file/,
    ],
  ];
  for (const [name, content, re] of cases) {
    it(`${name}: a clear message, case unchanged`, async () => {
      const file = tmp.file(name);
      fs.writeFileSync(file, content);
      const store = await freshCase(`${name}.duckdb`);
      await expect(importFiles(store, [file]).result).rejects.toThrow(re);
      expect(await caseState(store)).toEqual({ flows: 0, imports: 0, rejects: 0 });
      store.close();
    });
  }

  it('mixed CRLF/LF line endings and binary data forced as seed get a clear message', async () => {
    const mixed = tmp.file('mixed.csv');
    fs.writeFileSync(mixed, `${GOOD}\r\n${GOOD}\n${GOOD}\n`);
    const junk = tmp.file('junk-forced.bin');
    fs.writeFileSync(junk, Buffer.from(Array.from({ length: 9000 }, (_, i) => (i * 7919) % 256)));
    const store = await freshCase('mixed.duckdb');
    await expect(importFiles(store, [mixed]).result).rejects.toThrow(
      /mixed\.csv: mixed line endings.*dos2unix/,
    );
    await expect(importFiles(store, [junk], { format: 'seed' }).result).rejects.toThrow(
      /junk-forced\.bin: binary data, not a flow file/,
    );
    expect(await caseState(store)).toEqual({ flows: 0, imports: 0, rejects: 0 });
    store.close();
  });

  it('a missing file names the file; keepGoing imports the others', async () => {
    const good = write('kg.csv', [GOOD]);
    const store = await freshCase('kg.duckdb');
    const sum = await importFiles(store, [tmp.file('nope.csv'), good], { keepGoing: true }).result;
    expect(sum.failed).toBe(1);
    expect(sum.files[0].error).toMatch(/nope\.csv: file not found/);
    expect(sum.flows).toBe(1);
    store.close();
  });

  it('refuses to write into a case opened read-only', async () => {
    const file = write('ro.csv', [GOOD]);
    const caseFile = tmp.file('ro.duckdb');
    (await CaseStore.open(caseFile)).close();
    const ro = await CaseStore.open(caseFile, { readOnly: true });
    await expect(importFiles(ro, [file]).result).rejects.toThrow(/read-only/);
    ro.close();
  });
});

describe('importFiles: cancel and failure leave the case as before', () => {
  // big enough that the read is still running when the test acts on the first progress event
  const big = tmp.file('big.csv');
  const lines = 400_000;

  it('cancel interrupts DuckDB and rolls back', async () => {
    await writeSeedLines(big, lines);
    const store = await freshCase('cancel.duckdb');
    const before = await importFiles(store, [write('first.csv', [GOOD])]).result;
    expect(before.flows).toBe(1);
    const job = importFiles(store, [big]);
    job.onProgress(() => job.cancel());
    await expect(job.result).rejects.toThrow(/cancelled/);
    expect(job.status).toBe('cancelled');
    expect(await caseState(store)).toEqual({ flows: 1, imports: 1, rejects: 0 });
    // and the case still takes an import afterwards
    const after = await importFiles(store, [write('second.csv', [GOOD, GOOD])]).result;
    expect(after.flows).toBe(2);
    expect(await caseState(store)).toEqual({ flows: 3, imports: 2, rejects: 0 });
    store.close();
  });

  it('a file that disappears mid-import imports nothing', async () => {
    const victim = tmp.file('vanishing.csv');
    fs.copyFileSync(big, victim);
    const store = await freshCase('vanish.duckdb');
    const job = importFiles(store, [victim]);
    job.onProgress(() => fs.rmSync(victim, { force: true }));
    await expect(job.result).rejects.toThrow(
      /vanishing\.csv: the file disappeared during the import; nothing was imported/,
    );
    expect(await caseState(store)).toEqual({ flows: 0, imports: 0, rejects: 0 });
    store.close();
  });
});
