// The match set copied into a case: from the stored feed files (guarded entries left out, entries
// cut by the allow-list replaced by their pieces), exactly the ranges held in memory.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { copyRangesToCase } from './case-ranges';
import { loadMatchSet } from './match-set';
import { FeedService } from './service';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

describe('copyRangesToCase', () => {
  it('copies from the feed files exactly what the match set holds, and skips an unchanged set', async () => {
    const svc = new FeedService(tmp.dir);
    fs.writeFileSync(
      tmp.file('l.txt'),
      ['45.33.32.156', '8.8.8.0/24', '10.0.0.0/8', '2a00:1450::/32', '91.198.174.0-91.198.174.15']
        .concat(Array.from({ length: 500 }, (_, i) => `52.${i % 250}.${i >> 3}.0/29`))
        .join('\n'),
    );
    await svc.add({ id: 'l', file: tmp.file('l.txt'), format: 'cidr-list' });
    await svc.setAllowList(['8.8.8.8']);
    const set = loadMatchSet(tmp.dir, ['192.168.0.0/16']);
    expect(set.files.map((f) => [f.feed_id, f.dropped.length, f.pieces.length])).toEqual([
      ['l', 2, 2], // 10.0.0.0/8 guarded; 8.8.8.0/24 cut in two around 8.8.8.8
    ]);
    const store = await CaseStore.open(':memory:');
    const conn = await store.connect();
    const rows = async () =>
      (
        await conn.runAndReadAll(
          'SELECT feed_id, feed_version, entry, lo::VARCHAR, hi::VARCHAR FROM intel_ranges ORDER BY ALL',
        )
      ).getRows();
    const expected = set.ranges
      .map((r) => [r.feed_id, r.feed_version, r.entry, String(r.lo), String(r.hi)])
      .sort((a, b) => (a.join('\t') < b.join('\t') ? -1 : 1));
    expect(await copyRangesToCase(store, conn, set)).toBe('files');
    const got = await rows();
    expect(got.length).toBe(set.ranges.length);
    expect([...got].sort((a, b) => (a.join('\t') < b.join('\t') ? -1 : 1))).toEqual(expected);
    expect(await copyRangesToCase(store, conn, set)).toBe('unchanged');
    // a file that no longer matches the set: the copy falls back to the ranges in memory
    await conn.run('DELETE FROM intel_ranges');
    fs.appendFileSync(set.files[0].file, '1.2.3.4\t10102030400\t10102030400\n');
    expect(await copyRangesToCase(store, conn, set)).toBe('memory');
    expect((await rows()).length).toBe(set.ranges.length);
    conn.closeSync();
    store.close();
  });
});
