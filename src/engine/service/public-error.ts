// What a door (loopback server, Electron IPC) tells the renderer about a failed call. An error
// the engine raised on purpose (NetsiftError) says what to do and passes as it is; anything else
// is sanitised here: DuckDB's messages carry the SQL text of the statement ("LINE 1: SELECT ...")
// and internal errors can carry whatever the failing code held, so the page gets a short
// message and a code, and the full error goes to the door's own log.
import { NetsiftError } from '../core/errors';

export interface PublicError {
  code: string;
  message: string;
  /** Filter errors: where the offending token is (the filter bar marks it). */
  offset?: number;
  length?: number;
}

/** DuckDB errors caused by a value the caller sent (a bad timestamp, a number out of range). */
const INPUT_ERRORS = /^(Conversion Error|Invalid Input Error|Out of Range Error): /;

export function publicError(
  e: unknown,
  method?: string,
): { status: number; error: PublicError; log: boolean } {
  if (e instanceof NetsiftError) {
    const where = e as NetsiftError & { offset?: number; length?: number };
    const extra =
      typeof where.offset === 'number' ? { offset: where.offset, length: where.length } : {};
    return {
      status: e.code === 'internal' ? 500 : 400,
      error: { code: e.code, message: e.message, ...extra },
      log: e.code === 'internal',
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split('\n')[0];
  const m = INPUT_ERRORS.exec(first);
  if (m) {
    // the first line names the value and what was expected; the rest quotes the SQL
    const what = first.slice(m[0].length).replace(/\s+at or near .*$/, '');
    return {
      status: 400,
      error: {
        code: 'usage',
        message: `invalid argument${method ? ` for ${method}` : ''}: ${cut(what)}`,
      },
      log: false,
    };
  }
  if (e instanceof TypeError && method) {
    // a value of the wrong shape reached the engine (the contract is typed, the wire is not)
    return {
      status: 400,
      error: { code: 'usage', message: `invalid arguments for ${method}` },
      log: true,
    };
  }
  return {
    status: 500,
    error: { code: 'internal', message: 'internal error; the details are in the netsift log' },
    log: true,
  };
}

function cut(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
