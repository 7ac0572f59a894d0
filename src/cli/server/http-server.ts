// The loopback door: serves the built renderer, a JSON RPC endpoint for the service contract, an
// event stream (SSE) for job progress, report downloads and uploads. Bound to 127.0.0.1 only; who
// may call what is request-guard.ts (the session token in the X-Netsift-Token header, same origin,
// typed bodies); the two URLs that cannot carry a header take single-use tickets (tickets.ts).
// Every answer carries the security headers (src/shared/web-security.ts); every RPC answer is the
// envelope of src/shared/api-error.ts ({ ok: true, result } or { ok: false, error: { code,
// message, file?, line?, offset? } }), the same Electron's IPC returns, and never quotes SQL or
// internals.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerEvent } from '../../shared/api';
import type { ApiErrorBody, RpcAnswer } from '../../shared/api-error';
import { isApiMethod } from '../../shared/api';
import { SECURITY_HEADERS } from '../../shared/web-security';
import { type NetsiftService, publicError, withRequestSignal } from '../../engine/index';
import { serveStatic } from './static-files';
import { sendExport } from './export-download';
import {
  checkContentType,
  checkHost,
  checkMethod,
  checkSameOrigin,
  checkToken,
  DoorError,
} from './request-guard';
import { Tickets } from './tickets';

export interface ServerOptions {
  service: NetsiftService;
  /** Folder with the built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Largest upload accepted, bytes. */
  maxUpload?: number;
  /** Where errors the page is not shown in full go (default: stderr). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Largest RPC body (a filter, a note, a list of paths: far below this). */
export const MAX_RPC_BODY = 4 * 1024 * 1024;

/**
 * How long an idle keep-alive connection stays open. Whoever closes an idle connection races the
 * other side's next request on it: when the server closes first, a call sent in that moment is
 * reset ("read ECONNRESET", "socket hang up"), and Node's HTTP client does not retry it (issue
 * 15's load run lost calls this way, with Node's default of 5 s). So the server outlasts the
 * clients: browsers drop idle sockets sooner (Chromium after 5 min, Firefox 115 s) and close them
 * themselves, which races nothing. Loopback only, a handful of sockets per page: keeping them
 * costs nothing worth a reset call.
 */
export const KEEP_ALIVE_MS = 10 * 60 * 1000;

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const tickets = new Tickets();
  /** The contract method each RPC answer is for (named in logs and sanitised errors). */
  const calls = new WeakMap<http.ServerResponse, string>();
  const streams = new Set<http.ServerResponse>();
  const off = opts.service.onEvent((e: ServerEvent) => {
    const line = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of streams) s.write(line);
  });
  let port = 0;

  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    handle(req, res).catch((e) => sendError(res, e));
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    checkHost(req, port);
    const raw = req.url ?? '/';
    if (!raw.startsWith('/') || raw.startsWith('//'))
      throw new DoorError(400, 'usage', 'bad request target');
    const url = new URL(`http://127.0.0.1${raw}`);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      throw new DoorError(400, 'usage', 'malformed %-escape in the address');
    }
    if (pathname.startsWith('/api/')) {
      checkSameOrigin(req, port);
      if (pathname === '/api/rpc') {
        checkMethod(req, 'POST');
        checkToken(req, token);
        checkContentType(req, 'application/json');
        return rpc(req, res);
      }
      if (pathname === '/api/ticket') {
        checkMethod(req, 'POST');
        checkToken(req, token);
        checkContentType(req, 'application/json');
        return ticket(req, res);
      }
      if (pathname === '/api/upload') {
        checkMethod(req, 'POST');
        checkToken(req, token);
        checkContentType(req, 'application/octet-stream');
        return upload(req, res, url);
      }
      if (pathname === '/api/events') {
        checkMethod(req, 'GET');
        if (!tickets.take(url.searchParams.get('ticket') ?? '', 'events'))
          throw new DoorError(
            401,
            'auth',
            'the event stream needs a fresh ticket (POST /api/ticket)',
          );
        return events(req, res);
      }
      if (pathname.startsWith('/api/exports/')) {
        checkMethod(req, 'GET', 'HEAD');
        const name = pathname.slice('/api/exports/'.length);
        if (!tickets.take(url.searchParams.get('ticket') ?? '', 'download', name))
          throw new DoorError(
            401,
            'auth',
            'a download needs a fresh ticket for that file (POST /api/ticket)',
          );
        return sendExport(name, res);
      }
      throw new DoorError(404, 'not-found', `no such endpoint ${pathname.slice(0, 100)}`);
    }
    checkMethod(req, 'GET', 'HEAD');
    serveStatic(opts.rendererDir, pathname, res);
  }

  async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
    const body = await readBody(req, MAX_RPC_BODY);
    let msg: unknown;
    try {
      msg = JSON.parse(body);
    } catch {
      throw new DoorError(400, 'usage', 'the request body is not JSON');
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg))
      throw new DoorError(400, 'usage', 'the request body must be a JSON object');
    return msg as Record<string, unknown>;
  }

  async function rpc(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const msg = await readJson(req);
    if (!isApiMethod(msg.method))
      throw new DoorError(400, 'usage', `unknown method ${String(msg.method).slice(0, 60)}`);
    const method = msg.method;
    calls.set(res, method);
    const args = Array.isArray(msg.args) ? msg.args : [];
    const fn = opts.service[method] as (...a: unknown[]) => Promise<unknown>;
    const started = performance.now();
    // a client that goes away (closed the page, or superseded the request with a newer one)
    // cancels its queries: queued ones are dropped, running ones interrupted (query-lanes.ts)
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const result = await withRequestSignal(gone.signal, () => fn.apply(opts.service, args));
    // how long the service took, apart from the wire and the page (DevTools and bench:ui read it)
    res.setHeader('server-timing', `${method};dur=${(performance.now() - started).toFixed(1)}`);
    sendAnswer(res, 200, { ok: true, result: result ?? null });
  }

  async function ticket(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const msg = await readJson(req);
    if (msg.purpose === 'events')
      return sendAnswer(res, 200, { ok: true, result: { ticket: tickets.issue('events') } });
    if (msg.purpose === 'download' && typeof msg.name === 'string' && msg.name)
      return sendAnswer(res, 200, {
        ok: true,
        result: { ticket: tickets.issue('download', msg.name) },
      });
    throw new DoorError(
      400,
      'usage',
      'a ticket is for { purpose: "events" } or { purpose: "download", name }',
    );
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
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

  // An upload is stored, not imported: the page then imports it (with others, into a new case or,
  // when the analyst chose so, the open one) by its id. A failed or aborted transfer keeps nothing.
  async function upload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const declared =
      req.headers['content-length'] != null ? Number(req.headers['content-length']) : null;
    const info = await opts.service
      .uploadStore()
      .receive(url.searchParams.get('name') ?? '', req, declared, opts.maxUpload ?? 8 * 1024 ** 3);
    sendAnswer(res, 200, { ok: true, result: info });
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

  function sendError(res: http.ServerResponse, e: unknown): void {
    const method = calls.get(res);
    const answer: { status: number; error: ApiErrorBody; log: boolean } =
      e instanceof DoorError
        ? { status: e.status, error: { code: e.code, message: e.message }, log: false }
        : publicError(e, method);
    if (answer.log)
      log(
        `netsift serve: ${method ?? 'request'} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    if (res.headersSent) {
      res.end();
      return;
    }
    // a refused body is not read to its end: say so, and close the connection after the answer
    if (answer.status === 413) res.setHeader('connection', 'close');
    sendAnswer(res, answer.status, { ok: false, error: answer.error });
  }
}

/**
 * The body as text, at most `max` bytes. A larger one is answered 413 (the rest is left unread:
 * Node discards it and the connection closes after the answer), never by resetting the socket.
 */
function readBody(req: http.IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.reject(tooLarge(max));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      n += c.length;
      if (n > max) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(max));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tooLarge(max: number): DoorError {
  return new DoorError(413, 'too-large', `request body over ${max / 1024 / 1024} MB`);
}

function sendAnswer(res: http.ServerResponse, status: number, body: RpcAnswer): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(text);
}
