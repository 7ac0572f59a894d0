// The address-context methods of the service contract on a real case: a Zeek folder and the
// recorded capture imported through importFiles (as the workspace does), then the host context,
// country/AS and names for grid rows, the About data, and Export packets into NETSIFT_HOME/exports.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { waitJob } from '../../../tests/helpers/wait-job';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';
import { exportedFile } from './triage-ops';

const FIXTURES = path.resolve(import.meta.dirname, '../../../tests/fixtures');
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

describe('NetsiftService address context', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    svc = new NetsiftService({
      ops: defaultOps(),
      resourcesDir: tmp.file('no-resources'),
      threads: 1,
    });
    fs.copyFileSync(path.join(FIXTURES, 'context/dns-http.pcap'), tmp.file('dns-http.pcap'));
    fs.cpSync(path.join(FIXTURES, 'zeek-context'), tmp.file('zeek-context'), { recursive: true });
    svc.grant(tmp.dir);
    const job = await svc.importFiles({
      sources: [{ path: tmp.file('zeek-context') }, { path: tmp.file('dns-http.pcap') }],
    });
    const done = await waitJob(svc, job.id);
    expect(done.error).toBeNull();
  });
  afterAll(() => {
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('answers the host context, country/AS and names of grid rows', async () => {
    const h = await svc.hostContext('192.168.1.50');
    expect(h.items.map((i) => i.kind).sort()).toEqual(['dns', 'dns', 'dns', 'dns', 'http', 'tls']);
    const [g, priv] = await svc.geoOf(['142.250.74.68', '192.168.1.50']);
    expect(g).toMatchObject({ asn: 15169, country: 'US' });
    expect(priv).toMatchObject({ asn: null, country: null });
    const names = await svc.namesAt([
      { ip: '10.77.1.10', at: '2020-01-01T00:00:00Z' }, // before the capture: none
      { ip: '142.250.74.68', at: '2023-11-14T22:13:30Z' },
    ]);
    expect(names).toEqual({ '142.250.74.68|2023-11-14T22:13:30Z': ['www.google.com'] });
    expect(
      (await svc.addressesOfName({ name: 'example.test', suffix: true })).length,
    ).toBeGreaterThan(0);
    const st = await svc.contextStatus();
    expect(st.zeek).toEqual({ dns: 4, http: 2, ssl: 1 });
    expect(st.dnsNames).toBeGreaterThan(0);
    const top = await svc.topGeo({ by: 'asn', side: 'dst' });
    expect(top.map((t) => t.key)).toEqual(['15169']);
    const about = await svc.geoSources();
    expect(about.datasets.map((d) => d.licence).join(' ')).toMatch(/CC BY 4\.0/);
  });

  it("pages the flows grid with each address's country, AS and names at the time", async () => {
    const { rows } = await svc.flows({
      filter: 'dst port 443 or dst port 80',
      offset: 0,
      limit: 50,
    });
    const tls = rows.find((r) => r.dst_ip === '142.250.74.68')!;
    expect(tls).toMatchObject({ dst_country: 'US', dst_asn: 15169, src_country: null });
    expect(tls.dst_as_org).toMatch(/google/i);
    expect(tls.dst_names).toContain('www.google.com');
    // the capture's own answers name its private web server
    const web = rows.find((r) => r.dst_ip === '10.77.1.10' && r.dst_port === 80)!;
    expect(web.dst_names).toContain('www.example.test');
    expect(web.dst_country).toBeNull();
    // and the new filter terms select by them
    const us = await svc.flows({ filter: 'dst country US and dst as 15169', offset: 0, limit: 50 });
    expect(us.rows.length).toBeGreaterThan(0);
    expect(us.rows.every((r) => r.dst_ip === '142.250.74.68')).toBe(true);
    const named = await svc.countFlows({ filter: 'host name *.example.test' });
    expect(named).toBeGreaterThan(0);
  });

  it.skipIf(!hasTcpdump)(
    'exports packets under NETSIFT_HOME/exports for the download route',
    async () => {
      const r = await svc.exportPackets({ query: { filter: 'port 8080' } });
      expect(path.dirname(r.path)).toBe(path.join(tmp.file('home'), 'exports'));
      expect(exportedFile(r.fileName)).toBe(r.path);
      const lines = execFileSync('tcpdump', ['-nr', r.path], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(lines.trim().split('\n').length).toBe(r.expectedPackets);
      expect(r.packets).toBe(r.expectedPackets);
      await expect(svc.exportPackets({ query: { filter: 'port 443' } })).rejects.toThrow(
        /came from flow records/,
      );
    },
  );
});
