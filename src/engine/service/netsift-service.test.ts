// The service over a real case file: import through the real pipeline and detection, then the
// queries the workspace makes, UI state, recent cases and errors.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../shared/api';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { writeCapture } from './capture-fixture.test-helper';
import { startTestServer } from '../intel/test-server';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';
import { PREFETCH_TOP } from './incident-prefetch';
import { pageIsCached } from '../query/flows';
import { FLOWS_BLOCK } from '../../shared/query';
import type { Incident } from '../../shared/model';
import type { CaseSession } from './case-session';
import { waitJob } from '../../../tests/helpers/wait-job';

describe('NetsiftService', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  const events: ServerEvent[] = [];

  beforeAll(() => {
    process.env.NETSIFT_HOME = tmp.file('home');
    svc = new NetsiftService({
      ops: defaultOps(),
      resourcesDir: tmp.file('no-resources'),
      threads: 1,
    });
    svc.grant(tmp.dir); // as `serve --grant` would: the test's captures
    svc.onEvent((e) => events.push(e));
  });
  afterAll(() => {
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('answers "no case" clearly before one is open', async () => {
    expect(await svc.caseInfo()).toBeNull();
    await expect(svc.flows({ offset: 0, limit: 10 })).rejects.toThrow(/no case is open/);
    await expect(svc.openSample()).rejects.toThrow(/sample capture is missing/);
  });

  it('imports a capture into a new case, analyses it, and reports progress', async () => {
    const file = tmp.file('capture.csv');
    const lines = writeCapture(file);
    const started = await svc.importFiles({ sources: [{ path: file }] });
    expect(started.status).toBe('running');
    const done = await waitJob(svc, started.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(done.summary?.flows).toBe(lines);
    expect(done.summary?.rejects).toBe(0);
    expect(done.summary?.firstTs).toBe('2024-03-01T10:00:00.000Z');
    const info = (await svc.caseInfo())!;
    expect(info.flows).toBe(lines);
    expect(info.analyzed).toBe(true);
    expect(path.dirname(info.path)).toBe(path.join(tmp.file('home'), 'cases'));
    expect(
      events.some((e) => e.type === 'job' && e.job.id === started.id && e.job.status === 'done'),
    ).toBe(true);
    expect((await svc.recentCases()).map((r) => r.path)).toEqual([info.path]);
    expect(info.name).toBe('capture');
    // the incidents were shown while detection ran, saying how many detectors were left; the
    // last preview is the case's own list (issue 16)
    const found = events.flatMap((e) =>
      e.type === 'job' && e.job.id === started.id && e.job.import?.analyse?.found
        ? [e.job.import.analyse.found]
        : [],
    );
    expect(found.some((f) => f.detectorsLeft > 0 && f.incidents.length > 0)).toBe(true);
    expect(found.at(-1)!.incidents.map((i) => i.key)).toEqual(
      (await svc.incidents()).map((i) => i.key),
    );
  });

  it('pages, counts and charts flows under a filter, selector and range', async () => {
    expect(await svc.countFlows({ filter: 'src ip 10.0.0.66' })).toBe(200);
    expect(await svc.countFlows({ selector: { dstPorts: [443] } })).toBe(300);
    expect(
      await svc.countFlows({
        filter: 'src ip 10.0.0.66',
        range: { from: '2024-03-01T10:02:10Z', to: '2024-03-01T10:02:20Z' },
      }),
    ).toBeGreaterThan(0);
    const page = await svc.flows({
      filter: 'src ip 10.0.0.66',
      sort: [{ column: 'dst_port', dir: 'desc' }],
      offset: 0,
      limit: 5,
    });
    expect(page.rows.map((r) => r.dst_port)).toEqual([200, 199, 198, 197, 196]);
    expect(page.rows[0].src_kind).toBe('internal');
    const tl = await svc.timeline({ maxBuckets: 2000 });
    expect(tl.buckets.reduce((a, b) => a + b.flows, 0)).toBe(500);
    const talkers = await svc.topTalkers({ by: 'flows', limit: 1 });
    expect(talkers[0].ip).toBe('10.0.0.66');
    const host = await svc.host('10.0.0.66');
    expect(host.flows_as_src).toBe(200);
  });

  it('checks filter text and points at the bad token', async () => {
    expect(await svc.checkFilter('dst port 22')).toEqual({ ok: true });
    const bad = await svc.checkFilter('dst prot 22');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.offset).toBe(4);
    await expect(svc.countFlows({ filter: 'dst prot 22' })).rejects.toThrow(/prot/);
  });

  it('lists incidents with parsed evidence, and their alerts', async () => {
    const incidents = await svc.incidents();
    for (let i = 1; i < incidents.length; i++)
      expect(incidents[i - 1].score).toBeGreaterThanOrEqual(incidents[i].score);
    const scan = incidents.find((i) => i.attacker === '10.0.0.66');
    expect(scan).toBeDefined();
    expect(typeof scan!.evidence).toBe('object');
    expect(await svc.countFlows({ selector: scan!.evidence })).toBe(scan!.flow_count);
    const alerts = await svc.alerts(scan!.id);
    expect(alerts.length).toBe(scan!.alert_count);
    expect(Array.isArray(alerts[0].features)).toBe(true);
  });

  it("reads the top incidents' first flows pages ahead once the grid has its page", async () => {
    const store = (svc as unknown as { session: CaseSession }).session.requireStore();
    const incidents = (await svc.incidents()).slice(0, PREFETCH_TOP);
    expect(incidents.length).toBeGreaterThan(0);
    const firstPage = (i: Incident) => ({ selector: i.evidence, offset: 0, limit: FLOWS_BLOCK });
    await svc.flows({ offset: 0, limit: 100 }); // the grid's page starts the read-ahead
    for (let t = 0; t < 200; t++) {
      const cached = await Promise.all(incidents.map((i) => pageIsCached(store, firstPage(i))));
      if (cached.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const i of incidents) {
      expect(await pageIsCached(store, firstPage(i))).toBe(true);
      // what the click gets is the incident's evidence, as a fresh read (another limit) gives it
      const served = await svc.flows(firstPage(i));
      const fresh = await svc.flows({ ...firstPage(i), limit: FLOWS_BLOCK - 1 });
      expect(served.rows.slice(0, FLOWS_BLOCK - 1)).toEqual(fresh.rows);
      expect(served.rows.length).toBe(Math.min(FLOWS_BLOCK, i.flow_count));
    }
    expect(await pageIsCached(store, { ...firstPage(incidents[0]), limit: 7 })).toBe(false);
  });

  it('a feed refresh that changes a list matches the open case again, without re-import', async () => {
    const before = await svc.incidents();
    expect(before.some((i) => i.type === 'blacklist')).toBe(false);
    const server = await startTestServer();
    try {
      server.route('/list.txt', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('# test list\n93.184.216.2\n');
      });
      await svc.addFeed({ id: 'test-list', url: server.url('/list.txt'), format: 'ip-list' });
      const flows = (await svc.caseInfo())!.flows;
      await svc.refreshFeeds(['test-list']);
      const after = await svc.incidents();
      const hit = after.find((i) => i.type === 'blacklist');
      expect(hit?.victims.concat(hit.ips)).toContain('93.184.216.2');
      // the other incidents are still there, and nothing was imported again
      for (const i of before) expect(after.map((x) => x.key)).toContain(i.key);
      expect((await svc.caseInfo())!.flows).toBe(flows);
      // the case moved: the next page reads the new incident's first page ahead too
      expect(after.slice(0, PREFETCH_TOP).map((i) => i.id)).toContain(hit!.id);
      const store = (svc as unknown as { session: CaseSession }).session.requireStore();
      const page = { selector: hit!.evidence, offset: 0, limit: FLOWS_BLOCK };
      expect(await pageIsCached(store, page)).toBe(false);
      await svc.flows({ offset: 0, limit: 100 });
      for (let t = 0; t < 200 && !(await pageIsCached(store, page)); t++)
        await new Promise((r) => setTimeout(r, 25));
      expect(await pageIsCached(store, page)).toBe(true);
      await svc.removeFeed('test-list');
    } finally {
      await server.close();
    }
  });

  it('keeps UI state in the case so it reopens as left', async () => {
    await svc.saveUiState({
      selectedIncidentId: 3,
      filter: 'proto tcp',
      filterHistory: ['proto tcp'],
    });
    const file = (await svc.caseInfo())!.path;
    await svc.closeCase();
    expect(await svc.uiState()).toEqual({});
    await svc.openCase(file);
    expect(await svc.uiState()).toEqual({
      selectedIncidentId: 3,
      filter: 'proto tcp',
      filterHistory: ['proto tcp'],
    });
  });

  it('refuses a missing file and cancels a job, leaving no new case behind', async () => {
    await expect(svc.importFiles({ sources: [{ path: tmp.file('nope.csv') }] })).rejects.toThrow(
      /no such file/,
    );
    const open = (await svc.caseInfo())!;
    const file = tmp.file('capture2.csv');
    writeCapture(file);
    const job = await svc.importFiles({ sources: [{ path: file }] });
    await svc.cancelJob(job.id);
    const end = await waitJob(svc, job.id);
    expect(end.status).toBe('cancelled');
    // the case that was open is still open, as it was; the new one is gone
    expect((await svc.caseInfo())!.path).toBe(open.path);
    expect((await svc.caseInfo())!.flows).toBe(open.flows);
    expect((await svc.recentCases()).map((r) => r.name)).not.toContain('capture2');
  });
});
