// ClickHouse and network failures -> one NetsiftError ('store' or 'network', or 'cancelled')
// naming the server (never its password) and saying what to do. The server's numeric code is
// kept for callers that branch on it.
import { CancelledError, NetsiftError } from '../../core/errors';

export type StoreFailure =
  | 'unreachable'
  | 'connection-lost'
  | 'tls'
  | 'auth'
  | 'denied'
  | 'database'
  | 'table'
  | 'timeout'
  | 'memory'
  | 'busy'
  | 'shard'
  | 'server';

export class StoreError extends NetsiftError {
  constructor(
    message: string,
    readonly failure: StoreFailure,
    readonly serverCode: number | null = null,
  ) {
    super(
      message,
      failure === 'unreachable' || failure === 'connection-lost' ? 'network' : 'store',
    );
    this.name = 'StoreError';
  }
}

const NETWORK: Record<string, StoreFailure> = {
  ECONNREFUSED: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ECONNRESET: 'connection-lost',
  EPIPE: 'connection-lost',
  ECONNABORTED: 'connection-lost',
  UND_ERR_SOCKET: 'connection-lost',
};

const SERVER: Record<number, StoreFailure> = {
  192: 'auth', // UNKNOWN_USER
  193: 'auth', // WRONG_PASSWORD
  194: 'auth', // REQUIRED_PASSWORD
  516: 'auth', // AUTHENTICATION_FAILED
  195: 'denied', // IP_ADDRESS_NOT_ALLOWED
  164: 'denied', // READONLY
  291: 'denied', // DATABASE_ACCESS_DENIED
  497: 'denied', // ACCESS_DENIED
  81: 'database', // UNKNOWN_DATABASE
  60: 'table', // UNKNOWN_TABLE
  159: 'timeout', // TIMEOUT_EXCEEDED
  241: 'memory', // MEMORY_LIMIT_EXCEEDED
  202: 'busy', // TOO_MANY_SIMULTANEOUS_QUERIES
  279: 'shard', // ALL_CONNECTION_TRIES_FAILED
  210: 'shard', // NETWORK_ERROR (server to server)
  209: 'shard', // SOCKET_TIMEOUT (server to server)
};

/** The server's own sentence, without the `Code: N, e.displayText() = DB::Exception:` wrapping. */
export function serverMessage(text: string): { code: number | null; message: string } {
  const code = /Code: (\d+)/.exec(text);
  const inner =
    /DB::Exception: ([\s\S]*?)(?:, e\.what\(\) = DB::Exception|\s*\(version [^)]*\)|$)/.exec(text);
  const message = (inner?.[1] ?? text).replace(/\s*\([A-Z][A-Z0-9_]{2,}\)\s*$/, '').trim();
  return { code: code ? Number(code[1]) : null, message: message.split('\n')[0].slice(0, 500) };
}

const HINT: Record<StoreFailure, string> = {
  unreachable: 'cannot reach the server: is it running, and are the host and port right?',
  'connection-lost': 'the connection dropped before the server answered',
  tls: 'check the TLS settings (clickhouses:// and ?ca=FILE for a private CA)',
  auth: 'wrong user name or password (on the command line it comes from NETSIFT_CLICKHOUSE_PASSWORD or the prompt; in the workspace from the Connect dialog)',
  denied:
    'the user lacks the right for this; see the README (ClickHouse store: what the server must allow)',
  database: 'check the database name in the URL (clickhouse://user@host:port/DATABASE)',
  table: 'no such table (import first, or name the table with ?table= or a mapping)',
  timeout: 'the query ran past the limit (?timeout=SECONDS in the store URL)',
  memory: 'the server ran out of memory for this query',
  busy: 'the server has too many queries running; try again',
  shard: 'a shard of the cluster did not answer',
  server: '',
};

/** Anything thrown by a request -> a NetsiftError naming `where`. */
export function translateError(where: string, e: unknown, cancelled: boolean): Error {
  if (e instanceof NetsiftError) return e;
  if (cancelled) return new CancelledError('query');
  const err = e as { code?: unknown; message?: unknown; name?: unknown };
  const text = typeof err?.message === 'string' ? err.message : String(e);
  const sysCode = typeof err?.code === 'string' && !/^\d+$/.test(err.code) ? err.code : null;
  if (sysCode && NETWORK[sysCode])
    return new StoreError(`${where}: ${HINT[NETWORK[sysCode]]} (${sysCode})`, NETWORK[sysCode]);
  if (
    (sysCode && /CERT|SSL|TLS|EPROTO/i.test(sysCode)) ||
    /certificate|SSL routines|wrong version number/i.test(text)
  )
    return new StoreError(`${where}: TLS failed: ${text.split('\n')[0]}; ${HINT.tls}`, 'tls');
  if (/socket hang up|other side closed|premature close|aborted/i.test(text))
    return new StoreError(`${where}: ${HINT['connection-lost']} (${text})`, 'connection-lost');
  if (/^Timeout error/i.test(text))
    return new StoreError(`${where}: no answer within the request timeout`, 'timeout');
  const { code, message } = serverMessage(text);
  if (code !== null) {
    const failure = SERVER[code] ?? 'server';
    if (failure === 'auth')
      return new StoreError(
        `${where}: ${HINT.auth} (ClickHouse ${code}: ${message})`,
        'auth',
        code,
      );
    const hint = HINT[failure];
    return new StoreError(
      `${where}: ${message}${hint ? `; ${hint}` : ''} (ClickHouse ${code})`,
      failure,
      code,
    );
  }
  return new StoreError(`${where}: ${text.split('\n')[0]}`, 'server');
}
