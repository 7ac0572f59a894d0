// Issue 13 item 1 through the service contract and the loopback server: the site model is read
// and changed by the analyst, a change re-runs detection, and the INT/PUB marks, the host panel
// and the incidents follow the new networks.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/cli/server/http-server';
import { defaultOps } from '../src/engine/service/default-ops';
import { NetsiftService } from '../src/engine/service/netsift-service';
import type { SiteChange, SiteModel } from '../src/shared/site';
import { makeTmpDir } from './helpers/tmp';
import { waitJob } from './helpers/wait-job';

/** A campus on public addresses (147.32.84.0/24) plus one office host on RFC 1918; .66 sweeps ports. */
function writeCampus(file: string): void {
  const lines: string[] = [];
  const t = (s: number) =>
    `2024-03-01 10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  for (let i = 0; i < 600; i++)
    lines.push(
      `${t(i % 600)},tcp,established,147.32.84.${1 + (i % 20)},${40000 + i},93.184.216.${1 + (i % 3)},443,${500 + i},${9000 + i}`,
    );
  lines.push(`${t(5)},tcp,established,192.168.7.7,40001,93.184.216.1,443,500,9000`);
  for (let p = 1; p <= 200; p++)
    lines.push(`${t(120 + (p % 60))},tcp,reset,147.32.84.66,51000,147.32.84.9,${p},60,0`);
  lines.sort();
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

describe('service: the site model', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  let server: RunningServer;
  const rpc = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const r = await fetch(`http://127.0.0.1:${server.port}/api/rpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netsift-token': server.token },
      body: JSON.stringify({ method, args }),
    });
    const body = (await r.json()) as { ok: boolean; result: T; error?: { message: string } };
    if (!body.ok) throw new Error(body.error?.message ?? 'rpc failed');
    return body.result;
  };

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    svc = new NetsiftService({
      ops: defaultOps(),
      resourcesDir: tmp.file('no-resources'),
      threads: 1,
    });
    const file = tmp.file('campus.csv');
    writeCampus(file);
    svc.grant(tmp.dir);
    const job = await svc.importFiles({ sources: [{ path: file }] });
    expect((await waitJob(svc, job.id)).status).toBe('done');
    server = await startServer({ service: svc, rendererDir: tmp.file('no-renderer') });
  });
  afterAll(async () => {
    await server?.close();
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('shows the networks, who set them and the suggestion with its evidence', async () => {
    const site = await rpc<SiteModel>('site');
    // the defaults (RFC 1918) hold one flow in 800: the networks suggested from the data are used
    expect(site).toMatchObject({ internal: ['147.32.84.0/24'], source: 'suggested' });
    expect(site.note).toMatch(/default internal networks .* hold 0\.1% of the flows/);
    expect(site.coverage).toMatchObject({ hosts: 21 });
    expect(site.suggestion?.prefixes[0]).toMatchObject({ network: '147.32.84.0/24', hosts: 21 });
    expect((await svc.incidents()).find((x) => x.attacker === '147.32.84.66')?.type).toBe(
      'vertical-scan',
    );
    expect((await svc.host('147.32.84.66')).kind).toBe('internal');
  });

  it('changes the networks, re-runs detection, and the marks, host panel and incidents follow', async () => {
    const page = await svc.flows({ offset: 0, limit: 5, selector: { srcIps: ['147.32.84.66'] } });
    expect(page.rows[0].src_kind).toBe('internal');
    // the analyst knows better: only the office network is theirs, the campus is outside
    const change = await rpc<SiteChange>('setSite', ['192.168.0.0/16', '192.168.7.0/24']);
    expect(change.site).toMatchObject({
      internal: ['192.168.0.0/16', '192.168.7.0/24'],
      source: 'analyst',
    });
    expect(change.rerun).not.toBeNull();
    const incidents = await svc.incidents();
    expect(incidents.map((x) => x.type)).not.toContain('vertical-scan');
    expect((await svc.host('147.32.84.66')).kind).toBe('public');
    const again = await svc.flows({ offset: 0, limit: 5, selector: { srcIps: ['147.32.84.66'] } });
    expect(again.rows[0].src_kind).toBe('public');
    await expect(rpc('setSite', ['147.32.84.0/24', 'campus'])).rejects.toThrow(
      /"campus" is not a network/,
    );
    // back to the defaults: they stay (the suggestion for these imports was made already)
    const reset = await rpc<SiteChange>('setSite', null);
    expect(reset.site).toMatchObject({
      source: 'default',
      internal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
    });
    expect((await svc.host('147.32.84.66')).kind).toBe('public');
  });
});
