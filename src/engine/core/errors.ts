/** Where in a file an error is (the doors carry it beside the message: src/shared/api-error.ts). */
export interface ErrorPlace {
  file?: string;
  /** 1-based. */
  line?: number;
}

/**
 * An error the analyst can act on: names the file (and line/field where there is one).
 * 'store': a flow store server (ClickHouse) refused or failed (src/engine/flowstore).
 */
export class NetsiftError extends Error {
  readonly file?: string;
  readonly line?: number;

  constructor(
    message: string,
    readonly code:
      | 'usage'
      | 'input'
      | 'case'
      | 'cancelled'
      | 'network'
      | 'store'
      | 'internal'
      | 'forbidden' = 'input',
    place: ErrorPlace = {},
  ) {
    super(message);
    this.name = 'NetsiftError';
    if (place.file !== undefined) this.file = place.file;
    if (place.line !== undefined) this.line = place.line;
  }
}

export class CancelledError extends NetsiftError {
  constructor(what = 'job') {
    super(`${what} cancelled`, 'cancelled');
    this.name = 'CancelledError';
  }
}
