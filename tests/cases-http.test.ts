// Issue 15 item 3 and the uploads, over HTTP against a real `netsift serve` (the built CLI): the
// page can name no path outside NETSIFT_HOME and the folders granted on the command line; no
// error quotes a file that is not a flow file; an upload goes into a new case by its id; an
// aborted upload keeps nothing; stale uploads and killed analyze runs' temporary cases are
// removed when the server starts.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState, RecentCase } from '../src/shared/api';
import { writeCapture } from '../src/engine/service/capture-fixture.test-helper';
import { makeTmpDir } from './helpers/tmp';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECRET = 'root:$6$Zx9SECRETHASH:19000:0:99999:7:::';

interface Answer {
  status: number;
  body: { ok: boolean; result?: unknown; error?: { message: string; code: string } };
  text: string;
}

describe('netsift serve: paths, uploads, start-up cleaning (HTTP)', () => {
  const tmp = makeTmpDir();
  const home = tmp.file('home');
  const outside = tmp.file('outside');
  const granted = tmp.file('granted');
  const tmpdir = tmp.file('tmpdir');
  let server: ChildProcess;
  let port = 0;
  let token = '';
  let stderr = '';

  const send = (
    method: string,
    url: string,
    body?: Buffer | string,
    headers: Record<string, string> = {},
  ) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: url,
          method,
          headers: { 'x-netsift-token': token, ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, body: JSON.parse(text || '{}') }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const rpc = (method: string, ...args: unknown[]) =>
    send('POST', '/api/rpc', JSON.stringify({ method, args }), {
      'content-type': 'application/json',
    });
  const waitJob = async (id: string): Promise<JobState> => {
    for (;;) {
      const j = (await rpc('job', id)).body.result as JobState;
      if (j.status !== 'running') return j;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    for (const d of [home, outside, granted, tmpdir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(outside, 'shadow'), `${SECRET}\n`);
    fs.writeFileSync(path.join(granted, 'shadow-copy'), `${SECRET}\n`);
    writeCapture(path.join(outside, 'capture.csv'));
    writeCapture(path.join(granted, 'capture.csv'));
    // left by an earlier run: an upload that never arrived whole, and a killed analyze's case
    fs.mkdirSync(path.join(home, 'uploads/u-AAAAAAAAAAAAAAAAAAAA'), { recursive: true });
    fs.writeFileSync(
      path.join(home, 'uploads/u-AAAAAAAAAAAAAAAAAAAA/upload.json'),
      JSON.stringify({
        name: 'x.csv',
        bytes: 0,
        created: new Date().toISOString(),
        complete: false,
        cases: [],
      }),
    );
    fs.mkdirSync(path.join(tmpdir, 'netsift-analyze-stale'));
    fs.writeFileSync(
      path.join(tmpdir, 'netsift-analyze-stale/owner.json'),
      JSON.stringify({ pid: 2 ** 22 + 4321, started: '1' }),
    );
    fs.writeFileSync(path.join(tmpdir, 'netsift-analyze-stale/case.duckdb'), 'x'.repeat(1000));
    server = spawn(
      process.execPath,
      [
        path.join(ROOT, 'out/cli/netsift.mjs'),
        'serve',
        '--port',
        '0',
        '--threads',
        '1',
        '--grant',
        granted,
      ],
      {
        env: { ...process.env, NETSIFT_HOME: home, NETSIFT_OFFLINE: '1', TMPDIR: tmpdir },
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`serve did not start: ${out}${stderr}`)), 30_000);
      server.stdout!.on('data', (d) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[0]);
        }
      });
      server.stderr!.on('data', (d) => (stderr += d));
      server.on('exit', (c) => reject(new Error(`serve exited ${c}: ${stderr}`)));
    });
    const u = new URL(url);
    port = Number(u.port);
    token = u.searchParams.get('token')!;
  });
  afterAll(async () => {
    if (server?.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    tmp.cleanup();
  });

  it("removed the stale upload and the killed analyze run's temporary case at start", () => {
    expect(fs.existsSync(path.join(home, 'uploads/u-AAAAAAAAAAAAAAAAAAAA'))).toBe(false);
    expect(fs.existsSync(path.join(tmpdir, 'netsift-analyze-stale'))).toBe(false);
    expect(stderr).toMatch(/removed 1 stale upload\(s\) and 1 stale temporary case\(s\)/);
  });

  it('refuses paths outside NETSIFT_HOME and the granted folder, with code forbidden', async () => {
    const calls: [string, unknown[]][] = [
      ['openCase', [path.join(outside, 'shadow')]],
      ['openCase', [path.join(outside, 'capture.csv')]],
      ['createCase', [path.join(outside, 'created.duckdb')]],
      ['importFiles', [{ sources: [{ path: path.join(outside, 'shadow') }] }]],
      ['importFiles', [[path.join(outside, 'capture.csv')]]], // the old shape: refused too
      ['checkImport', [{ sources: [{ path: path.join(outside, 'capture.csv') }] }]],
      ['saveCaseAs', [path.join(outside, 'copy.duckdb')]],
      ['addFeed', [{ id: 'leak', file: path.join(outside, 'shadow'), format: 'ip-list' }]],
      ['renameCase', [path.join(outside, 'capture.csv'), 'x']],
      ['deleteCase', [path.join(outside, 'capture.csv')]],
    ];
    for (const [method, args] of calls) {
      const r = await rpc(method, ...args);
      expect(r.body.ok, `${method} ${JSON.stringify(args)}`).toBe(false);
      expect(r.body.error?.code, `${method}: ${r.text}`).toMatch(/^(forbidden|usage)$/);
      if (method !== 'importFiles' || !Array.isArray(args[0]))
        expect(r.body.error?.code, method).toBe('forbidden');
      expect(r.text).not.toContain('SECRET');
    }
    expect(fs.readdirSync(outside).sort()).toEqual(['capture.csv', 'shadow']);
    expect(((await rpc('jobs')).body.result as JobState[]).length).toBe(0);
  });

  it('imports from the granted folder and never quotes a file that is not a flow file', async () => {
    const bad = await rpc('importFiles', {
      sources: [{ path: path.join(granted, 'shadow-copy') }],
    });
    const end = await waitJob((bad.body.result as JobState).id);
    expect(end.status).toBe('failed');
    expect(end.error).toMatch(/first line: 9 fields separated by ':'/);
    expect(JSON.stringify(end)).not.toContain('SECRET');
    const feed = await rpc('addFeed', {
      id: 'local',
      file: path.join(granted, 'shadow-copy'),
      format: 'ip-list',
    });
    expect(feed.body.error?.message).toMatch(/no valid entries/);
    expect(feed.text).not.toContain('SECRET');
    const ok = await rpc('importFiles', { sources: [{ path: path.join(granted, 'capture.csv') }] });
    expect((await waitJob((ok.body.result as JobState).id)).summary).toMatchObject({
      caseName: 'capture',
      flows: 500,
    });
  });

  it('an upload goes into a new case by its id, and the open case keeps its flows', async () => {
    const before = (await rpc('caseInfo')).body.result as { id: string; flows: number };
    const body = fs.readFileSync(path.join(granted, 'capture.csv'));
    const up = await send('POST', '/api/upload?name=office%20capture.csv', body, {
      'content-type': 'application/octet-stream',
    });
    const info = up.body.result as { id: string; name: string; bytes: number };
    expect(info).toMatchObject({ name: 'office_capture.csv', bytes: body.length });
    const job = await rpc('importFiles', { sources: [{ upload: info.id }] });
    const end = await waitJob((job.body.result as JobState).id);
    expect(end.summary).toMatchObject({ caseName: 'office_capture', target: 'new', flows: 500 });
    const list = (await rpc('recentCases')).body.result as RecentCase[];
    expect(list.find((c) => c.id === before.id)?.flows).toBe(before.flows);
    // kept for the case that imported it
    const meta = JSON.parse(
      fs.readFileSync(path.join(home, 'uploads', info.id, 'upload.json'), 'utf8'),
    );
    expect(meta.cases).toEqual([end.summary!.casePath]);
    // deleting the case deletes its upload
    await rpc('deleteCase', end.summary!.caseId);
    expect(fs.existsSync(path.join(home, 'uploads', info.id))).toBe(false);
  });

  it('keeps nothing of an aborted upload', async () => {
    const before = fs.readdirSync(path.join(home, 'uploads'));
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: '/api/upload?name=cut.csv',
        method: 'POST',
        headers: { 'x-netsift-token': token, 'content-length': '1000000' },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(64 * 1024, 65));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
    for (
      let i = 0;
      i < 50 && fs.readdirSync(path.join(home, 'uploads')).length !== before.length;
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(path.join(home, 'uploads'))).toEqual(before);
  });
});
