// A folder that receives nfcapd files one by one, written by nfcapd itself: softflowd replays a
// capture's parts on loopback (one run per part), nfcapd rotates its file every 2 s
// (nfcapd.current.<pid> renamed to nfcapd.YYYYMMDDhhmmss), and the follower imports each file
// once it is renamed into place. The followed case holds the same flows as a case that imports the
// finished files at once, and detection run at the end finds the same incidents.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { Follower } from '../../src/engine/follow/follower';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths } from '../helpers/import-files';
import { tcpRefused, tcpSession, udpExchange, writePcap, type Pkt } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';
import { nfcapd, softflowd, until, which } from '../netflow/flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const missing = ['softflowd', 'nfcapd', 'nfdump'].filter((t) => !which(t));
const SKIP = missing.length
  ? ` (SKIPPED: ${missing.join(', ')} not installed; apt-get install softflowd nfdump)`
  : '';

/** Part k of a capture: office traffic, and from part 1 on a host probing closed ports. */
function part(k: number): string {
  const file = tmp.file(`part-${k}.pcap`);
  const pkts: Pkt[] = [];
  const T = 1_700_000_000 + k * 120;
  for (let i = 0; i < 150; i++)
    pkts.push(
      ...tcpSession(
        T + i * 0.7,
        `10.1.0.${(i % 40) + 1}`,
        20000 + k * 1000 + i,
        `10.2.0.${(i % 7) + 1}`,
        [80, 443][i % 2],
        60 + i,
        400 + i * 3,
      ),
    );
  for (let i = 0; i < 60; i++)
    pkts.push(
      ...udpExchange(
        T + i * 1.9 + 0.1,
        `10.1.0.${(i % 40) + 1}`,
        30000 + k * 100 + i,
        '10.2.0.53',
        53,
      ),
    );
  if (k > 0)
    for (let i = 0; i < 120; i++)
      pkts.push(
        ...tcpRefused(
          T + i * 0.4 + 0.2,
          '10.1.66.6',
          41000 + k * 200 + i,
          '10.2.0.9',
          1000 + (k - 1) * 120 + i,
        ),
      );
  pkts.sort((a, b) => a.ts - b.ts);
  writePcap(file, pkts);
  return file;
}

async function incidentsOf(store: CaseStore) {
  return store.all(
    `SELECT key, type, attacker, victims, round(score, 6) AS score, first_seen, last_seen, flow_count, alert_count
     FROM incidents ORDER BY key`,
  );
}

describe(`following a folder nfcapd rotates into${SKIP}`, () => {
  it.skipIf(missing.length > 0)(
    'imports each file once it is renamed into place: the same flows and incidents as the finished files imported at once',
    { timeout: 180_000 },
    async () => {
      const dir = tmp.file('flows');
      fs.mkdirSync(dir);
      const parts = [0, 1, 2].map(part);
      const collector = await nfcapd(dir, 2);
      const store = await CaseStore.open(tmp.file('followed.duckdb'));
      let files: string[] = [];
      try {
        const f = await Follower.start(store, {
          source: { kind: 'folder', path: dir },
          pollSeconds: 0.1,
          noGeo: true,
          detectAtStop: true,
        });
        const seen: string[] = [];
        const ids: number[] = [];
        f.onBatch((b) => {
          seen.push(b.source);
          if (b.flowIds) ids.push(b.flowIds.last - b.flowIds.first + 1 - b.flows);
        });
        let flows = 0;
        for (const p of parts) {
          await softflowd(p, collector.port, 9);
          // the part's flows arrive once nfcapd has rotated them into a file and it was imported
          await until(`the flows of ${p}`, () => f.status().flows > flows, 60_000);
          flows = f.status().flows;
          expect(f.status().files!.inProgress).toBeLessThanOrEqual(1); // nfcapd.current.* only
        }
        files = await collector.stop();
        const all = fs.readdirSync(dir).filter((x) => /^nfcapd\.\d{14}$/.test(x));
        await until('every rotated file to be taken', () => {
          const s = f.status().files!;
          return s.imported + s.empty + s.failed.length >= all.length;
        });
        const end = await f.stop('test');
        expect(end.state).toBe('stopped');
        expect(end.files!.failed).toEqual([]);
        expect(end.files!.imported).toBeGreaterThanOrEqual(3); // one or more per part
        expect(end.files!.imported + end.files!.empty).toBe(all.length);
        // quiet intervals (the last rotation at least) leave files with no flows: counted, not
        // imported, and no reject for nfdump's "No matching flows"
        expect(end.files!.empty).toBeGreaterThan(0);
        expect(end.rejects).toBe(0);
        expect(seen.every((s) => /^nfcapd\.\d{14}$/.test(s))).toBe(true);
        expect(ids.length).toBe(end.files!.imported);
        expect(ids.every((d) => d === 0)).toBe(true); // each batch's id range holds its flows
        expect(end.detection).toMatchObject({ runs: 1, error: null });
      } finally {
        store.close();
      }

      // the finished files imported at once (the empty ones of quiet intervals carry no flows)
      const whole = await CaseStore.open(tmp.file('whole.duckdb'));
      const followed = await CaseStore.open(tmp.file('followed.duckdb'), { readOnly: true });
      try {
        const sum = await importPaths(whole, files.sort(), { keepGoing: true, noGeo: true });
        expect(
          sum.files.filter((x) => x.error && !/no flows in the capture/.test(x.error)),
        ).toEqual([]);
        await runDetection(whole).result;
        const a = await flowsOf(followed);
        expect(a.length).toBeGreaterThan(900);
        expect(a).toEqual(await flowsOf(whole));
        const inc = await incidentsOf(whole);
        expect(inc.length).toBeGreaterThan(0);
        expect(inc.map((x) => `${x.type}:${x.attacker}`)).toContain('vertical-scan:10.1.66.6');
        expect(await incidentsOf(followed)).toEqual(inc);
      } finally {
        whole.close();
        followed.close();
      }
    },
  );
});
