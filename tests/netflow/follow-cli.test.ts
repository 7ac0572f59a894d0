// `netsift follow --listen` as the analyst runs it: the real CLI bundle in a child process,
// datagrams on loopback, Ctrl-C (SIGINT) writing the last batch and printing the summary; the
// loopback-only default and its explicit override (checked inside a network namespace of the
// test's own, so nothing is exposed), and usage errors.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IE } from '../../src/engine/import/netflow/elements';
import {
  bytes,
  ipfixPacket,
  set,
  templateRecord,
} from '../../src/engine/import/netflow/test-packets';
import { CaseStore } from '../../src/engine/store/case-store';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { drained, softflowd, until, which } from './flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const CLI = path.resolve(import.meta.dirname, '../../out/cli/netsift.mjs');
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/netflow/loopback-traffic.pcap');

interface Running {
  child: ChildProcess;
  port: number;
  out(): string;
  err(): string;
  exit: Promise<number>;
}

async function follow(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'follow', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  await until(
    'the listener to start',
    () => /listening on udp:127\.0\.0\.1:\d+/.test(err) || child.exitCode !== null,
  );
  const m = /listening on udp:127\.0\.0\.1:(\d+)/.exec(err);
  if (!m) throw new Error(`follow did not start: ${err}`);
  return { child, port: Number(m[1]), out: () => out, err: () => err, exit };
}

async function send(port: number, ...datagrams: Buffer[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  for (const d of datagrams)
    await new Promise<void>((r, j) => s.send(d, port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

const sampled = ipfixPacket({
  sets: [
    set(
      3,
      templateRecord(
        300,
        [
          [149, 4],
          [IE.samplingInterval, 4],
          [IE.samplingAlgorithm, 1],
        ],
        1,
      ),
    ),
    set(300, bytes().u32(0).u32(10).u8(1).build()),
    set(
      2,
      templateRecord(256, [
        [8, 4],
        [12, 4],
        [4, 1],
        [1, 4],
        [2, 4],
        [150, 4],
      ]),
    ),
    set(
      256,
      Buffer.concat(
        [1, 2].map((i) =>
          bytes()
            .ip4(`10.0.0.${i}`)
            .ip4('10.0.0.9')
            .u8(17)
            .u32(100 * i)
            .u32(i)
            .u32(1_700_000_000)
            .build(),
        ),
      ),
    ),
  ],
});

describe('netsift follow --listen', () => {
  it('receives until Ctrl-C, writes the last batch and prints where every record went', async () => {
    const caseFile = tmp.file('cli.duckdb');
    const f = await follow([
      '--case',
      caseFile,
      '--listen',
      'udp:127.0.0.1:0',
      '--batch-seconds',
      '3600',
    ]);
    await send(f.port, sampled, sampled.subarray(0, 9));
    await drained(f.port);
    f.child.kill('SIGINT');
    expect(await f.exit).toBe(0);
    expect(f.err()).toMatch(
      /IPFIX domain 0: sampling deterministic 1 in 10, counts x10 \(options record \(template 300\)\)/,
    );
    expect(f.err()).toMatch(/stopping \(Ctrl-C\): writing the last batch/);
    const out = f.out();
    expect(out).toMatch(
      new RegExp(
        `^udp:127\\.0\\.0\\.1:${f.port} -> import 1: netflow, 2 flows, 1 rejected, 2023-11-14 22:13:20 to 2023-11-14 22:13:20 UTC, 1 batch,`,
        'm',
      ),
    );
    expect(out).toMatch(/^ {2}flows \+ rejected = records received: 2 \+ 1 = 3$/m);
    expect(out).toMatch(
      /^ {2}datagrams: 2 received \(\d+ bytes\); 1 malformed, 0 dropped by the kernel$/m,
    );
    expect(out).toMatch(
      /^ {2}exporter 127\.0\.0\.1:\d+ IPFIX domain 0: 1 datagram, 2 flows, 0 rejected, 1 options record, 2 templates$/m,
    );
    expect(out).toMatch(
      /^ {4}sampling: deterministic 1 in 10, counts x10 \(options record \(template 300\)\)$/m,
    );
    expect(out).toMatch(
      /^ {2}datagram 2: from 127\.0\.0\.1:\d+: truncated IPFIX header \(9 of 16 bytes\)$/m,
    );
    const store = await CaseStore.open(caseFile, { readOnly: true });
    try {
      expect(await store.all('SELECT src_ip, src_bytes, src_pkts FROM flows ORDER BY id')).toEqual([
        { src_ip: '10.0.0.1', src_bytes: 1000, src_pkts: 10 },
        { src_ip: '10.0.0.2', src_bytes: 2000, src_pkts: 20 },
      ]);
    } finally {
      store.close();
    }
  });

  it.skipIf(!which('softflowd'))(
    `takes softflowd's IPFIX export of the recorded capture batch by batch${which('softflowd') ? '' : ' (SKIPPED: softflowd not installed)'}`,
    async () => {
      const f = await follow([
        '--case',
        tmp.file('softflowd.duckdb'),
        '--listen',
        'udp:127.0.0.1:0',
        '--batch-seconds',
        '0.2',
      ]);
      await softflowd(FIXTURE, f.port, 10);
      await until('a batch with the 18 flows', () =>
        /import 1: 18 flows, 0 rejected so far/.test(f.err()),
      );
      f.child.kill('SIGINT');
      expect(await f.exit).toBe(0);
      expect(f.out()).toMatch(
        /-> import 1: netflow, 18 flows, 0 rejected, 2026-12-06 00:52:16\.\d+ to 2026-12-06 00:52:17\.\d+ UTC/,
      );
      expect(f.out()).toMatch(
        /sampling: unsampled \(systematic count-based 1 of every 1 packets; options record \(template 256\)\)/,
      );
    },
  );

  it('stops after --duration and says when nothing arrived', async () => {
    const r = await runCli([
      'follow',
      '--case',
      tmp.file('empty.duckdb'),
      '--listen',
      'udp:127.0.0.1:0',
      '--duration',
      '0.3',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^udp:127\.0\.0\.1:\d+: no NetFlow\/IPFIX datagrams received in \d+\.\d s; nothing was written to the case$/m,
    );
  });

  it('refuses a non-loopback address without --allow-remote, other transports, and a folder with --listen (exit 2)', async () => {
    const remote = await runCli([
      'follow',
      '--case',
      tmp.file('x.duckdb'),
      '--listen',
      'udp:0.0.0.0:2055',
    ]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(
      /udp:0\.0\.0\.0:2055 is not a loopback address: exporters on other machines .* Add --allow-remote to bind it anyway/,
    );
    const tcp = await runCli([
      'follow',
      '--case',
      tmp.file('x.duckdb'),
      '--listen',
      'tcp:127.0.0.1:2055',
    ]);
    expect([tcp.code, tcp.stderr]).toEqual([
      2,
      expect.stringMatching(/tcp is not supported: netsift receives NetFlow and IPFIX over UDP/),
    ]);
    const both = await runCli([
      'follow',
      '--case',
      tmp.file('x.duckdb'),
      tmp.dir,
      '--listen',
      'udp:127.0.0.1:0',
    ]);
    expect([both.code, both.stderr]).toEqual([
      2,
      expect.stringMatching(/give a folder or file to follow, or --listen, not both/),
    ]);
    const none = await runCli(['follow', '--case', tmp.file('x.duckdb')]);
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringMatching(
        /give a folder or a file to follow, or --listen udp:HOST:PORT for NetFlow\/IPFIX/,
      ),
    ]);
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    try {
      const r = await runCli([
        'follow',
        '--case',
        tmp.file('busy.duckdb'),
        '--listen',
        `udp:127.0.0.1:${s.address().port}`,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /cannot listen \(the port is in use, by nfcapd or another listener\?\)/,
      );
    } finally {
      s.close();
    }
  });

  const root = process.getuid?.() === 0 && !!which('ip');
  it.skipIf(!root)(
    `binds 0.0.0.0 with --allow-remote and warns (inside a network namespace of its own${root ? '' : '; SKIPPED: needs root and ip'})`,
    () => {
      const ns = `netsift-follow-${process.pid}`;
      spawnSync('ip', ['netns', 'add', ns]);
      try {
        spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
        const r = spawnSync(
          'ip',
          [
            'netns',
            'exec',
            ns,
            process.execPath,
            CLI,
            'follow',
            '--case',
            tmp.file('remote.duckdb'),
            '--listen',
            'udp:0.0.0.0:0',
            '--allow-remote',
            '--exporter',
            '10.1.2.3',
            '--duration',
            '0.3',
          ],
          { encoding: 'utf8' },
        );
        expect(r.status).toBe(0);
        expect(r.stderr).toMatch(
          /WARNING: listening on udp:0\.0\.0\.0:0, not loopback: any host that can send UDP to this port can add flows to .* \(only datagrams from 10\.1\.2\.3 are accepted\)/,
        );
        expect(r.stderr).toMatch(/listening on udp:0\.0\.0\.0:\d+/);
      } finally {
        spawnSync('ip', ['netns', 'del', ns]);
      }
    },
  );
});
