// The memory cap detection runs under (issue 16), on a real DuckDB: the limit holds while a run
// (or several overlapping ones) holds it, comes back after, and a case's own lower limit stays.
import { afterEach, describe, expect, it } from 'vitest';
import { runDetection } from '../analysis/runner';
import type { Detector } from '../detect/types';
import { CaseStore } from './case-store';
import { capMemory, memoryBytes } from './memory-cap';

const limit = async (s: CaseStore) =>
  memoryBytes((await s.one<{ m: string }>("SELECT current_setting('memory_limit') AS m"))?.m ?? '');

let store: CaseStore | null = null;
afterEach(() => store?.close());

describe('memory cap', () => {
  it('reads the sizes DuckDB prints and takes', () => {
    expect(memoryBytes('512MB')).toBe(512e6);
    expect(memoryBytes('18.8 GiB')).toBeCloseTo(18.8 * 2 ** 30);
    expect(memoryBytes('488.2 MiB')).toBeCloseTo(488.2 * 2 ** 20);
    for (const bad of ['', '512', 'lots', "1GB'; DROP TABLE flows; --", '1e3GB'])
      expect(memoryBytes(bad)).toBeNaN();
  });

  it('caps while held, by overlapping holders too, and gives the limit back after the last', async () => {
    store = await CaseStore.open(':memory:');
    const before = await limit(store);
    const a = await capMemory(store, '256MB');
    const b = await capMemory(store, '256MB');
    expect(await limit(store)).toBeLessThanOrEqual(256e6);
    await a();
    expect(await limit(store)).toBeLessThanOrEqual(256e6);
    await b();
    expect(await limit(store)).toBeCloseTo(before, -8);
  });

  it('leaves a lower limit the case was opened with', async () => {
    store = await CaseStore.open(':memory:', { memoryLimit: '100MB' });
    const release = await capMemory(store, '512MB');
    expect(await limit(store)).toBeLessThanOrEqual(100e6);
    await release();
    expect(await limit(store)).toBeLessThanOrEqual(100e6);
  });

  it('detection runs under DETECT_MEMORY_LIMIT or the one asked for, and the case gets its own back', async () => {
    store = await CaseStore.open(':memory:');
    const before = await limit(store);
    const seen: number[] = [];
    const probe: Detector = {
      id: 'probe',
      title: 'reads the memory limit',
      description: '',
      params: {},
      run: async (ctx) => {
        const r = await ctx.conn.runAndReadAll("SELECT current_setting('memory_limit') AS m");
        seen.push(memoryBytes(String(r.getRowObjectsJS()[0].m)));
        return [];
      },
    };
    await runDetection(store, { detectors: [probe] }).result;
    await runDetection(store, { detectors: [probe], memoryLimit: '128MB' }).result;
    expect(seen[0]).toBeLessThanOrEqual(512e6);
    expect(seen[1]).toBeLessThanOrEqual(128e6);
    expect(await limit(store)).toBeCloseTo(before, -8);
    expect(() => runDetection(store!, { memoryLimit: 'plenty' })).toThrow(
      /memory limit must be a size/,
    );
  });
});
