// The query result cache keeps what is asked for again: the least recently used answer goes first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store';
import { MAX_ENTRIES, memo } from './memo';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

describe('memo', () => {
  it('keeps an answer asked for again while many one-off answers come and go', async () => {
    let computed = 0;
    const hot = () =>
      memo(store, 'charts of a filter', async () => {
        computed++;
        return 'hot';
      });
    await hot();
    for (let i = 0; i < 3 * MAX_ENTRIES; i++) {
      await memo(store, `brushed range ${i}`, async () => i);
      if (i % 50 === 0) expect(await hot()).toBe('hot');
    }
    expect(await hot()).toBe('hot');
    expect(computed).toBe(1);
  });

  it('still holds at most MAX_ENTRIES: the oldest one-off goes', async () => {
    let again = 0;
    await memo(store, 'first', async () => 1);
    for (let i = 0; i < MAX_ENTRIES; i++) await memo(store, `k${i}`, async () => i);
    await memo(store, 'first', async () => {
      again++;
      return 1;
    });
    expect(again).toBe(1);
  });
});
