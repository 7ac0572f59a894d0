import fs from 'node:fs';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { withFileLock } from './file-lock';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

describe('withFileLock', () => {
  it('runs callers one at a time and releases on a throw', async () => {
    const lock = tmp.file('a.lock');
    let inside = 0;
    let most = 0;
    const run = (i: number) =>
      withFileLock(lock, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        if (i === 3) throw new Error('boom');
        return i;
      });
    const out = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => run(i)));
    expect(most).toBe(1);
    expect(out.filter((o) => o.status === 'rejected')).toHaveLength(1);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('waits for a live owner, then says who holds the lock', async () => {
    const lock = tmp.file('b.lock');
    const owner = { pid: process.pid, host: os.hostname(), nonce: 'x', at: '2026-01-01T00:00:00Z' };
    fs.writeFileSync(lock, JSON.stringify(owner));
    await expect(
      withFileLock(lock, () => 1, { timeoutMs: 200, what: 'the feed catalogue' }),
    ).rejects.toThrow(
      `the feed catalogue is locked by process ${process.pid} on ${os.hostname()} since 2026-01-01T00:00:00Z`,
    );
    expect(fs.existsSync(lock)).toBe(true);
  });

  it('takes over a lock older than staleMs and a lock file left empty', async () => {
    const lock = tmp.file('c.lock');
    const owner = { pid: process.pid, host: 'elsewhere', nonce: 'x', at: '2026-01-01T00:00:00Z' };
    fs.writeFileSync(lock, JSON.stringify(owner));
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(lock, old, old);
    expect(await withFileLock(lock, () => 'mine', { staleMs: 60_000 })).toBe('mine');
    fs.writeFileSync(lock, '');
    fs.utimesSync(lock, old, old);
    expect(await withFileLock(lock, () => 'again')).toBe('again');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
