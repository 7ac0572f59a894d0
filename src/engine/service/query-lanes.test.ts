// The query pool on a real DuckDB case: a request that goes away leaves the queue or has its query
// interrupted, close() waits for running queries before closing DuckDB, grid pages go first.
import { afterEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store';
import { CancelledError } from '../core/errors';
import { QueryLanes } from './query-lanes';
import { withRequestSignal } from './request-signal';

/** Runs for minutes unless interrupted. */
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000000) t(x) WHERE x % 7 = 3';

describe('QueryLanes', () => {
  let store: CaseStore | null = null;
  afterEach(() => {
    store?.close();
    store = null;
  });
  const open = async (size = 2) => {
    store = await CaseStore.open(':memory:', { threads: 1 });
    return new QueryLanes(store, size);
  };
  /** Resolves once fn has started, and a moment more for its statement to be running in DuckDB. */
  const started = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
  };

  it('interrupts the running query of a request whose client went away', async () => {
    const lanes = await open();
    const gone = new AbortController();
    let running = false;
    const q = withRequestSignal(gone.signal, () =>
      lanes.run('charts', (s) => {
        running = true;
        return s.all(ENDLESS);
      }),
    );
    await started(() => running);
    gone.abort();
    await expect(q).rejects.toBeInstanceOf(CancelledError);
    // the connection is free again and answers the next request
    expect(await lanes.run('charts', (s) => s.one<{ x: number }>('SELECT 42 AS x'))).toEqual({
      x: 42,
    });
    await lanes.close();
  });

  it('drops a queued request whose client went away, without running it', async () => {
    const lanes = await open(1);
    const blocker = new AbortController();
    let running = false;
    const first = withRequestSignal(blocker.signal, () =>
      lanes.run('grid', (s) => {
        running = true;
        return s.all(ENDLESS);
      }),
    );
    await started(() => running);
    const gone = new AbortController();
    let ran = false;
    const queued = withRequestSignal(gone.signal, () =>
      lanes.run('grid', async (s) => {
        await s.all('SELECT 1');
        ran = true;
      }),
    );
    gone.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    blocker.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect(ran).toBe(false);
    await lanes.close();
  });

  it('close() interrupts and waits for running queries, then refuses new ones', async () => {
    const lanes = await open();
    let running = 0;
    const slow = [1, 2].map(() =>
      lanes.run('grid', (s) => {
        running++;
        return s.all(ENDLESS);
      }),
    );
    await started(() => running === 2);
    const queued = lanes.run('charts', (s) => s.all('SELECT 1'));
    const all = Promise.allSettled([...slow, queued]);
    await lanes.close();
    // both ended before close() returned: nothing runs on a closed connection
    const settled = await all;
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/case was closed/);
    await expect(lanes.run('grid', (s) => s.all('SELECT 1'))).rejects.toThrow(/case was closed/);
    // the store's own connection is still usable and closes cleanly
    expect(await store!.one<{ x: number }>('SELECT 7 AS x')).toEqual({ x: 7 });
  });

  it('answers from the caches without waiting for a connection', async () => {
    const lanes = await open(1);
    const blocker = new AbortController();
    let running = false;
    const first = withRequestSignal(blocker.signal, () =>
      lanes.run('grid', (s) => {
        running = true;
        return s.all(ENDLESS);
      }),
    );
    await started(() => running);
    // the only connection is busy: a run that needs no statement still answers
    expect(await lanes.run('charts', async () => 'cached')).toBe('cached');
    blocker.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await lanes.close();
  });

  it('hands a free connection to a waiting grid page before waiting charts', async () => {
    const lanes = await open(1);
    const blocker = new AbortController();
    let running = false;
    const first = withRequestSignal(blocker.signal, () =>
      lanes.run('count', (s) => {
        running = true;
        return s.all(ENDLESS);
      }),
    );
    await started(() => running);
    const order: string[] = [];
    const charts = lanes.run(
      'charts',
      async (s) => void (await s.all('SELECT 1'), order.push('charts')),
    );
    const grid = lanes.run('grid', async (s) => void (await s.all('SELECT 1'), order.push('grid')));
    blocker.abort();
    await Promise.allSettled([first, charts, grid]);
    expect(order).toEqual(['grid', 'charts']);
    await lanes.close();
  });
});
