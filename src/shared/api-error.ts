// One error envelope over both transports. The loopback server answers every call with an
// RpcAnswer as its JSON body; Electron main returns the same RpcAnswer as the value of its IPC
// handler (an error thrown there would reach the page as a bare message: Electron copies only
// the message of an Error across the IPC and the context bridge). The renderer's clients turn a
// failed answer into an ApiError, so the page reads the same code, whatever the door.

/**
 * What went wrong, for the page to choose its words (src/renderer/src/api/error-text.ts):
 * - usage: a call the contract does not allow (no case open, bad arguments, a job is running);
 * - input: a file or value that cannot be used (names the file, line and field where it can);
 * - case: the case file cannot be opened or written;
 * - forbidden: a path the user has not granted, a request from where it may not come;
 * - cancelled: stopped on purpose (cancel, a newer request superseded it);
 * - network / store: netsift (or a flow store server) could not be reached;
 * - auth, method, not-found, too-large, unsupported-media-type: the loopback server refused
 *   the request itself;
 * - internal: a fault of netsift's own; the details are in its log, never in the page.
 */
export type ErrorCode =
  | 'usage'
  | 'input'
  | 'case'
  | 'forbidden'
  | 'cancelled'
  | 'network'
  | 'store'
  | 'auth'
  | 'method'
  | 'not-found'
  | 'too-large'
  | 'unsupported-media-type'
  | 'internal';

/** The error of a failed call, as either transport carries it. */
export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  /** The file the error is about, when there is one. */
  file?: string;
  /** Its line (1-based), when the error is about one. */
  line?: number;
  /** Filter errors: where the offending token starts in the text (the filter bar marks it). */
  offset?: number;
  /** ...and how long it is. */
  length?: number;
}

/** Every answer of a call over either transport. */
export type RpcAnswer<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorBody };

/** A failed call on the page's side: the envelope's fields, typed. */
export class ApiError extends Error implements ApiErrorBody {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly offset?: number;
  readonly length?: number;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    if (body.file !== undefined) this.file = body.file;
    if (body.line !== undefined) this.line = body.line;
    if (body.offset !== undefined) this.offset = body.offset;
    if (body.length !== undefined) this.length = body.length;
  }
}

/** The result of an answer, or its error thrown as an ApiError. */
export function resultOf<T>(answer: RpcAnswer<T> | null | undefined): T {
  if (answer && typeof answer === 'object' && 'ok' in answer) {
    if (answer.ok) return answer.result;
    if (answer.error && typeof answer.error.message === 'string')
      throw new ApiError({ ...answer.error, code: answer.error.code ?? 'internal' });
  }
  throw new ApiError({ code: 'internal', message: 'netsift sent an answer the page cannot read' });
}

/** The error's code when it carries one (an ApiError, or a plain object from a test). */
export function errorCode(e: unknown): ErrorCode | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (code as ErrorCode) : null;
}
