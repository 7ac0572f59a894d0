// Issue 15 item 6: one bad line is one reject with its line and field, never the whole file.
// A quoted value with a line break in a header CSV, a byte count past 2^63 - 1, and a timestamp past
// what JavaScript dates (and any plausible capture) hold each used to fail the whole import.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths, rejectsOf } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';

const tmp = makeTmpDir('netsift-badlines-');
afterAll(() => tmp.cleanup());

const SEED = (ts: string, src = '1', dst = '2') =>
  `${ts},tcp,established,10.0.0.1,40000,10.0.0.2,80,${src},${dst}`;

async function importOne(name: string, text: string, opts = {}) {
  const file = tmp.file(name);
  fs.writeFileSync(file, text);
  const store = await CaseStore.open(tmp.file(`${name}.duckdb`));
  try {
    const sum = await importPaths(store, [file], opts);
    const rec = sum.files[0].record!;
    expect(rec.rows_read + rec.rows_rejected).toBe(rec.data_lines);
    const labels = await store.all<{ label: string | null }>('SELECT label FROM flows ORDER BY id');
    return { rec, rejects: await rejectsOf(store), labels: labels.map((l) => l.label) };
  } finally {
    store.close();
  }
}

describe('one bad line is one reject', () => {
  it('header CSV: a quoted value spanning lines is rejected with its lines; the rest imports', async () => {
    const text = [
      'ts,src,dst,sport,dport,proto,bytes,label',
      '2024-01-01 00:00:00,10.0.0.1,10.0.0.2,1,80,tcp,100,first',
      '2024-01-01 00:00:01,10.0.0.1,10.0.0.2,1,80,tcp,100,"multi',
      'line"',
      '2024-01-01 00:00:02,10.0.0.1,10.0.0.2,1,80,tcp,100,"a, quoted ""comma"""',
      '2024-01-01 00:00:03,10.0.0.1,999.0.0.2,1,80,tcp,100,bad address',
      '2024-01-01 00:00:04,10.0.0.1,10.0.0.2,1,80,tcp,100,last',
      '',
    ].join('\n');
    const { rec, rejects, labels } = await importOne('nl.csv', text);
    expect(rec.data_lines).toBe(6);
    expect(labels).toEqual(['first', 'a, quoted "comma"', 'last']);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'label: a quoted value spans lines 3-4 (a line break inside quotes)'],
      [4, 'continues the quoted value of line 3'],
      [6, expect.stringMatching(/^dst: 999\.0\.0\.2 is not an IP address|^dst_ip: 999\.0\.0\.2/)],
    ]);
    expect(rejects[0].raw).toContain('multi\nline');
  });

  it('header CSV: blank lines inside quotes, a bad record over two lines and a quote open to the end', async () => {
    const row = (ts: string, label: string, extra = '') =>
      `2024-01-01 00:00:0${ts},10.0.0.1,10.0.0.2,1,80,tcp,100,${label}${extra}`;
    const text = [
      '',
      'ts,src,dst,sport,dport,proto,bytes,label',
      row('0', '"two', ''), // 3
      '', // 4 blank inside quotes: not data
      'blank"', // 5
      row('1', 'ok1'), // 6
      row('2', 'x', ',"extra'), // 7: too many fields, over lines 7-8
      'field"', // 8
      '', // 9 blank
      row('3', 'ok2'), // 10
      row('4', '"open to the end'), // 11
      'and more', // 12
    ].join('\n');
    for (const gz of [false, true]) {
      const name = gz ? 'nl2.csv.gz' : 'nl2.csv';
      const { rec, rejects, labels } = await importOne(
        name,
        (gz ? zlib.gzipSync(text) : text) as unknown as string,
      );
      expect(labels).toEqual(['ok1', 'ok2']);
      expect(rec.data_lines).toBe(8);
      expect(rejects.map((r) => [r.line, r.reason])).toEqual([
        [3, 'label: a quoted value spans lines 3-5 (a line break inside quotes)'],
        [5, 'continues the quoted value of line 3'],
        [7, 'more than 8 fields'],
        [8, 'continues the quoted value of line 7'],
        [11, 'label: a quote is never closed, or stray quotes in a value'],
        [12, 'continues the quoted value of line 11'],
      ]);
    }
  });

  it('seed: a byte count between 2^63 and 2^64 - 1 is a reject naming line and field', async () => {
    const text = [
      SEED('2024-01-01 00:00:00'),
      SEED('2024-01-01 00:00:01', '9223372036854775808'),
      SEED('2024-01-01 00:00:02', '1', '18446744073709551615'),
      SEED('2024-01-01 00:00:03', '9223372036854775807'),
      '',
    ].join('\n');
    const { rec, rejects } = await importOne('big.csv', text);
    expect(rec.rows_read).toBe(2);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'src_tx: 9223372036854775808 is too large for a byte count (max 9223372036854775807)'],
      [3, 'dst_tx: 18446744073709551615 is too large for a byte count (max 9223372036854775807)'],
    ]);
  });

  it('seed and header CSV: a timestamp past JavaScript dates is a reject; the rest imports', async () => {
    const seed = await importOne(
      'far.seed',
      [
        SEED('2024-01-01 00:00:00'),
        SEED('294247-01-10 04:00:54'),
        SEED('2024-01-01 00:00:02'),
        '',
      ].join('\n'),
    );
    expect(seed.rec.rows_read).toBe(2);
    expect(seed.rejects).toHaveLength(1);
    expect(seed.rejects[0].line).toBe(2);
    expect(seed.rejects[0].reason).toMatch(
      /^ts: 294247-01-10 04:00:54 is outside the plausible time window/,
    );
    const csv = await importOne(
      'far.csv',
      [
        'ts,src,dst,sport,dport,proto,bytes',
        '2024-01-01 00:00:00,10.0.0.1,10.0.0.2,1,80,tcp,100',
        '294247-01-10 04:00:54,10.0.0.1,10.0.0.2,1,80,tcp,1',
        '',
      ].join('\n'),
    );
    expect(csv.rec.rows_read).toBe(1);
    expect(csv.rejects.map((r) => r.line)).toEqual([3]);
    expect(csv.rejects[0].reason).toMatch(
      /^ts: 294247-01-10 04:00:54 is outside the plausible time window/,
    );
  });
});

describe('implausible timestamps', () => {
  const text = [
    SEED('2024-01-01 00:00:00'),
    SEED('0001-01-01 00:00:00'),
    SEED('9999-12-31 23:59:59'),
    SEED('1970-01-01 00:00:00'),
    '',
  ].join('\n');

  it('rejects years 0001, 9999 and the epoch by default, each with its line', async () => {
    const { rec, rejects } = await importOne('implausible.csv', text);
    expect(rec.rows_read).toBe(1);
    expect(rejects.map((r) => r.line)).toEqual([2, 3, 4]);
    for (const r of rejects)
      expect(r.reason).toMatch(
        /^ts: .* is outside the plausible time window 1990-01-01\.\.2100-12-31 \(widen it with --time-window\)$/,
      );
  });

  it('imports them when the analyst widens the window', async () => {
    const { rec, rejects } = await importOne('widened.csv', text, {
      timeWindow: { from: '0001-01-01', to: '9999-12-31' },
    });
    expect(rejects).toEqual([]);
    expect(rec.rows_read).toBe(4);
  });
});
