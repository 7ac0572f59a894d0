/**
 * An error the analyst can act on: names the file (and line/field where there is one).
 * 'store': a flow store server (ClickHouse) refused or failed (src/engine/flowstore).
 */
export class NetsiftError extends Error {
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
  ) {
    super(message);
    this.name = 'NetsiftError';
  }
}

export class CancelledError extends NetsiftError {
  constructor(what = 'job') {
    super(`${what} cancelled`, 'cancelled');
    this.name = 'CancelledError';
  }
}
