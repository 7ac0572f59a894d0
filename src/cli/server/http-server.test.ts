// The loopback server for real on 127.0.0.1: token on every request, host check, static files
// confined to the renderer folder, JSON RPC limited to the contract, uploads imported, SSE events.
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState, ServerEvent } from '../../shared/api';
import { writeCapture } from '../../engine/service/capture-fixture.test-helper';
import { defaultOps } from '../../engine/service/default-ops';
import { NetsiftService } from '../../engine/service/netsift-service';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { startServer, type RunningServer } from './http-server';

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('netsift serve (loopback server)', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  let server: RunningServer;
  const rpc = (method: string, args: unknown[] = [], token = server.token) =>
    request(server.port, '/api/rpc', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netsift-token': token },
      body: JSON.stringify({ method, args }),
    });

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    fs.mkdirSync(tmp.file('renderer/assets'), { recursive: true });
    fs.writeFileSync(tmp.file('renderer/index.html'), '<!doctype html><title>netsift</title>');
    fs.writeFileSync(tmp.file('renderer/assets/app.js'), 'console.log(1)');
    fs.writeFileSync(tmp.file('secret.txt'), 'outside');
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
    server = await startServer({ service: svc, rendererDir: tmp.file('renderer') });
  });
  afterAll(async () => {
    await server.close();
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses requests without the right token', async () => {
    expect((await request(server.port, '/')).status).toBe(401);
    expect((await request(server.port, '/?token=wrong')).status).toBe(401);
    expect((await rpc('caseInfo', [], 'wrong')).status).toBe(401);
    expect((await request(server.port, '/api/events')).status).toBe(401);
  });

  it('refuses another host name (DNS rebinding)', async () => {
    const r = await request(server.port, `/?token=${server.token}`, { headers: { host: `evil.example:${server.port}` } });
    expect(r.status).toBe(403);
  });

  it('serves the renderer with the token in the URL, then by cookie, and nothing outside it', async () => {
    const page = await request(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>netsift</title>');
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(cookie).toBe(`netsift_token=${server.token}`);
    const asset = await request(server.port, '/assets/app.js', { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const escape = await request(server.port, '/../secret.txt', { headers: { cookie } });
    expect(escape.status).toBe(404);
    const encoded = await request(server.port, '/%2e%2e/secret.txt', { headers: { cookie } });
    expect(encoded.status).toBe(404);
  });

  it('answers contract methods and refuses anything else', async () => {
    const info = await rpc('caseInfo');
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toEqual({ ok: true, result: null });
    // the service's own time, for DevTools and bench:ui (never asserted as a figure)
    expect(info.headers['server-timing']).toMatch(/^caseInfo;dur=\d+(\.\d)?$/);
    const unknown = await rpc('close');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toMatch(/unknown method/);
    const noCase = await rpc('flows', [{ offset: 0, limit: 1 }]);
    expect(JSON.parse(noCase.body)).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('imports an uploaded capture and streams its progress as events', async () => {
    const events: ServerEvent[] = [];
    const sse = await new Promise<http.IncomingMessage>((resolve) =>
      http.get({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}` }, resolve),
    );
    expect(sse.headers['content-type']).toBe('text/event-stream');
    let buf = '';
    sse.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (chunk.startsWith('data: ')) events.push(JSON.parse(chunk.slice(6)) as ServerEvent);
      }
    });
    const file = tmp.file('up.csv');
    const lines = writeCapture(file);
    const up = await request(server.port, '/api/upload?name=../../up.csv', {
      method: 'POST',
      headers: { 'x-netsift-token': server.token, 'content-type': 'application/octet-stream' },
      body: fs.readFileSync(file),
    });
    expect(up.status).toBe(200);
    // an upload is stored, then imported by its id (into a new case: see cases-http.test.ts)
    const stored0 = JSON.parse(up.body).result as { id: string; name: string };
    expect(stored0.name).toBe('up.csv');
    const started = await rpc('importFiles', [{ sources: [{ upload: stored0.id }] }]);
    const job = JSON.parse(started.body).result as JobState;
    const deadline = Date.now() + 50_000;
    while (!events.some((e) => e.type === 'job' && e.job.id === job.id && e.job.status !== 'running') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    sse.destroy();
    const last = events.filter((e): e is Extract<ServerEvent, { type: 'job' }> => e.type === 'job' && e.job.id === job.id).pop();
    expect(last?.job.error).toBeNull();
    expect(last?.job.status).toBe('done');
    expect(last?.job.summary?.flows).toBe(lines);
    // stored under NETSIFT_HOME/uploads with the name stripped of any path
    const stored = last!.job.summary!.imports[0].path;
    expect(stored.startsWith(tmp.file('home/uploads'))).toBe(true);
    expect(stored.endsWith('/up.csv')).toBe(true);
    const count = await rpc('countFlows', [{ filter: 'dst port 443' }]);
    expect(JSON.parse(count.body)).toEqual({ ok: true, result: 300 });
  });
});
