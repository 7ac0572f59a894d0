// `clickhouse://user@host:8123/db?secure=1&table=flows` -> where and how to connect. A password
// in the URL is refused: URLs end up in case files, shell history and logs; the password comes
// from NETSIFT_CLICKHOUSE_PASSWORD or a prompt instead (src/cli/store-password.ts).
import { NetsiftError } from '../../core/errors';

export interface StoreTarget {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  database: string;
  /** Flows table read (netsift's own `flows`, a Distributed table over it, or a mapped table). */
  table: string;
  /** Imports table read (its largest ids number the next import; a Distributed one in a cluster). */
  importsTable: string;
  /** Server-side limit per query (max_execution_time), seconds; 0 = none. */
  timeoutSeconds: number;
  /** PEM file of the CA that signed the server's certificate (TLS only; else the system's). */
  caFile: string | null;
  /** The URL without password, for display, the case file and log lines. */
  display: string;
}

export const STORE_SCHEMES = ['clickhouse:', 'clickhouses:'] as const;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAMS = ['secure', 'table', 'imports_table', 'timeout', 'ca'];
export const DEFAULT_TIMEOUT_SECONDS = 300;

/** True when the text names a ClickHouse store rather than a case file. */
export function isStoreUrl(text: string): boolean {
  return /^clickhouses?:\/\//i.test(text.trim());
}

function bad(text: string, why: string): NetsiftError {
  return new NetsiftError(
    `--store ${text}: ${why} (expected clickhouse://user@host:8123/database)`,
    'usage',
  );
}

function ident(text: string, what: string, v: string): string {
  if (!IDENT.test(v)) throw bad(text, `${what} '${v}' is not a plain name (letters, digits, _)`);
  return v;
}

export function parseStoreUrl(text: string): StoreTarget {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    throw bad(text, 'not a URL');
  }
  const scheme = u.protocol.toLowerCase();
  if (!(STORE_SCHEMES as readonly string[]).includes(scheme))
    throw bad(text, `unknown scheme ${u.protocol}`);
  if (u.password)
    throw new NetsiftError(
      `--store: the URL holds a password; remove it and set NETSIFT_CLICKHOUSE_PASSWORD instead ` +
        `(a URL is written to the case file and to logs, a password must never be)`,
      'usage',
    );
  if (!u.hostname) throw bad(text, 'no host');
  for (const k of u.searchParams.keys())
    if (!PARAMS.includes(k)) throw bad(text, `unknown option '${k}' (known: ${PARAMS.join(', ')})`);
  const flag = u.searchParams.get('secure');
  if (flag !== null && !['0', '1', 'true', 'false'].includes(flag))
    throw bad(text, `secure=${flag}: use 1 or 0`);
  const secure = scheme === 'clickhouses:' || flag === '1' || flag === 'true';
  const port = u.port ? Number(u.port) : secure ? 8443 : 8123;
  const path = decodeURIComponent(u.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
  const database = ident(text, 'database', path || 'default');
  const user = u.username ? decodeURIComponent(u.username) : 'default';
  const timeoutText = u.searchParams.get('timeout');
  const timeoutSeconds = timeoutText === null ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutText);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0)
    throw bad(text, `timeout=${timeoutText}: a whole number of seconds (0 = none)`);
  const table = ident(text, 'table', u.searchParams.get('table') ?? 'flows');
  const importsTable = ident(
    text,
    'imports_table',
    u.searchParams.get('imports_table') ?? 'imports',
  );
  const caFile = u.searchParams.get('ca');
  if (caFile !== null && !secure) throw bad(text, 'ca= needs TLS (clickhouses:// or secure=1)');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const query = [...u.searchParams.entries()]
    .filter(([k]) => k !== 'secure')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  const display =
    `${secure ? 'clickhouses' : 'clickhouse'}://${encodeURIComponent(user)}@${shownHost}:${port}/${database}` +
    (query.length ? `?${query.join('&')}` : '');
  return {
    secure,
    host,
    port,
    user,
    database,
    table,
    importsTable,
    timeoutSeconds,
    caFile,
    display,
  };
}
