// Cancelling superseded queries on a real DuckDB: an aborted request's running query is
// interrupted (not left to finish), a request still waiting for the connection leaves without
// touching the one that runs, and a cached result shared with a cancelled request is computed
// again for the request that still wants it.
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../store/case-store';
import { CancelledError } from '../core/errors';
import { Supersede } from '../service/supersede';
import { gated, isCancellation } from './cancel';
import { countFlows } from './flows';
import { fixtureStore } from './fixture.test-helper';
import { memo } from './memo';

/** Far longer than any test waits: it only ends by interrupt. */
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000000) t(i) WHERE i % 7 = 3';

let store: CaseStore;
let conn2: DuckDBConnection;
let lane2: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
  conn2 = await store.connect();
  lane2 = Object.create(store, { conn: { value: conn2 } }) as CaseStore;
});
afterAll(() => {
  conn2.closeSync();
  store.close();
});

const started = () => new Promise((r) => setTimeout(r, 150));

describe('query cancellation', () => {
  it('interrupts the running query of an aborted request and frees the connection', async () => {
    const ac = new AbortController();
    let inner: Promise<unknown> | null = null;
    const req = gated(store, { signal: ac.signal }, () => (inner = store.one(ENDLESS)));
    await started();
    ac.abort();
    await expect(req).rejects.toBeInstanceOf(CancelledError);
    // the query itself was stopped in DuckDB (it would otherwise run for minutes)
    await expect(inner!).rejects.toThrow(/INTERRUPT/);
    // and the connection serves the next request
    expect(await countFlows(store, { filter: 'proto tcp' })).toBe(5);
  });

  it('a request aborted while it waits leaves the queue without interrupting the one that runs', async () => {
    const first = new AbortController();
    const running = gated(store, { signal: first.signal }, () =>
      store.one<{ n: number }>('SELECT count(*) AS n FROM range(30000000)'),
    );
    const waiting = new AbortController();
    let ran = false;
    const queued = gated(store, { signal: waiting.signal }, async () => {
      ran = true;
      return store.one(ENDLESS);
    });
    waiting.abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect((await running)?.n).toBe(30_000_000);
    expect(ran).toBe(false);
  });

  it('computes a shared cached result again when the request computing it is cancelled', async () => {
    const ac = new AbortController();
    const key = `test:${Math.random()}`;
    // request A computes the entry on the first connection; request B (another lane) joins it
    const a = gated(store, { signal: ac.signal }, () =>
      memo(store, key, async () => (await store.one<{ n: number }>(ENDLESS))!.n, ac.signal),
    );
    await started();
    const b = gated(lane2, {}, () => memo(lane2, key, async () => 42));
    await started(); // B is waiting on A's entry
    ac.abort();
    await expect(a).rejects.toBeInstanceOf(CancelledError);
    expect(await b).toBe(42);
  });

  it('a newer request with the same tag cancels the older one; other tags are untouched', async () => {
    const s = new Supersede();
    const seen: string[] = [];
    const work = (name: string) => (signal: AbortSignal | undefined) =>
      new Promise<string>((resolve, reject) => {
        signal?.addEventListener('abort', () => {
          seen.push(`${name} aborted`);
          reject(new CancelledError('query'));
        });
        setTimeout(() => resolve(name), 200);
      });
    const old = s.run('page:count', work('old'));
    const other = s.run('page:charts', work('other'));
    const fresh = s.run('page:count', work('fresh'));
    await expect(old).rejects.toSatisfy(isCancellation);
    expect(await fresh).toBe('fresh');
    expect(await other).toBe('other');
    expect(seen).toEqual(['old aborted']);
    // cancel() by tag (a pane closed)
    const closing = s.run('page:talkers', work('closing'));
    s.cancel(['page:talkers']);
    await expect(closing).rejects.toSatisfy(isCancellation);
  });
});
