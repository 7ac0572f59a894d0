// A case whose flows live on ClickHouse is as usable for a report and for address context as a
// DuckDB case (issue 19): the bundled sample (and a small file of awkward values) imported into a
// DuckDB case and into chdb (the current ClickHouse engine in process) under a case that records
// its store, each analysed where its flows are; then the report of the top incident and of all of
// them (evidence CSV byte for byte, the HTML's incident sections and figures, the JSON's flow
// figures) and the country, AS and names on flow pages and the host panel are the same.
// chdb is an optional package (tests/chdb/): without it this skips and says so.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { decoratePage } from '../../src/engine/context/flow-page-context';
import { hostContext } from '../../src/engine/context/host-context';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { DuckDbFlowStore } from '../../src/engine/flowstore/duckdb-flow-store';
import { FLOW_STORE_SETTING } from '../../src/engine/flowstore/flow-store-setting';
import { importFiles } from '../../src/engine/import/pipeline';
import { queryFlows } from '../../src/engine/query/flows';
import { writeEvidenceCsv } from '../../src/engine/report/csv';
import { exportReport } from '../../src/engine/report/export';
import { writeStoreEvidenceCsv } from '../../src/engine/report/store-evidence';
import type { TriagedReport } from '../../src/engine/report/types';
import { CaseStore } from '../../src/engine/store/case-store';
import type { Incident } from '../../src/shared/model';
import type { FlowsRequest } from '../../src/shared/query';
import {
  DNS_NAMES_SQL,
  incidentSections,
  writeAwkwardCsv,
  FORMULA_LABELS,
  labelPort,
  neutralCharts,
} from '../helpers/report-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));

describe.skipIf(!chdb.mod)(
  `a case whose flows are on ClickHouse (chdb): reports and address context as a DuckDB case${
    chdb.mod ? '' : ` (skipped: ${chdb.why})`
  }`,
  () => {
    const tmp = makeTmpDir('netsift-report-store-');
    const awkward = tmp.file('awkward.csv');
    let ref: CaseStore;
    let local: CaseStore;
    let ch: ClickHouseFlowStore;
    let top: Incident;

    beforeAll(async () => {
      writeAwkwardCsv(awkward);
      ref = await CaseStore.open(tmp.file('ref.duckdb'));
      // the DuckDB case gets its country/AS as an import does (geo_addrs)
      await importFiles(ref, [SAMPLE, awkward]).result;
      local = await CaseStore.open(tmp.file('local.duckdb'));
      // what connecting a case to its server records (case-link.ts): the case holds no flows
      await local.setSetting(FLOW_STORE_SETTING, {
        url: 'clickhouse://netsift@127.0.0.1:8123/default',
        mapping: null,
      });
      ch = await ClickHouseFlowStore.create(await ChdbExecutor.open(chdb.mod!), {
        caseStore: local,
      });
      expect((await ch.importFiles([SAMPLE, awkward]).result).flows).toBe(
        (await ref.one<{ n: number }>('SELECT count(*) AS n FROM flows'))!.n,
      );
      await runDetection(ref).result;
      await runDetection(local, { flowStore: ch }).result;
      // names from DNS live in the local case of either kind
      for (const c of [ref, local]) await c.run(DNS_NAMES_SQL);
      const inc = await ref.one<Incident>(
        'SELECT id, key FROM incidents ORDER BY score DESC, key LIMIT 1',
      );
      top = inc!;
    }, 600_000);
    afterAll(async () => {
      await ch?.close();
      ref?.close();
      local?.close();
      tmp.cleanup();
    });

    it('writes the same evidence CSV for the top incident and for all of them', async () => {
      for (const incidents of [[top.key], []]) {
        const a = tmp.file(`ref-${incidents.length}.csv`);
        const b = tmp.file(`ch-${incidents.length}.csv`);
        const ra = await exportReport(ref, a, { incidents });
        const rb = await exportReport(local, b, { incidents }, ch);
        expect(rb.flows).toBe(ra.flows);
        expect(ra.flows).toBeGreaterThan(incidents.length ? 10 : 1000);
        const [x, y] = [fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')];
        expect(y.split('\n').length).toBe(x.split('\n').length);
        expect(y === x, 'the two CSV files differ').toBe(true);
      }
    });

    it('escapes formulas and quotes in the server flows as in the case: the same file', async () => {
      // hand-made incidents over the awkward file's flows (labels that start formulas, quotes,
      // commas, non-ASCII; microsecond times out of id order)
      const incidents = FORMULA_LABELS.map(
        (_, i) =>
          ({
            id: 900 + i,
            type: '=cmd|"x"',
            evidence: { importIds: [2], srcPorts: [labelPort(i)] },
          }) as unknown as Incident,
      );
      incidents.push({ id: 999, type: 'all', evidence: { importIds: [2] } } as unknown as Incident);
      const a = tmp.file('esc-ref.csv');
      const b = tmp.file('esc-ch.csv');
      const na = await writeEvidenceCsv(ref, incidents, a);
      const nb = await writeStoreEvidenceCsv(ch, incidents, b, {});
      expect(nb).toBe(na);
      const text = fs.readFileSync(b, 'utf8');
      expect(text).toBe(fs.readFileSync(a, 'utf8'));
      expect(text).toContain(`"'=SUM(A1:A9)"`);
      expect(text).toContain(`"'@evil"`);
      expect(text).toContain(`"'=cmd|""x"""`);
      // smaller keyset pages than rows: the same file again
      const c = tmp.file('esc-ch-paged.csv');
      await writeStoreEvidenceCsv(new PagedStore(ch, 3), incidents, c);
      expect(fs.readFileSync(c, 'utf8')).toBe(text);
      // and through the DuckDB case's own flow store
      const d = tmp.file('esc-duck.csv');
      await writeStoreEvidenceCsv(new PagedStore(new DuckDbFlowStore(ref), 2), incidents, d);
      expect(fs.readFileSync(d, 'utf8')).toBe(text);
    });

    it('renders the same HTML incident sections, flow figures and timelines', async () => {
      const a = tmp.file('ref.html');
      const b = tmp.file('ch.html');
      await exportReport(ref, a, { incidents: [top.key], title: 't' });
      await exportReport(local, b, { incidents: [top.key], title: 't' }, ch);
      const [x, y] = [fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')];
      const sx = incidentSections(x);
      expect(sx.length).toBe(1);
      // top evidence flows, the incident's timeline, its hosts' country/AS
      expect(incidentSections(y)).toEqual(sx);
      expect(sx[0]).toMatch(/<tbody><tr><td>2017-01-27 /);
      // the summary's figures and the case timeline come from the server
      const summary = (h: string) =>
        neutralCharts(h.slice(h.indexOf('<h2>Summary</h2>'), h.indexOf('<h3>Incidents')));
      expect(summary(y)).toEqual(summary(x));
      expect(summary(y)).toContain('<svg');
    });

    it('gives the same JSON: flow figures, incidents, the hosts country and AS', async () => {
      const a = tmp.file('ref.json');
      const b = tmp.file('ch.json');
      await exportReport(ref, a, {});
      await exportReport(local, b, {}, ch);
      const [x, y] = [a, b].map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as TriagedReport);
      const figures = (r: TriagedReport) => ({
        flows: r.summary.flows,
        rejects: r.summary.rejects,
        first: r.summary.first_ts,
        last: r.summary.last_ts,
        imports: r.summary.imports.map((i) => [i.path, i.sha256, i.rows_read, i.rows_rejected]),
      });
      expect(figures(y)).toEqual(figures(x));
      expect(x.summary.flows).toBeGreaterThan(100_000);
      const inc = (r: TriagedReport) =>
        r.incidents.map((i) => [i.key, i.type, i.attacker, i.flow_count]);
      expect(inc(y)).toEqual(inc(x));
      expect(Object.keys(x.address_context!.hosts).length).toBeGreaterThan(0);
      expect(y.address_context!.hosts).toEqual(x.address_context!.hosts);
      // what was looked up for the server case, from the same data as the case's enrichment
      expect(y.address_context!.geo.versions).toEqual(x.address_context!.geo.versions);
      expect(y.address_context!.geo.addresses).toBe(
        new Set(x.incidents.flatMap((i) => [i.attacker, ...i.victims]).filter(Boolean)).size,
      );
    });

    it("shows country, AS and names on the server's flow pages as on the case's", async () => {
      const reqs: FlowsRequest[] = [
        { offset: 0, limit: 300, filter: 'dst port 53' },
        { offset: 0, limit: 300, sort: [{ column: 'bytes', dir: 'desc' }] },
        { offset: 0, limit: 100, filter: 'dst ip 151.101.19.250 or src ip 192.168.1.10' },
        { offset: 0, limit: 50, filter: 'dst port 443 and src port 41000-41010' },
      ];
      let withCountry = 0;
      let withNames = 0;
      for (const req of reqs) {
        const want = await decoratePage(ref, (await queryFlows(ref, req)).rows);
        const got = await decoratePage(local, (await ch.queryFlows(req)).rows, {
          serverFlows: true,
        });
        expect(got).toEqual(want);
        withCountry += want.filter((r) => r.dst_country || r.src_country).length;
        withNames += want.filter((r) => r.src_names?.length || r.dst_names?.length).length;
      }
      expect(withCountry).toBeGreaterThan(10);
      expect(withNames).toBeGreaterThan(0);
    });

    it('shows the same country, AS and names in the host panel', async () => {
      const hosts = (
        await ref.all<{ ip: string }>(
          'SELECT ip FROM geo_addrs ORDER BY asn NULLS LAST, ip LIMIT 3',
        )
      ).map((r) => r.ip);
      hosts.push('8.8.8.8', '192.168.1.10');
      for (const ip of hosts) {
        const want = await hostContext(ref.conn, ip);
        const got = await hostContext(local.conn, ip);
        expect({ geo: got.geo, names: got.names }).toEqual({ geo: want.geo, names: want.names });
      }
      expect((await hostContext(local.conn, hosts[0])).geo?.asn).not.toBeNull();
    });
  },
);

/** A flow store whose scans come in pages of `batch` rows (keyset paging over many pages). */
class PagedStore {
  constructor(
    private readonly inner: ClickHouseFlowStore | DuckDbFlowStore,
    private readonly batch: number,
  ) {}
  scanFlows(...[sel, onBatch]: Parameters<ClickHouseFlowStore['scanFlows']>) {
    return this.inner.scanFlows(sel, onBatch, { batch: this.batch });
  }
}
