// A bounded pool of DuckDB connections on the open case, handed out per request by kind of query
// ("lane"). Why:
// - Queries on one connection run one after another, so the grid's next page must not wait
//   behind a slow chart: each run takes a connection of its own while it queries.
// - Two classes of lanes. Short ones (grid pages, counts, host lookups: tens of milliseconds)
//   may take every connection; heavy ones (charts, the pair scatter, deep pages that must scan
//   or sort the selection, read-ahead: up to seconds on a large case) may hold all but one, so a
//   short call never waits behind heavy ones, only behind other short calls (issue 15's load
//   run: counts, pages and alerts queued behind charts and the scatter for seconds).
// - Bounded: every running query holds one of the four threads of Node's worker pool (a DuckDB
//   call runs on it: measured, six concurrent queries with UV_THREADPOOL_SIZE=2 ended in pairs),
//   and the case's own connection takes the fourth; at most `size` run at once, the rest wait in
//   arrival order within their class.
// - Cancellable: a request whose client went away (closed, or superseded by a newer request,
//   see request-signal.ts) leaves the queue, or has its query interrupted, as its connection is
//   its own while it runs.
// - Closable: close() refuses new work, interrupts what runs and waits for it before closing the
//   connections, so DuckDB is never closed under a running query (issue 15: the server aborted on a
//   mutex assertion or hung when the case was switched under load).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseStore } from '../store/case-store';
import type { CaseReader } from '../store/case-reader';
import { CancelledError, NetsiftError } from '../core/errors';
import { LaneCase } from './lane-case';
import { requestSignal } from './request-signal';

export type LaneName = 'grid' | 'host' | 'count' | 'charts' | 'deep' | 'scatter' | 'prefetch';

/** Lanes of quick calls: served first, in arrival order, on any free connection. */
const SHORT: ReadonlySet<LaneName> = new Set(['grid', 'host', 'count']);

/**
 * Connections one heavy lane may hold at once (all heavy lanes together: all but one of the
 * pool). The pair scatter and deep pages each keep to one, so charts always find room beside
 * them; read-ahead runs only when no other heavy call waits.
 */
const HEAVY_MAX: Partial<Record<LaneName, number>> = {
  charts: 2,
  deep: 1,
  scatter: 1,
  prefetch: 1,
};

/** Heavy lanes, quickest kind of call first (see nextWaiter). */
const HEAVY_ORDER: LaneName[] = ['deep', 'charts', 'scatter', 'prefetch'];

/** A heavy call waiting this long goes before quicker kinds (see nextWaiter). */
const AGED_MS = 2000;

/** How often a query interrupted for another request's sake (see run()) is tried again. */
const RETRIES = 2;

/** `NETSIFT_TRACE_LANES=1`: each run's wait for a connection and its time on it, to stderr. */
const TRACE = !!process.env.NETSIFT_TRACE_LANES;

/** How often an interrupt is repeated until the interrupted run has ended (see run()). */
const INTERRUPT_REPEAT_MS = 20;

interface Waiter {
  lane: LaneName;
  /** When it began to wait (performance.now()). */
  since: number;
  grant(conn: DuckDBConnection): void;
  fail(e: Error): void;
}

export interface RunOptions {
  /** Work nobody waits for (read-ahead): never tied to the request that started it. */
  background?: boolean;
}

export class QueryLanes {
  private readonly idle: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  /** Connections being opened (counted against the size). */
  private opening = 0;
  /** Connection -> the interrupt of the run holding it. */
  private readonly held = new Map<DuckDBConnection, () => void>();
  private readonly queue: Waiter[] = [];
  /** Connections each lane holds now. */
  private readonly active = new Map<LaneName, number>();
  /** Connections the heavy lanes hold now, together. */
  private heavyActive = 0;
  private closing: Promise<void> | null = null;
  private released: (() => void) | null = null;

  constructor(
    readonly store: CaseStore,
    readonly size = 3,
    /**
     * Awaited before a heavy lane takes a connection while no heavy work runs (the service lets
     * the grid's pages go first, see grid-first.ts). Under load heavy work always runs, and its
     * calls are the slow end of the latencies already: they queue, they do not wait twice.
     */
    private readonly waitFor?: (lane: LaneName) => Promise<void>,
  ) {}

  private mayWait(lane: LaneName): boolean {
    return !!this.waitFor && !SHORT.has(lane) && this.heavyActive === 0;
  }

  /**
   * Runs `fn` with the case seen through a connection of its own, taken when fn first queries
   * (an answer from the caches, memo.ts, needs no connection and never waits in the queue).
   * Rejects with CancelledError when the request's client went away, and with a usage error
   * when the case is closed meanwhile.
   */
  async run<T>(
    lane: LaneName,
    fn: (view: CaseReader) => Promise<T>,
    opts: RunOptions = {},
  ): Promise<T> {
    const signal = opts.background ? undefined : requestSignal();
    if (this.closing) throw closedError();
    if (signal?.aborted) throw new CancelledError('request');
    for (let attempt = 0; ; attempt++) {
      const lease = this.lease(lane, signal);
      try {
        return await fn(lease.view);
      } catch (e) {
        if (!isInterrupt(e)) throw e;
        if (signal?.aborted) throw new CancelledError('request');
        if (this.closing) throw closedError();
        // interrupted for someone else: a cached computation this run awaited was another
        // request's, and that request went away (memo.ts drops the failed entry): compute it here
        if (attempt >= RETRIES)
          throw new NetsiftError('the query was interrupted; try again', 'cancelled');
      } finally {
        lease.end();
      }
    }
  }

  /** A view of the store that takes a connection of `lane` on its first statement. */
  private lease(
    lane: LaneName,
    signal: AbortSignal | undefined,
  ): { view: CaseReader; end(): void } {
    let conn: DuckDBConnection | null = null;
    let taking: Promise<DuckDBConnection> | null = null;
    let ended = false;
    const asked = { at: 0, granted: 0 };
    // An interrupt reaches only a statement DuckDB has begun: one that arrives while the next
    // statement is being prepared is lost. So, once asked, interrupt until the run has ended.
    let repeat: NodeJS.Timeout | undefined;
    const interrupt = () => {
      if (!conn) return;
      const c = conn;
      c.interrupt();
      repeat ??= setInterval(() => c.interrupt(), INTERRUPT_REPEAT_MS);
    };
    const giveBack = (c: DuckDBConnection) => {
      if (TRACE)
        process.stderr.write(
          `lane ${lane} wait ${(asked.granted - asked.at).toFixed(0)} ms run ${(performance.now() - asked.granted).toFixed(0)} ms\n`,
        );
      clearInterval(repeat);
      signal?.removeEventListener('abort', interrupt);
      this.held.delete(c);
      this.release(lane, c);
    };
    const bound = (): Promise<DuckDBConnection> =>
      (taking ??= ((asked.at = performance.now()),
      this.mayWait(lane) ? this.waitFor!(lane) : Promise.resolve())
        .then(() => this.acquire(lane, signal))
        .then((c) => {
          asked.granted = performance.now();
          if (ended) {
            giveBack(c); // the run finished without waiting for its statement
            throw new CancelledError('request');
          }
          conn = c;
          this.held.set(c, interrupt);
          signal?.addEventListener('abort', interrupt, { once: true });
          if (signal?.aborted) throw new CancelledError('request');
          return c;
        }));
    return {
      view: new LaneCase(this.store, bound),
      end: () => {
        ended = true;
        if (conn) giveBack(conn);
        conn = null;
      },
    };
  }

  private acquire(lane: LaneName, signal: AbortSignal | undefined): Promise<DuckDBConnection> {
    if (this.closing) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(new CancelledError('request'));
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const onAbort = () => {
        // once granted (its connection may still be opening) the waiter is the run's to give
        // back: the run sees the abort when the connection arrives
        const i = this.queue.indexOf(waiter);
        if (i < 0) return;
        this.queue.splice(i, 1);
        reject(new CancelledError('request'));
      };
      const waiter: Waiter = {
        lane,
        since: performance.now(),
        grant: (conn) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(conn);
        },
        fail: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.dispatch();
    });
  }

  /** Hands free (or new) connections to the most urgent waiters their lanes allow. */
  private dispatch(): void {
    for (;;) {
      if (this.closing) return;
      const next = this.nextWaiter();
      if (!next) return;
      const conn = this.idle.pop();
      if (conn) {
        this.grant(next, conn);
        continue;
      }
      if (this.all.length + this.opening >= this.size) return;
      this.grant(next, null);
    }
  }

  /**
   * The oldest waiting short call; else, while the heavy lanes leave a connection for short
   * calls, a heavy call whose lane is under its limit: the quickest kind first (deep pages, what
   * a scrolling analyst waits on; then the charts, tens to hundreds of milliseconds; then the
   * pair scatter, up to seconds; read-ahead last), unless one has waited AGED_MS: then the
   * oldest, so under a long overload the order is arrival and nothing starves.
   */
  private nextWaiter(): Waiter | undefined {
    const short = this.queue.find((w) => SHORT.has(w.lane));
    if (short) return short;
    if (this.heavyActive >= Math.max(1, this.size - 1)) return undefined;
    const open = this.queue.filter(
      (w) => (this.active.get(w.lane) ?? 0) < (HEAVY_MAX[w.lane] ?? 1),
    );
    if (!open.length) return undefined;
    if (performance.now() - open[0].since >= AGED_MS) return open[0];
    for (const lane of HEAVY_ORDER) {
      const w = open.find((x) => x.lane === lane);
      if (w) return w;
    }
    return undefined;
  }

  private count(lane: LaneName, by: 1 | -1): void {
    this.active.set(lane, (this.active.get(lane) ?? 0) + by);
    if (!SHORT.has(lane)) this.heavyActive += by;
  }

  private grant(w: Waiter, conn: DuckDBConnection | null): void {
    this.queue.splice(this.queue.indexOf(w), 1);
    this.count(w.lane, 1);
    if (conn) {
      w.grant(conn);
      return;
    }
    this.opening++;
    this.store.connect().then(
      (c) => {
        this.opening--;
        this.all.push(c);
        if (this.closing) {
          this.count(w.lane, -1);
          w.fail(closedError());
          this.release(null, c);
        } else w.grant(c);
      },
      (e: Error) => {
        this.opening--;
        this.count(w.lane, -1);
        w.fail(e);
        this.dispatch();
      },
    );
  }

  private release(lane: LaneName | null, conn: DuckDBConnection): void {
    if (lane) this.count(lane, -1);
    this.idle.push(conn);
    if (this.closing) {
      if (this.held.size === 0 && this.opening === 0) this.released?.();
    } else this.dispatch();
  }

  /**
   * Refuses new work, fails what waits, interrupts what runs, waits for it to stop, then closes
   * every connection. Safe to call twice (the second call waits for the first).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const w of this.queue.splice(0)) w.fail(closedError());
      if (this.held.size > 0 || this.opening > 0) {
        const done = new Promise<void>((r) => (this.released = r));
        for (const interrupt of this.held.values()) interrupt();
        await done;
      }
      for (const c of this.all) {
        try {
          c.closeSync();
        } catch {
          // already closed
        }
      }
      this.all.length = 0;
      this.idle.length = 0;
    })();
    return this.closing;
  }
}

function closedError(): NetsiftError {
  return new NetsiftError('the case was closed (switched to another case or shut down)', 'usage');
}

/** DuckDB's answer to conn.interrupt(). */
export function isInterrupt(e: unknown): boolean {
  return e instanceof Error && /\bINTERRUPT\b|Interrupted/.test(e.message);
}
