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

  it('answers a short call while heavy calls run, leaving one connection to short calls', async () => {
    const lanes = await open(3);
    const stop = new AbortController();
    const running = new Set<string>();
    const heavy = (['charts', 'scatter', 'deep', 'charts'] as const).map((lane, i) =>
      withRequestSignal(stop.signal, () =>
        lanes.run(lane, async (s) => {
          await s.one('SELECT 1'); // a run takes its connection at its first statement
          running.add(`${lane}${i}`);
          return s.all(ENDLESS);
        }),
      ),
    );
    await started(() => running.size === 2);
    // two heavy calls hold two of the three connections; the others wait for them
    expect(running.size).toBe(2);
    // a count, then a page: each answered on the connection left to short calls
    expect(await lanes.run('count', (s) => s.one<{ n: number }>('SELECT 3 AS n'))).toEqual({
      n: 3,
    });
    expect(await lanes.run('grid', (s) => s.one<{ n: number }>('SELECT 4 AS n'))).toEqual({ n: 4 });
    expect(running.size).toBe(2);
    stop.abort();
    const settled = await Promise.allSettled(heavy);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
    await lanes.close();
  });

  it('serves short calls in arrival order, before any waiting heavy call', async () => {
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
    const order: string[] = [];
    const ask = (lane: 'count' | 'grid' | 'host' | 'scatter', name: string) =>
      lanes.run(lane, async (s) => void (await s.all('SELECT 1'), order.push(name)));
    const calls = [
      ask('scatter', 'scatter'),
      ask('count', 'count'),
      ask('host', 'host'),
      ask('grid', 'grid'),
    ];
    blocker.abort();
    await Promise.allSettled([first, ...calls]);
    expect(order).toEqual(['count', 'host', 'grid', 'scatter']);
    await lanes.close();
  });

  it('serves waiting heavy calls quickest kind first: deep pages, charts, then the scatter', async () => {
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
    const order: string[] = [];
    const ask = (lane: 'charts' | 'deep' | 'scatter', name: string) =>
      lanes.run(lane, async (s) => void (await s.all('SELECT 1'), order.push(name)));
    const calls = [ask('scatter', 'scatter'), ask('charts', 'charts'), ask('deep', 'deep')];
    blocker.abort();
    await Promise.allSettled([first, ...calls]);
    expect(order).toEqual(['deep', 'charts', 'scatter']);
    await lanes.close();
  });
});
