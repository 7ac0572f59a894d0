// The renderer's files over the app's own protocol (netsift://app/...) instead of file://:
// Chromium applies response headers only to answers that have them, and file:// answers have
// none (Electron's webRequest never sees them), so a Content-Security-Policy header needs a
// protocol of our own. Every answer carries the policy and the other security headers of the
// loopback server (src/shared/web-security.ts); only files inside the renderer folder are served.
import { net, protocol, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECURITY_HEADERS, STATIC_TYPES } from '../shared/web-security';

const SCHEME = 'netsift';
export const APP_URL = `${SCHEME}://app/index.html`;

/** Before the app is ready: the scheme behaves like https (an origin, secure context, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
    },
  ]);
}

/** After ready: serves `root` (out/renderer) at netsift://app/, with the security headers. */
export function serveRenderer(root: string): void {
  const base = path.resolve(root);
  protocol.handle(SCHEME, async (req) => {
    const url = new URL(req.url);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad request', { status: 400 });
    }
    const file = path.resolve(base, '.' + (rel === '/' ? '/index.html' : rel));
    if (url.host !== 'app' || !file.startsWith(base + path.sep))
      return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
    if (!res?.ok) return new Response('not found', { status: 404 });
    return new Response(res.body, {
      status: 200,
      headers: {
        'content-type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
        ...SECURITY_HEADERS,
      },
    });
  });
}

/** The same headers on any http(s) answer the app's session gets (the development server). */
export function securityHeadersOnHttp(): void {
  const extra = Object.fromEntries(Object.entries(SECURITY_HEADERS).map(([k, v]) => [k, [v]]));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, ...extra } });
  });
}
