// HTTP(S) GET for feeds with node:http/https: connect and total timeouts, a size limit (also after
// gunzip), conditional requests, redirects (at most 3, within one scheme; the result names the
// final URL), and a check that the body is complete. Under tests
// (VITEST) or NETSIFT_OFFLINE=1 only loopback URLs are fetched, so a test can never reach the
// real publishers.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { NetsiftError } from '../core/errors';

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  maxRedirects?: number;
}

export interface FetchResult {
  status: number;
  /** Decoded body (null for 304). */
  body: Buffer | null;
  etag: string | null;
  lastModified: string | null;
  contentType: string | null;
  url: string;
}

export const FETCH_DEFAULTS = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
  maxBytes: 64 * 1024 * 1024,
  maxRedirects: 3,
};

export function offlineMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NETSIFT_OFFLINE === '1' || !!env.VITEST;
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function checkUrl(raw: string, env: NodeJS.ProcessEnv = process.env): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NetsiftError(`"${raw}" is not a URL`, 'usage');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new NetsiftError(`${raw}: only http and https feeds can be fetched`, 'usage');
  if (offlineMode(env) && !isLoopbackHost(url.hostname))
    throw new NetsiftError(
      `${raw}: offline mode (NETSIFT_OFFLINE=1 or a test run) fetches only loopback URLs`,
      'network',
    );
  return url;
}

export function fetchFeed(
  rawUrl: string,
  opts: FetchOptions = {},
  redirects = 0,
): Promise<FetchResult> {
  const o = { ...FETCH_DEFAULTS, ...opts };
  const url = checkUrl(rawUrl);
  const mod = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {
    'accept-encoding': 'gzip',
    'user-agent': 'netsift-feeds/1',
    accept: 'text/plain, text/csv, application/json;q=0.9, */*;q=0.5',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;

  return new Promise<FetchResult>((resolve, reject) => {
    let settled = false;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      req.destroy();
      reject(new NetsiftError(`${rawUrl}: ${msg}`, 'network'));
    };
    const done = (r: FetchResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      resolve(r);
    };
    const req = mod.get(url, { headers });
    const total = setTimeout(
      () => fail(`no complete answer within ${o.totalTimeoutMs / 1000} s`),
      o.totalTimeoutMs,
    );
    const connect = setTimeout(
      () => fail(`could not connect within ${o.connectTimeoutMs / 1000} s`),
      o.connectTimeoutMs,
    );
    req.on('socket', (sock) => {
      if (!sock.connecting) clearTimeout(connect);
      else sock.once('connect', () => clearTimeout(connect));
    });
    const onAbort = () => fail('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => opts.signal?.removeEventListener('abort', onAbort));
    req.on('error', (e) => fail(e.message));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const h = (k: string) => {
        const v = res.headers[k];
        return typeof v === 'string' ? v : null;
      };
      if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
        res.resume();
        if (redirects >= o.maxRedirects) return fail(`more than ${o.maxRedirects} redirects`);
        const to = new URL(res.headers.location, url);
        // no https -> http downgrade (nor the reverse): the list is only trusted as far as its scheme
        if (to.protocol !== url.protocol)
          return fail(
            `redirect to ${to} refused: a feed is only followed within its scheme (${url.protocol}); ` +
              `add the feed with the URL it moved to if that is right`,
          );
        const next = to.toString();
        settled = true;
        clearTimeout(total);
        clearTimeout(connect);
        // via a promise so a refused hop (e.g. off loopback in offline mode) rejects, never throws here
        Promise.resolve()
          .then(() => fetchFeed(next, opts, redirects + 1))
          .then(resolve, reject);
        return;
      }
      if (status === 304) {
        res.resume();
        return done({
          status,
          body: null,
          etag: h('etag'),
          lastModified: h('last-modified'),
          contentType: null,
          url: rawUrl,
        });
      }
      if (status !== 200) {
        res.resume();
        return fail(`HTTP ${status} ${res.statusMessage ?? ''}`.trim());
      }
      const declared = h('content-length');
      if (declared && Number(declared) > o.maxBytes) {
        res.resume();
        return fail(`body of ${declared} bytes is over the ${o.maxBytes}-byte limit`);
      }
      let raw = 0;
      res.on('data', (d: Buffer) => (raw += d.length));
      const gzip = /gzip/i.test(h('content-encoding') ?? '');
      const chunks: Buffer[] = [];
      let size = 0;
      let stream: NodeJS.ReadableStream = res;
      if (gzip) {
        const gunzip = zlib.createGunzip();
        gunzip.on('error', (e) => fail(`bad gzip body: ${e.message}`));
        res.pipe(gunzip);
        stream = gunzip;
      }
      stream.on('data', (d: Buffer) => {
        size += d.length;
        if (size > o.maxBytes) fail(`body is over the ${o.maxBytes}-byte limit`);
        else chunks.push(d);
      });
      res.on('aborted', () => fail('connection closed before the body was complete (truncated)'));
      res.on('error', (e) => fail(`truncated body: ${e.message}`));
      stream.on('end', () => {
        if (settled) return;
        if (!res.complete || (declared && raw !== Number(declared)))
          return fail(`truncated body: ${raw} of ${declared ?? '?'} bytes received`);
        let body = Buffer.concat(chunks);
        // a .gz file served without Content-Encoding
        if (body.length > 2 && body[0] === 0x1f && body[1] === 0x8b) {
          try {
            body = zlib.gunzipSync(body, { maxOutputLength: o.maxBytes });
          } catch (e) {
            return fail(`bad gzip file: ${(e as Error).message}`);
          }
        }
        done({
          status,
          body,
          etag: h('etag'),
          lastModified: h('last-modified'),
          contentType: h('content-type'),
          url: rawUrl,
        });
      });
    });
  });
}
