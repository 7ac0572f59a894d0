import { describe, expect, it } from 'vitest';
import { GridFirst } from './grid-first';

const later = (ms: number, log: string[], name: string) =>
  new Promise<string>((r) =>
    setTimeout(() => {
      log.push(name);
      r(name);
    }, ms),
  );

describe('GridFirst', () => {
  it('starts background work after the grid pages in flight', async () => {
    const g = new GridFirst(5_000);
    const log: string[] = [];
    const page = g.page(() => later(30, log, 'page'));
    const count = g.background(async () => {
      log.push('count started');
      return 'count';
    });
    expect(await Promise.all([page, count])).toEqual(['page', 'count']);
    expect(log).toEqual(['page', 'count started']);
  });

  it('runs background work at once when no page is running', async () => {
    const g = new GridFirst(5_000);
    const t0 = performance.now();
    expect(await g.background(async () => 7)).toBe(7);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('never holds background work longer than its limit', async () => {
    const g = new GridFirst(20);
    const log: string[] = [];
    let done!: () => void;
    const page = g.page(() => new Promise<void>((r) => (done = r)));
    await g.background(async () => log.push('ran'));
    expect(log).toEqual(['ran']);
    done();
    await page;
  });

  it('waits only for the pages in flight when it asked, not for pages started later', async () => {
    // under load a page is nearly always being read: waiting for "no page at all" held every
    // background call for the whole limit (issue 15)
    const g = new GridFirst(60_000);
    const log: string[] = [];
    let endFirst!: () => void;
    let endSecond!: () => void;
    const first = g.page(() => new Promise<void>((r) => (endFirst = r)));
    const count = g.background(async () => log.push('count'));
    const second = g.page(() => new Promise<void>((r) => (endSecond = r)));
    endFirst();
    await first;
    await count;
    expect(log).toEqual(['count']);
    endSecond();
    await second;
  });

  it('lets background work go when a page fails', async () => {
    const g = new GridFirst(5_000);
    const page = g.page(() => Promise.reject(new Error('bad filter')));
    const count = g.background(async () => 'count');
    await expect(page).rejects.toThrow('bad filter');
    expect(await count).toBe('count');
  });
});
