// Cancelling a query the analyst no longer waits for (a count or chart of a selection that has
// changed again). An AbortSignal goes with the request into the query function; on abort the
// query's DuckDB connection is interrupted, so the cores go to the new request at once instead of
// finishing the old answer for nobody.
//
// conn.interrupt() stops whatever that connection is running, so each connection runs one gated
// request at a time (QueryGate): an aborted request that is still waiting for its turn just leaves
// the queue, a running one is interrupted, and no other request is ever hit by mistake. Queries on
// one DuckDB connection run one after another anyway; the gate only makes the order explicit.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseReader } from '../store/case-reader';
import { CancelledError } from '../core/errors';

/** Options every cancellable query function takes. */
export interface QueryOptions {
  signal?: AbortSignal;
}

/** An error that only says the query was stopped on purpose (ours, or DuckDB's interrupt). */
export function isCancellation(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof Error && /\binterrupt/i.test(e.message));
}

class QueryGate {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly conn: DuckDBConnection) {}

  async run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    let running: Promise<T> | null = null;
    try {
      await (signal ? Promise.race([before, aborted(signal)]) : before);
      if (signal?.aborted) throw new CancelledError('query');
      const onAbort = () => this.conn.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      running = work();
      try {
        // the work may wait on a result another connection computes (a shared cache entry):
        // interrupting this one does not end that wait, so the caller is answered at once
        return await (signal ? Promise.race([running, aborted(signal)]) : running);
      } catch (e) {
        if (signal?.aborted) throw new CancelledError('query');
        throw e;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      // the next request starts once this one has left the connection: when it ran, once its
      // work has settled (an interrupted query ends within a moment); when it was aborted while
      // waiting, once the one before it is done
      const settled: Promise<unknown> = running ?? before;
      void settled.then(release, release);
    }
  }
}

/** Rejects with CancelledError when the signal aborts (never resolves otherwise). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () => reject(new CancelledError('query'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

const gates = new WeakMap<DuckDBConnection, QueryGate>();

/**
 * Runs one query request on the store's connection, through that connection's gate. Every
 * request of the workspace's query functions goes through here, with or without a signal, so an
 * interrupt only ever reaches the request it was meant for.
 */
export async function gated<T>(
  store: CaseReader,
  opts: QueryOptions | undefined,
  work: () => Promise<T>,
): Promise<T> {
  // Without a signal nothing will interrupt this request, so it needs no turn at the gate; the
  // service's query lanes (src/engine/service/query-lanes.ts) give each request a connection of
  // its own and cancel through the request's signal instead, and their views bind a connection
  // only at the first statement.
  if (!opts?.signal) return work();
  const conn = await store.connection();
  let gate = gates.get(conn);
  if (!gate) gates.set(conn, (gate = new QueryGate(conn)));
  return gate.run(opts.signal, work);
}
