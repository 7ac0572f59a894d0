// `netsift follow --case C DIR|FILE` as the analyst runs it: the CLI bundle in a child process,
// files dropped into the folder and lines appended to the file while it runs, a batch line each,
// detection every batch, Ctrl-C writing what is complete and printing the summary; the limit stop
// and usage errors.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { until } from '../netflow/flow-tools';
import { seedLines } from './seed-lines';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const CLI = path.resolve(import.meta.dirname, '../../out/cli/netsift.mjs');
const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

function follow(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'follow', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  return { child, out: () => out, err: () => err, exit };
}

describe('netsift follow DIR|FILE', () => {
  it(
    'follows a folder with detection every batch until Ctrl-C, and prints the summary',
    { timeout: 120_000 },
    async () => {
      const dir = tmp.file('in');
      fs.mkdirSync(dir);
      const caseFile = tmp.file('folder.duckdb');
      const f = follow([
        '--case',
        caseFile,
        dir,
        '--poll',
        '0.1',
        '--settle',
        '0.2',
        '--detect-every',
        '1b',
        '--no-geo',
      ]);
      await until(
        'the follower to start',
        () =>
          /following folder .* into .*; Ctrl-C to stop/.test(f.err()) || f.child.exitCode !== null,
      );
      fs.writeFileSync(path.join(dir, 'a.csv'), seedLines(T0, 400, { scan: true }));
      await until('batch 1', () =>
        /batch 1: a\.csv: \+400 flows, 0 rejected \(import 1\), data 2024-03-01 10:00:00 to 2024-03-01 10:00:39 UTC/.test(
          f.err(),
        ),
      );
      await until('a detection run', () => /detection run 1: \d+ alerts, 1 incident/.test(f.err()));
      // another process cannot open the case meanwhile, and is told who holds it
      const other = await runCli(['import', path.join(dir, 'a.csv'), '--case', caseFile]);
      expect([other.code, other.stderr]).toEqual([
        1,
        expect.stringMatching(
          /the case is being followed by netsift follow \(pid \d+, folder .*\/in since 20\d\d-.*\); stop it there \(Ctrl-C\) first, or follow from the workspace/,
        ),
      ]);
      fs.writeFileSync(path.join(dir, 'b.csv'), seedLines(T0 + 100, 100) + 'not,a,flow\n');
      await until('batch 2', () =>
        /batch 2: b\.csv: \+100 flows, 1 rejected \(import 2\)/.test(f.err()),
      );
      f.child.kill('SIGINT');
      expect(await f.exit).toBe(0);
      expect(f.err()).toMatch(/stopping \(Ctrl-C\): writing the last batch/);
      const out = f.out();
      expect(out).toMatch(
        /^folder .*\/in -> 2 imports: 500 flows, 1 rejected, 2024-03-01 10:00:00 to 2024-03-01 10:01:49 UTC, 2 batches, [\d.]+ s$/m,
      );
      expect(out).toMatch(
        /^ {2}import 2: .*\/b\.csv \(seed\): flows \+ rejected = data lines: 100 \+ 1 = 101$/m,
      );
      expect(out).toMatch(/^ {2}files: 2 imported$/m);
      expect(out).toMatch(/^ {2}lag at stop: caught up; newest flow 2024-03-01 10:01:49 UTC$/m);
      expect(out).toMatch(/^ {2}detection: \d+ runs?; the last found \d+ alerts, 1 incident$/m);
      expect(fs.existsSync(`${caseFile}.follow/follower.json`)).toBe(false);
    },
  );

  it(
    'follows a growing file; an unfinished last line waits and is named in the summary',
    { timeout: 120_000 },
    async () => {
      const file = tmp.file('grow.csv');
      fs.writeFileSync(file, seedLines(T0, 50));
      const caseFile = tmp.file('file.duckdb');
      const f = follow([
        '--case',
        caseFile,
        file,
        '--poll',
        '0.1',
        '--batch-seconds',
        '0.2',
        '--no-geo',
        '--json',
      ]);
      await until('the first batch', () => /batch 1: .*grow\.csv: \+50 flows/.test(f.err()));
      const more = seedLines(T0 + 5, 30);
      fs.appendFileSync(file, more.slice(0, more.length - 10));
      await until('the complete lines', () => /\+29 flows/.test(f.err()));
      f.child.kill('SIGINT');
      expect(await f.exit).toBe(0);
      const j = JSON.parse(f.out());
      expect(j.status).toMatchObject({
        state: 'stopped',
        flows: 79,
        file: { partialBytes: more.split('\n').at(-2)!.length + 1 - 10, lines: 79 },
      });
      expect(j.imports).toEqual([
        expect.objectContaining({ id: 1, format: 'seed', rows_read: 79, data_lines: 79 }),
      ]);
      // following again takes up the same import at line 80
      fs.appendFileSync(file, more.slice(more.length - 10));
      const r = await runCli([
        'follow',
        '--case',
        caseFile,
        file,
        '--duration',
        '1.5',
        '--poll',
        '0.1',
        '--batch-seconds',
        '0.2',
        '--no-geo',
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/resuming import 1 at line 80/);
      expect(r.stdout).toMatch(/-> 1 import: 1 flows, 0 rejected/);
      expect(r.stdout).toMatch(
        /^ {2}import 1: .*grow\.csv \(seed\): flows \+ rejected = data lines: 80 \+ 0 = 80$/m,
      );
    },
  );

  it(
    'prints a line on stdout for each incident that appears at or above --notify',
    { timeout: 120_000 },
    async () => {
      const dir = tmp.file('notify');
      fs.mkdirSync(dir);
      const f = follow([
        '--case',
        tmp.file('notify.duckdb'),
        dir,
        '--poll',
        '0.1',
        '--settle',
        '0.2',
        '--notify',
        'medium',
        '--no-geo',
      ]);
      await until('the follower to start', () => /Ctrl-C to stop/.test(f.err()));
      // quiet office traffic first: detection runs (--notify turns it on), nothing to tell
      fs.writeFileSync(path.join(dir, 'a.csv'), seedLines(T0, 200));
      await until('detection of a.csv', () => /detection run 1: /.test(f.err()));
      expect(f.out()).toBe('');
      // a host probing closed ports of a server: one notice, however many runs follow
      fs.writeFileSync(path.join(dir, 'b.csv'), seedLines(T0 + 100, 400, { scan: true }));
      await until('the notice', () => /New \w+ incident/.test(f.out()));
      fs.writeFileSync(path.join(dir, 'c.csv'), seedLines(T0 + 200, 100));
      await until('detection of c.csv', () => /detection run 3: /.test(f.err()));
      f.child.kill('SIGINT');
      expect(await f.exit).toBe(0);
      const notices = f
        .out()
        .split('\n')
        .filter((l) => / incident: /.test(l));
      expect(notices).toEqual([
        expect.stringMatching(
          /^20\d\d-\S+Z New (medium|high|critical) incident: \S*scan by 192\.168\.100\.66: #\d+ \(score 0\.\d\d\): 192\.168\.100\.66 probed /,
        ),
      ]);
      const bad = await runCli([
        'follow',
        '--case',
        tmp.file('n2.duckdb'),
        dir,
        '--notify',
        'loud',
      ]);
      expect([bad.code, bad.stderr]).toEqual([
        2,
        expect.stringMatching(/--notify loud: expected one of low, medium, high, critical/),
      ]);
    },
  );

  it('stops at --max-flows with --on-limit stop and says so', { timeout: 60_000 }, async () => {
    const dir = tmp.file('limit');
    fs.mkdirSync(dir);
    for (let i = 0; i < 3; i++)
      fs.writeFileSync(path.join(dir, `f${i}.csv`), seedLines(T0 + i * 100, 100));
    const r = await runCli([
      'follow',
      '--case',
      tmp.file('limit.duckdb'),
      dir,
      '--max-flows',
      '250',
      '--on-limit',
      'stop',
      '--poll',
      '0.1',
      '--settle',
      '0.2',
      '--no-geo',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /netsift follow: stopped: .*f2\.csv: the case would hold 300 flows, over --max-flows 250; the file was not imported and following stopped/,
    );
    expect(r.stdout).toMatch(/-> 2 imports: 200 flows/);
    expect(r.stdout).toMatch(/^ {2}stopped at the limit: /m);
  });

  it('refuses what it cannot follow (exit 1 or 2)', async () => {
    const c = tmp.file('u.duckdb');
    const missing = await runCli(['follow', '--case', c, tmp.file('nope')]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      expect.stringMatching(/nope: not found; nothing to follow/),
    ]);
    const two = await runCli(['follow', '--case', c, tmp.dir, tmp.dir]);
    expect([two.code, two.stderr]).toEqual([
      2,
      expect.stringMatching(/follow one folder or file at a time/),
    ]);
    const every = await runCli(['follow', '--case', c, tmp.dir, '--detect-every', 'often']);
    expect([every.code, every.stderr]).toEqual([
      2,
      expect.stringMatching(
        /--detect-every often: expected a time \(60s, 5m\) or a number of batches \(10b\)/,
      ),
    ]);
    const retain = await runCli(['follow', '--case', c, tmp.dir, '--retain', 'a day']);
    expect([retain.code, retain.stderr]).toEqual([
      2,
      expect.stringMatching(/--retain a day: expected a duration such as 24h/),
    ]);
    const onLimit = await runCli(['follow', '--case', c, tmp.dir, '--on-limit', 'stop']);
    expect([onLimit.code, onLimit.stderr]).toEqual([
      2,
      expect.stringMatching(/--on-limit needs --retain DURATION or --max-flows N/),
    ]);
    const pcap = tmp.file('x.pcap');
    fs.writeFileSync(
      pcap,
      Buffer.from([
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
      ]),
    );
    const bin = await runCli(['follow', '--case', c, pcap, '--no-geo']);
    expect([bin.code, bin.stderr]).toEqual([
      1,
      expect.stringMatching(/binary data; only text formats can be followed while they grow/),
    ]);
  });
});
