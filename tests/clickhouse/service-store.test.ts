// The workspace's service on a case whose flows are on a real ClickHouse server (Debian's 18.16,
// started here on 127.0.0.1): connectStore creates the case, the grid, counts, charts and host
// panel read the server, the header's figures come from it, the password is never written, a
// wrong one leaves no case behind, a reopened case waits for its password, and detection says
// honestly that 18.16 cannot run it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import { defaultOps } from '../../src/engine/service/default-ops';
import { NetsiftService } from '../../src/engine/service/netsift-service';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `the service on a ClickHouse store${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-svc-ch-');
    const prevHome = process.env.NETSIFT_HOME;
    const prevPw = process.env.NETSIFT_TEST_CH_PW;
    let server: ChServer;
    let svc: NetsiftService;

    beforeAll(async () => {
      process.env.NETSIFT_HOME = tmp.file('home');
      server = await startClickHouse();
      const store = await openClickHouseStore(server.url(), { password: PASSWORDS.netsift });
      try {
        await store.importFiles([SAMPLE]).result;
      } finally {
        await store.close();
      }
      svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
    }, 300_000);
    afterAll(async () => {
      await svc?.close();
      await server?.stop();
      process.env.NETSIFT_HOME = prevHome;
      if (prevPw === undefined) delete process.env.NETSIFT_TEST_CH_PW;
      else process.env.NETSIFT_TEST_CH_PW = prevPw;
      tmp.cleanup();
    });

    it('refuses a wrong password and leaves no case behind', async () => {
      await expect(
        svc.connectStore({ url: server.url(), password: 'wrong', caseName: 'nope' }),
      ).rejects.toThrow(/password|authenticat/i);
      expect((await svc.recentCases()).map((c) => c.name)).not.toContain('nope');
      expect(fs.existsSync(path.join(tmp.file('home'), 'cases', 'nope.duckdb'))).toBe(false);
      // a password in the URL is refused before anything is made
      await expect(
        svc.connectStore({
          url: server.url().replace('netsift@', 'netsift:secret@'),
          caseName: 'nope2',
        }),
      ).rejects.toThrow(/holds a password/);
      // only NETSIFT_* variables may hold the password
      await expect(
        svc.connectStore({ url: server.url(), passwordEnv: 'HOME', caseName: 'nope3' }),
      ).rejects.toThrow(/only NETSIFT_\*/);
    });

    it('creates a case whose grids, charts and host panel read the server', async () => {
      const info = await svc.connectStore({
        url: server.url(),
        password: PASSWORDS.netsift,
        caseName: 'on the server',
      });
      expect(info.name).toBe('on the server');
      expect(info.flowStore).toMatchObject({
        kind: 'clickhouse',
        location: server.url(),
        connected: true,
        serverVersion: '18.16.1',
        detection: false,
        error: null,
      });
      expect(info.flows).toBe(147_537);
      expect(info.imports.map((i) => path.basename(i.path))).toEqual(['netsift-sample.csv.gz']);
      expect([info.firstTs, info.lastTs]).toEqual([
        '2017-01-27T16:24:42.000Z',
        '2017-01-27T17:34:41.000Z',
      ]);
      const page = await svc.flows({ offset: 0, limit: 5, filter: 'dst port 22' });
      expect(page.rows).toHaveLength(5);
      expect(page.rows.every((r) => r.dst_port === 22)).toBe(true);
      expect(await svc.countFlows({ filter: 'dst port 22' })).toBeGreaterThan(300);
      const tl = await svc.timeline({ maxBuckets: 50 });
      expect(tl.buckets.reduce((a, b) => a + b.flows, 0)).toBe(147_537);
      expect((await svc.topTalkers({ by: 'flows', limit: 3 })).length).toBe(3);
      const host = await svc.host('192.168.1.22');
      expect(host.flows_as_dst).toBeGreaterThan(0);
      // country and AS (the packaged data) on the server's pages and in the host panel
      const dns = await svc.flows({ offset: 0, limit: 20, filter: 'dst ip 8.8.8.8' });
      expect(dns.rows.length).toBe(20);
      for (const r of dns.rows) {
        expect(r.dst_asn).toBe(15169);
        expect(r.dst_country).toMatch(/^[A-Z]{2}$/);
        expect(r.src_country).toBeNull(); // a private address
      }
      expect((await svc.hostContext('8.8.8.8')).geo).toMatchObject({ asn: 15169 });
      expect((await svc.geoOf(['1.1.1.1']))[0].asn).toBe(13335);
      // the case file holds the URL, never the password
      for (const f of [info.path, `${info.path}.wal`].filter((x) => fs.existsSync(x)))
        expect(fs.readFileSync(f).toString('latin1')).not.toContain(PASSWORDS.netsift);
      expect(JSON.stringify(info)).not.toContain(PASSWORDS.netsift);
    });

    it('says detection needs a newer server, and leaves the case as it was', async () => {
      await expect(svc.rerunDetection()).rejects.toThrow(/22\.3 or later/);
      expect((await svc.caseInfo())?.analyzed).toBe(false);
    });

    it('reopens waiting for the password, then connects again', async () => {
      const id = (await svc.caseInfo())!.id;
      await svc.closeCase();
      const info = await svc.openCase(id);
      expect(info.flowStore).toMatchObject({ connected: false, location: server.url() });
      expect(info.flows).toBe(0);
      await expect(svc.flows({ offset: 0, limit: 5 })).rejects.toThrow(/connect to it/);
      await expect(svc.rerunDetection()).rejects.toThrow(/connect to it/);
      const again = await svc.connectStore({ url: server.url(), password: PASSWORDS.netsift });
      expect(again.flowStore?.connected).toBe(true);
      expect(again.flows).toBe(147_537);
    });

    it('connects by itself when the case names a password variable that is set', async () => {
      process.env.NETSIFT_TEST_CH_PW = PASSWORDS.netsift;
      const info = await svc.connectStore({
        url: server.url(),
        passwordEnv: 'NETSIFT_TEST_CH_PW',
        caseName: 'from env',
      });
      expect(info.flowStore).toMatchObject({ connected: true, passwordEnv: 'NETSIFT_TEST_CH_PW' });
      await svc.closeCase();
      const reopened = await svc.openCase(info.id);
      expect(reopened.flowStore?.connected).toBe(true);
      expect(reopened.flows).toBe(147_537);
    });
  },
);
