// The triage, allow and report commands end to end, on a case the test builds.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../src/engine/analysis/runner';
import { CaseStore } from '../src/engine/store/case-store';
import { listIncidents } from '../src/engine/triage/incident-lookup';
import { runCli } from './helpers/cli';
import { insertFlows, type FlowRow } from './helpers/flows';
import { makeTmpDir } from './helpers/tmp';

const tmp = makeTmpDir();
const caseFile = tmp.file('cli.duckdb');
let scanId = 0;

beforeAll(async () => {
  const s = await CaseStore.open(caseFile);
  const t0 = Date.parse('2017-01-27T16:00:00Z');
  const at = (x: number) => new Date(t0 + x * 1000).toISOString().replace('T', ' ').replace('Z', '');
  const rows: FlowRow[] = [];
  for (let i = 0; i < 300; i++)
    rows.push({ ts: at(60 + i), src_ip: '192.168.100.96', src_port: 40000 + i, dst_ip: '192.168.1.5', dst_port: 1 + i, state: 'reset', src_bytes: 60, dst_bytes: 0 });
  for (let i = 0; i < 400; i++)
    rows.push({ ts: at(i), src_ip: `192.168.100.${10 + (i % 20)}`, src_port: 50000 + i, dst_ip: '93.184.216.34', dst_port: 443, src_bytes: 900, dst_bytes: 30000 });
  await insertFlows(s, rows);
  await runDetection(s).result;
  scanId = (await listIncidents(s)).find((i) => i.attacker === '192.168.100.96')!.id;
  s.close();
});
afterAll(() => tmp.cleanup());

describe('netsift triage / allow / report', () => {
  it('sets status, notes and tags, kept in the case', async () => {
    const r = await runCli(['triage', '--case', caseFile, '--incident', String(scanId), '--status', 'confirmed', '--note', 'lab scanner', '--tag', 'lab']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status confirmed, tags lab/);
    const j = await runCli(['triage', '--case', caseFile, '--incident', String(scanId), '--json']);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.triage).toMatchObject({ status: 'confirmed', notes: 'lab scanner', tags: ['lab'] });
    expect(parsed.audit.length).toBe(3);
  });

  it('rejects a bad status and an unknown incident with exit 2', async () => {
    const bad = await runCli(['triage', '--case', caseFile, '--incident', String(scanId), '--status', 'done']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--status must be one of new, investigating, confirmed, false-positive, closed/);
    const missing = await runCli(['triage', '--case', caseFile, '--incident', '999', '--status', 'closed']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no incident 999/);
    const noCase = await runCli(['triage', '--case', tmp.file('nope.duckdb'), '--incident', '1']);
    expect(noCase.code).toBe(1);
    expect(noCase.stderr).toMatch(/nope\.duckdb: no such case file/);
  });

  it('an allow rule suppresses the scanner on the next detection run, and says how many', async () => {
    const add = await runCli(['allow', '--case', caseFile, '--host', '192.168.100.96', '--reason', 'lab scanner']);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/added rule 1: host 192\.168\.100\.96/);
    const det = await runCli(['detect', '--case', caseFile, '--out', tmp.file('after.json')]);
    expect(det.code).toBe(0);
    const rep = JSON.parse(fs.readFileSync(tmp.file('after.json'), 'utf8'));
    expect(rep.summary.suppressed_alerts).toBeGreaterThan(0);
    expect(rep.incidents.some((i: { attacker: string }) => i.attacker === '192.168.100.96')).toBe(false);
    const bad = await runCli(['allow', '--case', caseFile, '--pair', '1.2.3.4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pair takes two addresses/);
    const list = await runCli(['allow', '--case', caseFile, '--list']);
    expect(list.stdout).toMatch(/^1\thost\t192\.168\.100\.96\tlab scanner$/m);
  });

  it('exports reports by extension and refuses an unknown one', async () => {
    const html = await runCli(['report', '--case', caseFile, '--all', '--out', tmp.file('all.html')]);
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/wrote .*all\.html \(html, \d+ incidents?/);
    const bad = await runCli(['report', '--case', caseFile, '--out', tmp.file('x.txt')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/must be one of \.html, \.pdf, \.json, \.csv/);
  });
});
