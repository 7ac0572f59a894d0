// Issue 6 through the service contract and the loopback server: triage by incident key, allow
// rules applied by re-running detection, report export (and its download route), save as.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/cli/server/http-server';
import { writeCapture } from '../src/engine/service/capture-fixture.test-helper';
import { defaultOps } from '../src/engine/service/default-ops';
import { NetsiftService } from '../src/engine/service/netsift-service';
import { exportedFile } from '../src/engine/service/triage-ops';
import { makeTmpDir } from './helpers/tmp';
import { waitJob } from './helpers/wait-job';

const SCANNER = '10.0.0.66';

describe('service: triage, allow rules, export, save as', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  let server: RunningServer;
  let scanKey = '';

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('no-resources'), threads: 1 });
    svc.grant(tmp.dir); // as `serve --grant` would: the test's files and the copies it saves
    const file = tmp.file('capture.csv');
    writeCapture(file);
    const job = await svc.importFiles({ sources: [{ path: file }], target: { kind: 'new', name: 'case' } });
    expect((await waitJob(svc, job.id)).status).toBe('done');
    server = await startServer({ service: svc, rendererDir: tmp.file('no-renderer') });
  });
  afterAll(async () => {
    await server?.close();
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('keeps triage by incident key with an audit trail', async () => {
    const incidents = await svc.incidents();
    const scan = incidents.find((i) => i.attacker === SCANNER);
    expect(scan).toBeDefined();
    scanKey = scan!.key;
    expect((await svc.triage(scanKey)).status).toBe('new');
    await svc.updateTriage(scanKey, { status: 'confirmed', notes: 'lab **nmap**' });
    const t = await svc.updateTriage(scanKey, { addTags: ['lab'] });
    expect(t).toMatchObject({ status: 'confirmed', notes: 'lab **nmap**', tags: ['lab'] });
    expect((await svc.auditTrail(scanKey)).map((a) => a.field)).toEqual(['status', 'notes', 'tags']);
    await expect(svc.updateTriage(scanKey, { status: 'done' as never })).rejects.toThrow(/unknown status/);
  });

  it('exports each format under NETSIFT_HOME/exports; the server hands it out for a ticket only', async () => {
    const html = await svc.exportReport({ format: 'html', incidentIds: [scanKey] });
    expect(path.dirname(html.path)).toBe(path.join(tmp.file('home'), 'exports'));
    expect(html).toMatchObject({ format: 'html', incidents: 1, flows: null });
    const text = fs.readFileSync(html.path, 'utf8');
    expect(text).toContain(SCANNER);
    expect(text).toContain('confirmed');
    const csv = await svc.exportReport({ format: 'csv', incidentIds: [scanKey] });
    const scan = (await svc.incidents()).find((i) => i.key === scanKey)!;
    expect(csv.flows).toBe(scan.flow_count);
    const json = await svc.exportReport({ format: 'json' });
    expect(JSON.parse(fs.readFileSync(json.path, 'utf8')).incidents.length).toBe((await svc.incidents()).length);
    await expect(svc.exportReport({ format: 'docx' as never })).rejects.toThrow(/unknown report format/);

    const base = `http://127.0.0.1:${server.port}/api/exports/`;
    // a download takes a single-use ticket for that file (the session token never rides in a URL)
    const ticket = async (name: string) => {
      const r = await fetch(`http://127.0.0.1:${server.port}/api/ticket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-netsift-token': server.token },
        body: JSON.stringify({ purpose: 'download', name }),
      });
      return ((await r.json()) as { result: { ticket: string } }).result.ticket;
    };
    const ok = await fetch(`${base}${encodeURIComponent(html.fileName)}?ticket=${await ticket(html.fileName)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(await ok.text()).toBe(text);
    expect((await fetch(`${base}${encodeURIComponent(html.fileName)}`)).status).toBe(401);
    expect((await fetch(`${base}${encodeURIComponent(html.fileName)}?token=${server.token}`)).status).toBe(401);
    expect((await fetch(`${base}..%2Frecent.json?ticket=${await ticket('../recent.json')}`)).status).toBe(400);
    expect((await fetch(`${base}nope.html?ticket=${await ticket('nope.html')}`)).status).toBe(400);
    expect(exportedFile('../recent.json')).toBeNull();
    expect(exportedFile(`${html.fileName}.partial`)).toBeNull();
  });

  it('an allow rule suppresses the scanner at the next detection run, and nothing more', async () => {
    const before = await svc.incidents();
    const added = await svc.addAllowRule({ kind: 'host', ip: SCANNER, ip2: null, cidr: null, port: null, reason: ' lab scanner ' });
    expect(added.rule).toMatchObject({ kind: 'host', ip: SCANNER, reason: 'lab scanner' });
    expect(added.rules).toHaveLength(1);
    expect(added.hint).toMatch(/re-run detection/);
    await expect(svc.addAllowRule({ kind: 'host', ip: 'not-an-ip', ip2: null, cidr: null, port: null, reason: '' })).rejects.toThrow(/not an IP/);
    const r = await svc.rerunDetection();
    expect(r.suppressed).toBeGreaterThan(0);
    const after = await svc.incidents();
    expect(after.some((i) => i.attacker === SCANNER || i.victims.includes(SCANNER))).toBe(false);
    expect(after.length).toBe(before.filter((i) => i.attacker !== SCANNER && !i.victims.includes(SCANNER)).length);
    expect(r.incidents).toBe(after.length);
    // the job is visible like any other, and triage of the silenced incident stays in the case
    expect((await svc.jobs()).some((j) => j.kind === 'detect' && j.status === 'done')).toBe(true);
    expect((await svc.triage(scanKey)).status).toBe('confirmed');
    expect(await svc.removeAllowRule(added.rule.id)).toEqual([]);
    await expect(svc.removeAllowRule(999)).rejects.toThrow(/no allow rule 999/);
    expect((await svc.rerunDetection()).suppressed).toBe(0);
    expect((await svc.incidents()).some((i) => i.attacker === SCANNER)).toBe(true);
  });

  it('saves the case as a copy and continues there, with triage, rules and view state', async () => {
    const original = (await svc.caseInfo())!.path;
    await svc.addAllowRule({ kind: 'network', ip: null, ip2: null, cidr: '192.0.2.0/24', port: null, reason: 'docs' });
    await svc.saveUiState({ selectedIncidentKey: scanKey, tab: 'triage', filter: 'dst port 443' });
    await expect(svc.saveCaseAs(original)).rejects.toThrow(/that is the open case/);
    await expect(svc.saveCaseAs(tmp.file('missing-dir/x.duckdb'))).rejects.toThrow(/does not exist/);
    const info = await svc.saveCaseAs(tmp.file('copy'));
    expect(info.path).toBe(tmp.file('copy.duckdb'));
    expect((await svc.caseInfo())!.path).toBe(info.path);
    expect((await svc.triage(scanKey)).notes).toBe('lab **nmap**');
    expect((await svc.allowRules()).map((r) => r.cidr)).toEqual(['192.0.2.0/24']);
    expect(await svc.uiState()).toMatchObject({ selectedIncidentKey: scanKey, tab: 'triage', filter: 'dst port 443' });
    expect((await svc.recentCases()).map((r) => r.path)).toContain(info.path);
    // the copy changes on its own; the original keeps what it had
    await svc.updateTriage(scanKey, { status: 'closed' });
    await expect(svc.saveCaseAs(original)).rejects.toThrow(/already exists/);
    await svc.openCase(original);
    expect((await svc.triage(scanKey)).status).toBe('confirmed');
  });
});
