// What a door (loopback server, Electron IPC) tells the renderer about a failed call: the one
// error envelope of src/shared/api-error.ts. An error the engine raised on purpose
// (NetsiftError) says what to do and passes as it is, with its code and place; anything else is
// sanitised here: DuckDB's messages carry the SQL text of the statement ("LINE 1: SELECT ...")
// and internal errors can carry whatever the failing code held, so the page gets a short message
// and a code, and the full error goes to the door's own log.
import type { ApiErrorBody, RpcAnswer } from '../../shared/api-error';
import { NetsiftError } from '../core/errors';

/** DuckDB errors caused by a value the caller sent (a bad timestamp, a number out of range). */
const INPUT_ERRORS = /^(Conversion Error|Invalid Input Error|Out of Range Error): /;

export function publicError(
  e: unknown,
  method?: string,
): { status: number; error: ApiErrorBody; log: boolean } {
  if (e instanceof NetsiftError) {
    // filter errors (src/engine/query/filter/filter-error.ts) say where the offending token is
    const where = e as NetsiftError & { offset?: unknown; length?: unknown };
    const error: ApiErrorBody = { code: e.code, message: e.message };
    if (e.file !== undefined) error.file = e.file;
    if (e.line !== undefined) error.line = e.line;
    if (typeof where.offset === 'number') {
      error.offset = where.offset;
      if (typeof where.length === 'number') error.length = where.length;
    }
    return { status: e.code === 'internal' ? 500 : 400, error, log: e.code === 'internal' };
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

/**
 * Runs one call and answers the envelope, never throwing: what Electron main returns from its
 * IPC handlers (an error thrown there would reach the page as a bare message). Errors the page
 * is not shown in full go to `log`.
 */
export async function answerCall(
  method: string,
  call: () => Promise<unknown>,
  log: (method: string, e: unknown) => void,
): Promise<RpcAnswer> {
  try {
    return { ok: true, result: (await call()) ?? null };
  } catch (e) {
    const p = publicError(e, method);
    if (p.log) log(method, e);
    return { ok: false, error: p.error };
  }
}

function cut(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
