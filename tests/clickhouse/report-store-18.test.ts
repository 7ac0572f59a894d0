// The report of a case whose flows are on a real clickhouse-server (Debian's 18.16, which cannot
// run the detectors: no window functions): a case analysed on DuckDB is copied, its flows taken
// out and its store recorded, and the same files imported into the server (same import and flow
// ids). Its report then reads flows, figures and timelines from the server and equals the DuckDB
// case's: the evidence CSV byte for byte (also through `netsift report`, which connects to the
// case's server by itself), the HTML's incident sections and figures; pages and the host panel
// carry the same country, AS and names.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { decoratePage } from '../../src/engine/context/flow-page-context';
import { hostContext } from '../../src/engine/context/host-context';
import type { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { FLOW_STORE_SETTING } from '../../src/engine/flowstore/flow-store-setting';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import { importFiles } from '../../src/engine/import/pipeline';
import { queryFlows } from '../../src/engine/query/flows';
import { exportReport } from '../../src/engine/report/export';
import { CaseStore } from '../../src/engine/store/case-store';
import { runCli } from '../helpers/cli';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import {
  DNS_NAMES_SQL,
  incidentSections,
  neutralCharts,
  writeAwkwardCsv,
} from '../helpers/report-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `a case whose flows are on ClickHouse 18.16: its report and address context${
    CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''
  }`,
  () => {
    const tmp = makeTmpDir('netsift-report-ch18-');
    const awkward = tmp.file('awkward.csv');
    const serverCaseFile = tmp.file('server-case.duckdb');
    let server: ChServer;
    let ref: CaseStore;
    let local: CaseStore;
    let ch: ClickHouseFlowStore;
    let topKey: string;

    beforeAll(async () => {
      writeAwkwardCsv(awkward);
      server = await startClickHouse();
      const refFile = tmp.file('ref.duckdb');
      ref = await CaseStore.open(refFile);
      await importFiles(ref, [SAMPLE, awkward]).result;
      await runDetection(ref).result;
      await ref.run(DNS_NAMES_SQL);
      ref.close();
      // the analysed case, as it would be had it detected on a current server: incidents and
      // names, no flows, no country/AS table, its store recorded
      fs.copyFileSync(refFile, serverCaseFile);
      ref = await CaseStore.open(refFile);
      local = await CaseStore.open(serverCaseFile);
      await local.run('DELETE FROM flows');
      await local.run('DELETE FROM geo_addrs');
      await local.setSetting(FLOW_STORE_SETTING, { url: server.url(), mapping: null });
      ch = await openClickHouseStore(server.url(), {
        password: PASSWORDS.netsift,
        caseStore: local,
      });
      expect(ch.info.dialect).toBe('clickhouse-18');
      await ch.importFiles([SAMPLE, awkward]).result;
      topKey = (await ref.one<{ key: string }>(
        'SELECT key FROM incidents ORDER BY score DESC, key LIMIT 1',
      ))!.key;
    }, 600_000);
    afterAll(async () => {
      await ch?.close();
      ref?.close();
      local?.close();
      await server?.stop();
      tmp.cleanup();
    });

    it('writes the same evidence CSV (top incident and all) from the server', async () => {
      for (const incidents of [[topKey], []]) {
        const a = tmp.file(`ref-${incidents.length}.csv`);
        const b = tmp.file(`ch-${incidents.length}.csv`);
        const ra = await exportReport(ref, a, { incidents });
        const rb = await exportReport(local, b, { incidents }, ch);
        expect(ra.flows).toBeGreaterThan(10);
        expect(rb.flows).toBe(ra.flows);
        expect(fs.readFileSync(b, 'utf8') === fs.readFileSync(a, 'utf8')).toBe(true);
      }
    });

    it('renders the same HTML incident sections and figures from the server', async () => {
      const a = tmp.file('ref.html');
      const b = tmp.file('ch.html');
      await exportReport(ref, a, { incidents: [topKey], title: 't' });
      await exportReport(local, b, { incidents: [topKey], title: 't' }, ch);
      const [x, y] = [fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')];
      expect(incidentSections(y)).toEqual(incidentSections(x));
      const summary = (h: string) =>
        neutralCharts(h.slice(h.indexOf('<h2>Summary</h2>'), h.indexOf('<h3>Incidents')));
      expect(summary(y)).toEqual(summary(x));
    });

    it('netsift report on the case connects to its server and writes the same CSV', async () => {
      const a = tmp.file('ref-cli.csv');
      const b = tmp.file('ch-cli.csv');
      await exportReport(ref, a, { incidents: [topKey] });
      // the CLI opens the case itself: the test's handle lets go of it first
      local.close();
      try {
        const r = await runCli(
          ['report', '--case', serverCaseFile, '--incident', topKey, '--out', b],
          { env: { NETSIFT_CLICKHOUSE_PASSWORD: PASSWORDS.netsift } },
        );
        expect(r.stderr).toContain('reading flows on clickhouse://netsift@127.0.0.1');
        expect(r.code, r.stderr).toBe(0);
        expect(fs.readFileSync(b, 'utf8')).toBe(fs.readFileSync(a, 'utf8'));
        // a wrong password: a clear error naming the server, no file
        const bad = tmp.file('bad.csv');
        const w = await runCli(
          ['report', '--case', serverCaseFile, '--incident', topKey, '--out', bad],
          { env: { NETSIFT_CLICKHOUSE_PASSWORD: 'wrong' } },
        );
        expect(w.code).not.toBe(0);
        expect(w.stderr).toMatch(/127\.0\.0\.1.*(password|authenticat)/i);
        expect(fs.existsSync(bad)).toBe(false);
      } finally {
        local = await CaseStore.open(serverCaseFile);
      }
    });

    it('shows the same country, AS and names on pages and in the host panel', async () => {
      for (const req of [
        { offset: 0, limit: 300, filter: 'dst port 53' },
        { offset: 0, limit: 100, filter: 'dst ip 151.101.19.250 or src ip 192.168.1.10' },
      ]) {
        const want = await decoratePage(ref, (await queryFlows(ref, req)).rows);
        const got = await decoratePage(local, (await ch.queryFlows(req)).rows, {
          serverFlows: true,
        });
        expect(got).toEqual(want);
        expect(got.some((r) => r.dst_country)).toBe(true);
      }
      for (const ip of ['8.8.8.8', '151.101.19.250', '192.168.1.10']) {
        const want = await hostContext(ref.conn, ip);
        const got = await hostContext(local.conn, ip);
        expect({ geo: got.geo, names: got.names }).toEqual({ geo: want.geo, names: want.names });
      }
    });
  },
);
