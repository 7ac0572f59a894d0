// Real flow tools on loopback for the listener tests: softflowd replaying a pcap as NetFlow v5/v9
// or IPFIX, nfcapd collecting the same export into files. Each wait is for a condition (a process
// exit, a socket's receive queue drained), never for a fixed time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { udpCounters } from '../../src/engine/follow/udp-counters';

export function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A UDP port free on 127.0.0.1 right now (for a tool that cannot bind port 0 and report it). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function until(what: string, test: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the kernel holds no datagram for the socket on `port` (its reader took them all). */
export function drained(port: number): Promise<void> {
  return until(`the receive queue of udp port ${port} to drain`, () => {
    const c = udpCounters(port, 4);
    return c !== null && c.rxQueue === 0;
  });
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  });
}

/**
 * softflowd reading `pcap` and exporting every flow to 127.0.0.1:port at EOF. `-c none`: with a
 * control socket, softflowd 1.1.0 reading a file blocks on accept() after its first poll.
 */
export async function softflowd(
  pcap: string,
  port: number,
  version: 5 | 9 | 10,
  extra: string[] = [],
): Promise<string> {
  const child = spawn(
    'softflowd',
    [
      '-r',
      pcap,
      '-n',
      `127.0.0.1:${port}`,
      '-v',
      String(version),
      '-A',
      'milli',
      '-6',
      '-c',
      'none',
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const code = await exited(child);
  if (code !== 0) throw new Error(`softflowd exited ${code}: ${out}`);
  return out;
}

/**
 * nfcapd collecting on 127.0.0.1:port into dir, rotating its file every `interval` seconds
 * (nfcapd.current.<pid> renamed to nfcapd.YYYYMMDDhhmm[ss]); stop() flushes and returns the
 * files it wrote.
 */
export async function nfcapd(
  dir: string,
  interval = 3600,
): Promise<{ port: number; stop(): Promise<string[]> }> {
  const port = await freeUdpPort();
  const child = spawn(
    'nfcapd',
    ['-p', String(port), '-b', '127.0.0.1', '-w', dir, '-t', String(interval), '-B', '4194304'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await until(
    `nfcapd to listen on udp port ${port} (${out})`,
    () => udpCounters(port, 4) !== null || child.exitCode !== null,
  );
  if (child.exitCode !== null) throw new Error(`nfcapd exited ${child.exitCode}: ${out}`);
  return {
    port,
    async stop() {
      await drained(port);
      child.kill('SIGTERM');
      await exited(child);
      return fs
        .readdirSync(dir)
        .filter((f) => /^nfcapd\.\d{12}(\d\d)?$/.test(f))
        .map((f) => path.join(dir, f));
    },
  };
}
