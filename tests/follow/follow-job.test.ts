// Following as a job inside the process that holds the case, as `netsift serve` will run "Follow a
// folder" on the open case: progress events carry the flows and the lag, the workspace's queries
// keep answering on the same open case while batches arrive, an import the service runs beside
// the follower goes through the case's write gate so flow ids stay distinct and dense, and stop()
// ends the job with its final status.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFollow } from '../../src/engine/follow/follow-job';
import { writeGate } from '../../src/engine/follow/write-gate';
import { importFiles } from '../../src/engine/import/pipeline';
import { countFlows } from '../../src/engine/query/index';
import { CaseStore } from '../../src/engine/store/case-store';
import type { JobProgress } from '../../src/shared/model';
import { makeTmpDir } from '../helpers/tmp';
import { until } from '../netflow/flow-tools';
import { seedLines } from './seed-lines';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;

describe('following as a job on the open case', () => {
  it(
    'reports progress and lag, lets queries and gated imports run beside it, and stops with its status',
    { timeout: 120_000 },
    async () => {
      const file = tmp.file('live.csv');
      fs.writeFileSync(file, '');
      const store = await CaseStore.open(tmp.file('served.duckdb'));
      try {
        const handle = startFollow(
          store,
          {
            source: { kind: 'file', path: file },
            pollSeconds: 0.02,
            batchSeconds: 0.02,
            noGeo: true,
          },
          { progressMs: 50 },
        );
        const progress: JobProgress[] = [];
        handle.job.onProgress((p) => progress.push(p));
        await handle.follower;
        // the writer appends while the service imports other files and the workspace counts flows
        const writer = (async () => {
          for (let i = 0; i < 40; i++) {
            fs.appendFileSync(file, seedLines(T0 + i * 10, 100));
            await new Promise((r) => setTimeout(r, 15));
          }
        })();
        const imports = (async () => {
          for (let i = 0; i < 5; i++) {
            const other = path.join(tmp.dir, `upload-${i}.csv`);
            fs.writeFileSync(other, seedLines(T0 + 5000 + i * 100, 300));
            await writeGate(store).run(() => importFiles(store, [other], { noGeo: true }).result);
          }
        })();
        const counts: number[] = [];
        const reader = (async () => {
          while (counts.length < 20) {
            counts.push(await countFlows(store, {}));
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        await Promise.all([writer, imports, reader]);
        await until('every appended line', () => handle.status()!.flows === 4000);
        expect(counts.some((c) => c > 0)).toBe(true);
        const end = await handle.stop('Stop following');
        expect(await handle.job.result).toEqual(end);
        expect(handle.job.status).toBe('done');
        expect(end).toMatchObject({ state: 'stopped', flows: 4000, stopReason: 'Stop following' });
        const last = progress.at(-1)!;
        expect(last).toMatchObject({
          kind: 'follow',
          phase: 'following',
          done: 4000,
          unit: 'rows',
          message: 'caught up',
        });
        expect(progress.some((p) => p.done > 0 && p.done < 4000)).toBe(true);
        // ids: distinct and dense across the followed file's import and the five beside it
        const ids = await store.one<{ n: number; d: number; lo: number; hi: number }>(
          'SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM flows',
        );
        expect(ids).toEqual({ n: 5500, d: 5500, lo: 1, hi: 5500 });
      } finally {
        store.close();
      }
    },
  );

  it(
    'gives the new addresses of live batches their country and AS',
    { timeout: 120_000 },
    async () => {
      const file = tmp.file('geo.csv');
      fs.writeFileSync(
        file,
        '2024-03-01 10:00:00,udp,established,192.168.100.10,53000,8.8.8.8,53,60,120\n',
      );
      const store = await CaseStore.open(tmp.file('geo.duckdb'));
      try {
        const handle = startFollow(store, {
          source: { kind: 'file', path: file },
          pollSeconds: 0.02,
          batchSeconds: 0.02,
          geoEverySeconds: 0,
        });
        const f = await handle.follower;
        await until('the first country and AS', () => (f.status().geo?.runs ?? 0) >= 1, 60_000);
        fs.appendFileSync(
          file,
          '2024-03-01 10:00:05,tcp,closed,192.168.100.10,53001,147.32.84.165,443,600,1200\n',
        );
        await until('the second address', () => f.status().flows === 2);
        const end = await handle.stop();
        expect(end.geo).toMatchObject({ error: null });
        const geo = await store.all<{ ip: string; country: string; asn: number }>(
          'SELECT ip, country, asn FROM geo_addrs ORDER BY ip',
        );
        expect(geo).toEqual([
          { ip: '147.32.84.165', country: 'CZ', asn: 2852 },
          { ip: '8.8.8.8', country: 'US', asn: 15169 },
        ]);
      } finally {
        store.close();
      }
    },
  );

  it('fails the job with the reason when the request is refused', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const handle = startFollow(store, { source: { kind: 'folder', path: tmp.file('missing') } });
      await expect(handle.follower).rejects.toThrow(/missing: not found; nothing to follow/);
      await expect(handle.job.result).rejects.toThrow(/not found/);
      expect(handle.job.status).toBe('failed');
    } finally {
      store.close();
    }
  });
});
