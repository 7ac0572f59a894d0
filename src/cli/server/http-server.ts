// The loopback door: serves the built renderer, a JSON RPC endpoint for the service contract, an
// event stream (SSE) for job progress, and uploads. Bound to 127.0.0.1 only; every request must
// carry the random token (header X-Netsift-Token, ?token=, or the cookie set when the page loads).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ApiErrorBody, ServerEvent } from '../../shared/api';
import { isApiMethod } from '../../shared/api';
import { NetsiftError } from '../../engine/store/errors';
import type { NetsiftService } from '../../engine/service/netsift-service';
import { homeDir } from '../../engine/service/home';
import { withRequestSignal } from '../../engine/service/request-signal';
import { serveStatic } from './static-files';
import { sendExport } from './export-download';

export interface ServerOptions {
  service: NetsiftService;
  /** Folder with the built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Largest upload accepted, bytes. */
  maxUpload?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'netsift_token';

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const streams = new Set<http.ServerResponse>();
  const off = opts.service.onEvent((e: ServerEvent) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(line);
  });
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, e));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // DNS rebinding: a page on another name resolving to 127.0.0.1 must not reach us
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host');
      return;
    }
    const given = String(
      req.headers['x-netsift-token'] ?? url.searchParams.get('token') ?? cookie(req, COOKIE) ?? '',
    );
    if (!sameToken(given, token)) {
      res
        .writeHead(401, { 'content-type': 'text/plain' })
        .end('netsift: missing or wrong token; use the URL printed by `netsift serve`');
      return;
    }
    if (url.pathname === '/api/rpc' && req.method === 'POST') return rpc(req, res);
    if (url.pathname === '/api/events' && req.method === 'GET') return events(req, res);
    if (url.pathname === '/api/upload' && req.method === 'POST') return upload(req, res, url);
    if (url.pathname.startsWith('/api/exports/') && req.method === 'GET')
      return sendExport(url, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    // the page load carries the token in the URL; assets and the app's own requests use the cookie
    if (url.searchParams.has('token'))
      res.setHeader('set-cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    serveStatic(opts.rendererDir, url.pathname, res);
  }

  async function rpc(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, 4 * 1024 * 1024);
    let msg: { method?: unknown; args?: unknown };
    try {
      msg = JSON.parse(body) as typeof msg;
    } catch {
      throw new NetsiftError('request body is not JSON', 'usage');
    }
    if (!isApiMethod(msg.method))
      throw new NetsiftError(`unknown method ${String(msg.method)}`, 'usage');
    const args = Array.isArray(msg.args) ? msg.args : [];
    const fn = opts.service[msg.method] as (...a: unknown[]) => Promise<unknown>;
    const started = performance.now();
    // a client that goes away (closed the page, or superseded the request with a newer one)
    // cancels its queries: queued ones are dropped, running ones interrupted (query-lanes.ts)
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const result = await withRequestSignal(gone.signal, () => fn.apply(opts.service, args));
    // how long the service took, apart from the wire and the page (DevTools and bench:ui read it)
    res.setHeader('server-timing', `${msg.method};dur=${(performance.now() - started).toFixed(1)}`);
    sendJson(res, 200, { ok: true, result: result ?? null });
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
  }

  async function upload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const name = path.basename(url.searchParams.get('name') ?? '').replace(/[^\w.-]+/g, '_');
    if (!name || name.startsWith('.'))
      throw new NetsiftError('upload needs ?name=<file name>', 'usage');
    const max = opts.maxUpload ?? 8 * 1024 ** 3;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max)
      throw new NetsiftError(`upload too large (${declared} bytes; limit ${max})`, 'input');
    const dir = fs.mkdtempSync(path.join(homeDir('uploads'), 'u-'));
    const file = path.join(dir, name);
    let seen = 0;
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > max) req.destroy(new Error('upload too large'));
    });
    await pipeline(req, fs.createWriteStream(file));
    const job = await opts.service.importFiles([file]);
    sendJson(res, 200, { ok: true, result: job });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        off();
        for (const s of streams) s.end();
        streams.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        reject(new NetsiftError('request too large', 'usage'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(text);
}

function sendError(res: http.ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const err: ApiErrorBody =
    e instanceof NetsiftError
      ? { message: e.message, code: e.code }
      : { message: `internal error: ${(e as Error)?.message ?? String(e)}`, code: 'internal' };
  // FilterError carries where the bad token is; pass it through for the filter bar
  const extra =
    e && typeof e === 'object' && 'offset' in e
      ? { offset: (e as { offset: number }).offset, length: (e as { length?: number }).length }
      : {};
  sendJson(res, err.code === 'internal' ? 500 : 400, { ok: false, error: { ...err, ...extra } });
}
