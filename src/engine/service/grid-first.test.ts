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

  it('lets background work go when a page fails', async () => {
    const g = new GridFirst(5_000);
    const page = g.page(() => Promise.reject(new Error('bad filter')));
    const count = g.background(async () => 'count');
    await expect(page).rejects.toThrow('bad filter');
    expect(await count).toBe('count');
  });
});
