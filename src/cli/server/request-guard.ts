// Who may call the loopback server. Loopback alone is not a boundary: any program on the machine,
// and any web page the analyst's browser shows (a page on 127.0.0.1 at another port is even
// "same-site", so SameSite cookies do not stop it, issue 15), can send requests here. So:
// - the Host header must name this server (a page on another name resolving to 127.0.0.1, DNS
//   rebinding, is refused);
// - a request a browser marks as coming from another origin (Origin, Sec-Fetch-Site) is refused;
// - the API needs the session token in the X-Netsift-Token header: a header no form, link or
//   image can send, and no cross-origin script can add without a CORS preflight we never answer.
//   Not a cookie (browsers attach those to cross-site requests), not ?token= (addresses leak);
//   the two URLs that cannot carry a header take a ticket instead (tickets.ts);
// - bodies must be the declared type: application/json for calls (a form can only send
//   urlencoded, multipart or text/plain), application/octet-stream for uploads.
// Static files (the renderer's public bundle) need no token: they hold no data.
import type http from 'node:http';
import type { ErrorCode } from '../../shared/api-error';
import { same } from './tickets';

export class DoorError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const TOKEN_HEADER = 'x-netsift-token';

/** The server's own origins: where the page is served from. */
function origins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function checkHost(req: http.IncomingMessage, port: number): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!origins(port).some((o) => o === `http://${host}`))
    throw new DoorError(403, 'forbidden', 'forbidden host: use the URL printed by `netsift serve`');
}

/** Refuses what a browser says comes from another site or origin (no header: not a browser page). */
export function checkSameOrigin(req: http.IncomingMessage, port: number): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !origins(port).includes(origin))
    throw new DoorError(
      403,
      'forbidden',
      `cross-origin request refused (from ${origin.slice(0, 100)})`,
    );
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    throw new DoorError(
      403,
      'forbidden',
      `cross-site request refused (${String(site).slice(0, 20)})`,
    );
}

export function checkToken(req: http.IncomingMessage, token: string): void {
  const given = req.headers[TOKEN_HEADER];
  if (typeof given !== 'string' || !same(given, token))
    throw new DoorError(
      401,
      'auth',
      `missing or wrong ${TOKEN_HEADER} header: open the URL printed by \`netsift serve\``,
    );
}

export function checkContentType(
  req: http.IncomingMessage,
  expected: 'application/json' | 'application/octet-stream',
): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== expected)
    throw new DoorError(
      415,
      'unsupported-media-type',
      `the body must be ${expected}, not ${type.slice(0, 60) || 'untyped'}`,
    );
}

export function checkMethod(req: http.IncomingMessage, ...allowed: string[]): void {
  if (!allowed.includes(req.method ?? ''))
    throw new DoorError(405, 'method', `${req.method} not allowed here (${allowed.join(', ')})`);
}
