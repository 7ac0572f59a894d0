// The CLI against a real clickhouse-server: `netsift import --store`, `netsift store ...`; the
// password travels only in NETSIFT_CLICKHOUSE_PASSWORD, never into output or the case file.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/engine/store/case-store';
import { runCli } from '../helpers/cli';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `netsift import/store --store${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-chcli-');
    const csv = tmp.file('mixed.csv');
    const caseFile = tmp.file('case.duckdb');
    let server: ChServer;
    const env = { NETSIFT_CLICKHOUSE_PASSWORD: PASSWORDS.netsift };

    beforeAll(async () => {
      writeMixedCsv(csv);
      server = await startClickHouse();
    });
    afterAll(async () => {
      await server?.stop();
      tmp.cleanup();
    });

    it('imports into the store; the case records where the flows are, without the password', async () => {
      const r = await runCli(['import', csv, '--store', server.url(), '--case', caseFile], { env });
      expect(r.stderr).toContain(
        `importing into ${server.url()} (ClickHouse 18.16.1, clickhouse-18 dialect)`,
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/mixed\.csv: csv-mapped, 3,000 flows, 2 rejected/);
      expect(r.stdout + r.stderr).not.toContain(PASSWORDS.netsift);
      const c = await CaseStore.open(caseFile, { readOnly: true });
      try {
        expect(await c.getSetting('flow_store', null)).toEqual({
          url: server.url(),
          mapping: null,
        });
      } finally {
        c.close();
      }
      for (const f of fs.readdirSync(tmp.dir).filter((f) => f.startsWith('case.duckdb')))
        expect(fs.readFileSync(tmp.file(f)).includes(PASSWORDS.netsift)).toBe(false);
    });

    it('answers counts, pages and top talkers from the store', async () => {
      const count = await runCli(
        ['store', 'count', '--store', server.url(), '--filter', 'proto tcp'],
        { env },
      );
      expect(count.code).toBe(0);
      expect(Number(count.stdout.trim())).toBeGreaterThan(1000);
      const flows = await runCli(
        ['store', 'flows', '--store', server.url(), '--limit', '3', '--sort', 'bytes:desc'],
        { env },
      );
      expect(flows.stdout.trim().split('\n')).toHaveLength(3);
      const info = await runCli(['store', 'info', '--store', server.url('reader'), '--json'], {
        env: { NETSIFT_CLICKHOUSE_PASSWORD: PASSWORDS.reader },
      });
      expect(JSON.parse(info.stdout)).toMatchObject({
        kind: 'clickhouse',
        dialect: 'clickhouse-18',
        flows: 3000,
        imports: [{ id: 1, rows_read: 3000 }],
      });
    });

    it('a wrong password, a password in the URL, no password: clear errors and exit codes', async () => {
      const bad = await runCli(['store', 'count', '--store', server.url()], {
        env: { NETSIFT_CLICKHOUSE_PASSWORD: 'nope-nope' },
      });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(
        /^netsift store: clickhouse:\/\/netsift@127\.0\.0\.1:\d+\/default: wrong user name or password/,
      );
      expect(bad.stderr).not.toContain('nope-nope');
      const inUrl = await runCli([
        'store',
        'count',
        '--store',
        `clickhouse://netsift:${PASSWORDS.netsift}@127.0.0.1:${server.httpPort}/default`,
      ]);
      expect(inUrl.code).toBe(2);
      expect(inUrl.stderr).toMatch(
        /holds a password; remove it and set NETSIFT_CLICKHOUSE_PASSWORD/,
      );
      expect(inUrl.stderr).not.toContain(PASSWORDS.netsift);
      const missing = await runCli(['import', csv, '--store', server.url(), '--allow-duplicate'], {
        env: { NETSIFT_CLICKHOUSE_PASSWORD: '' },
      });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/wrong user name or password/);
    });
  },
);
