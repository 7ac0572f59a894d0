// A Zeek conn.log written line by line while the follower runs (a generated office capture with
// its attacks, as Zeek TSV): appended in cuts that end mid-line, a partial last line left waiting,
// then finished. The followed case holds the same flows as the finished log imported at once, and
// detection run at the end finds the same incidents.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { Follower } from '../../src/engine/follow/follower';
import { generateCapture } from '../../src/engine/generate/index';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths } from '../helpers/import-files';
import { makeTmpDir } from '../helpers/tmp';
import { until } from '../netflow/flow-tools';
import { zeekLogOf } from './zeek-log';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

async function incidentsOf(store: CaseStore) {
  return store.all(
    `SELECT key, type, attacker, victims, round(score, 6) AS score, first_seen, last_seen, flow_count, alert_count
     FROM incidents ORDER BY key`,
  );
}

describe('following a Zeek conn.log while it is written', () => {
  it(
    'gives the same flows and incidents as the finished log imported at once',
    { timeout: 240_000 },
    async () => {
      await generateCapture({ out: tmp.file('cap.csv'), minutes: 20, hosts: 30, seed: 3 });
      const text = zeekLogOf(tmp.file('cap.csv')).replace(/#close.*\n$/, '');
      const lastCut = text.lastIndexOf('\n', text.length - 2) + 20; // 19 bytes into the last line
      const file = tmp.file('conn.log');
      fs.writeFileSync(file, '');
      const store = await CaseStore.open(tmp.file('followed.duckdb'));
      try {
        const f = await Follower.start(store, {
          source: { kind: 'file', path: file },
          batchSeconds: 0.3,
          pollSeconds: 0.05,
          noGeo: true,
          detectAtStop: true,
        });
        // the hook incremental detection will take: each batch names exactly its flows
        const ranges: { first: number; last: number }[] = [];
        f.onBatch((b) => {
          if (b.flowIds) ranges.push(b.flowIds);
          expect(b.flowIds ? b.flowIds.last - b.flowIds.first + 1 : 0).toBe(b.flows);
        });
        const buf = Buffer.from(text);
        let x = 11;
        for (let pos = 0; pos < lastCut;) {
          x = (x * 1103515245 + 12345) % 2 ** 31;
          const n = Math.min(lastCut - pos, 1 + (x % 60_000));
          fs.appendFileSync(file, buf.subarray(pos, pos + n));
          pos += n;
          await new Promise((r) => setTimeout(r, 10));
        }
        const lines = text.split('\n').length - 1; // complete lines in the text
        const dataLines = lines - 8; // the header's 8 lines are not data
        // everything but the unfinished last line arrives; that line waits for its newline
        await until('the complete lines', () => {
          const s = f.status();
          return s.flows + s.rejects === dataLines - 1 && s.lag.unreadBytes === 0;
        });
        expect(f.status().file!.partialBytes).toBe(19);
        expect(f.status().lag.text).toBe('caught up');
        fs.appendFileSync(file, buf.subarray(lastCut));
        await until('the last line', () => f.status().flows + f.status().rejects === dataLines);
        const end = await f.stop('test');
        expect(end).toMatchObject({ state: 'stopped', rejects: 0, imports: [1] });
        expect(end.batches).toBeGreaterThan(1);
        expect(end.detection).toMatchObject({ runs: 1, error: null });
        expect(ranges[0].first).toBe(1);
        for (let i = 1; i < ranges.length; i++)
          expect(ranges[i].first).toBe(ranges[i - 1].last + 1);
        expect(ranges.at(-1)!.last).toBe(end.flows);
      } finally {
        store.close();
      }

      const whole = await CaseStore.open(tmp.file('whole.duckdb'));
      const followed = await CaseStore.open(tmp.file('followed.duckdb'), { readOnly: true });
      try {
        fs.writeFileSync(tmp.file('finished-conn.log'), text);
        await importPaths(whole, [tmp.file('finished-conn.log')], { noGeo: true });
        await runDetection(whole).result;
        const a = await flowsOf(followed);
        expect(a.length).toBeGreaterThan(5000);
        expect(a).toEqual(await flowsOf(whole));
        const inc = await incidentsOf(whole);
        expect(inc.length).toBeGreaterThan(2);
        expect(await incidentsOf(followed)).toEqual(inc);
        // one import, its size and sha256 those of the finished file
        const imp = await followed.all('SELECT size, sha256 FROM imports');
        const ref = await whole.all('SELECT size, sha256 FROM imports');
        expect(imp).toEqual(ref);
      } finally {
        whole.close();
        followed.close();
      }
    },
  );
});
