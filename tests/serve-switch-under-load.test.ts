// Issue 15 item 5: switching case under load. A real `netsift serve` (the built CLI) on a case of
// a few hundred thousand generated flows, clients paging, filtering, counting and charting it
// over loopback, and meanwhile openCase on another case and back, several times. Before the fix
// the server closed DuckDB connections under running queries: it aborted
// (pthread_mutex_lock assertion) or deadlocked, and then ignored SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';
import { makeTmpDir } from './helpers/tmp';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILTERS = [
  'dst port 443',
  'proto udp',
  'src net 192.168.100.0/24',
  'not dst port 53',
  'state reset',
  '',
];

interface Answer {
  status: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

interface Serve {
  child: ChildProcess;
  port: number;
  token: string;
  log: () => string;
}

function startServe(caseFile: string, home: string): Promise<Serve> {
  const child = spawn(
    process.execPath,
    // the other case of the switch sits beside it: granted, as the path rule requires
    [
      path.join(ROOT, 'out/cli/netsift.mjs'),
      'serve',
      '--case',
      caseFile,
      '--grant',
      path.dirname(caseFile),
      '--port',
      '0',
    ],
    {
      env: { ...process.env, NETSIFT_HOME: home, NETSIFT_OFFLINE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  return new Promise((resolve, reject) => {
    const on = (d: Buffer) => {
      log += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(log);
      if (m) resolve({ child, port: Number(m[1]), token: m[2], log: () => log });
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', on);
    child.on('exit', (code, signal) => {
      log += `\n[serve exited: ${signal ?? `code ${code}`}]`;
      reject(new Error(`serve exited ${code ?? signal}: ${log}`));
    });
  });
}

/** One RPC; `limitMs` bounds the wait (a hung server fails the test instead of stalling it). */
function rpc(s: Serve, method: string, args: unknown[], limitMs = 60_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ method, args });
    const req = http.request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: '/api/rpc',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-netsift-token': s.token },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          clearTimeout(timer);
          try {
            resolve({
              status: res.statusCode ?? 0,
              ...(JSON.parse(text) as Omit<Answer, 'status'>),
            });
          } catch {
            reject(new Error(`${method}: not JSON (${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(
        new Error(`${method} got no answer within ${limitMs / 1000} s (server hung?)\n${s.log()}`),
      );
    }, limitMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      // a crash closes the socket a moment before the exit is reported
      setTimeout(() => reject(new Error(`${method}: ${e.message}\n${s.log()}`)), 500);
    });
    req.end(body);
  });
}

const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

/** What a busy analyst's workspace asks for, varied so no cache answers it. */
function randomCall(span: { from: number; to: number }): [string, unknown[]] {
  const filter = pick(FILTERS) || undefined;
  const from = span.from + Math.random() * (span.to - span.from) * 0.7;
  const range =
    Math.random() < 0.5
      ? { from: new Date(from).toISOString(), to: new Date(span.to).toISOString() }
      : undefined;
  const q = { filter, range };
  switch (Math.floor(Math.random() * 6)) {
    case 0:
      return [
        'flows',
        [
          {
            ...q,
            offset: Math.floor(Math.random() * 500) * 200,
            limit: 200,
            sort: Math.random() < 0.5 ? [{ column: 'bytes', dir: 'desc' }] : undefined,
          },
        ],
      ];
    case 1:
      return ['countFlows', [q]];
    case 2:
      return ['timeline', [{ filter, maxBuckets: 500 + Math.floor(Math.random() * 1500) }]];
    case 3:
      return ['topTalkers', [{ ...q, by: 'bytes', limit: 5 + Math.floor(Math.random() * 50) }]];
    case 4:
      return ['dstPorts', [{ ...q, by: 'flows', limit: 5 + Math.floor(Math.random() * 50) }]];
    default:
      return [
        'pairScatter',
        [
          {
            ...q,
            feature: pick(['num_conns', 'num_dst_ports', 'bytes_up']),
            windowSeconds: 10,
            limit: 500,
          },
        ],
      ];
  }
}

describe('netsift serve: switching case under load', () => {
  const tmp = makeTmpDir();
  const caseA = tmp.file('a.duckdb');
  const caseB = tmp.file('b.duckdb');
  let serve: Serve;

  beforeAll(async () => {
    const csv = tmp.file('cap.csv');
    expect(
      (await runCli(['generate', '--out', csv, '--flows', '400000', '--minutes', '30'])).code,
    ).toBe(0);
    expect((await runCli(['analyze', csv, '--case', caseA])).code).toBe(0);
    fs.copyFileSync(caseA, caseB);
    serve = await startServe(caseA, tmp.file('home'));
  }, 180_000);

  afterAll(() => {
    if (serve?.child.exitCode === null && serve.child.signalCode === null)
      serve.child.kill('SIGKILL');
    tmp.cleanup();
  });

  it('stays up, answers, and then stops on SIGTERM', async () => {
    const info = (await rpc(serve, 'caseInfo', [])).result as {
      flows: number;
      firstTs: string;
      lastTs: string;
    };
    expect(info.flows).toBeGreaterThan(300_000);
    const span = { from: Date.parse(info.firstTs), to: Date.parse(info.lastTs) };
    let stop = false;
    let answered = 0;
    const refused: string[] = [];
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const [method, args] = randomCall(span);
        const a = await rpc(serve, method, args);
        if (a.ok) answered++;
        else refused.push(`${a.error?.code}: ${a.error?.message}`);
      }
    });
    const switched: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the clients have queries running
      for (let round = 0; round < 6; round++) {
        for (const file of [caseB, caseA]) {
          const a = await rpc(serve, 'openCase', [file]);
          expect(a.error).toBeUndefined();
          switched.push((a.result as { path: string }).path);
          await new Promise((r) => setTimeout(r, 150 + Math.random() * 300));
        }
      }
    } finally {
      stop = true;
      await Promise.allSettled(clients);
    }
    expect(switched).toEqual(Array.from({ length: 6 }, () => [caseB, caseA]).flat());
    expect(answered).toBeGreaterThan(20);
    // calls caught by a switch are refused plainly (the case they asked about was closed),
    // never an internal error
    for (const r of refused)
      expect(r).toMatch(/^(usage|cancelled): .*(case was closed|no case is open|switched)/);
    expect(serve.child.exitCode).toBeNull();
    expect(serve.child.signalCode).toBeNull();
    const after = await rpc(serve, 'countFlows', [{ filter: 'dst port 443' }]);
    expect(after.ok).toBe(true);
    expect((await rpc(serve, 'caseInfo', [])).result).toMatchObject({
      path: caseA,
      flows: info.flows,
    });

    // shutdown: SIGTERM ends the process (cleanly) even right after the load
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      serve.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const busy = Array.from({ length: 6 }, () => rpc(serve, ...randomCall(span)).catch(() => null));
    serve.child.kill('SIGTERM');
    const bound = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000));
    const end = await Promise.race([exited, bound]);
    await Promise.allSettled(busy);
    expect(end, `SIGTERM did not stop the server:\n${serve.log()}`).toEqual({
      code: 0,
      signal: null,
    });
  }, 240_000);
});
