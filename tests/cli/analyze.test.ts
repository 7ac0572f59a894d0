// End to end: `netsift analyze` on a small seed-format file written here, then `netsift detect`
// re-running on the kept case.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import type { AnalysisReport } from '../../src/shared/report';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

function capture(): string {
  const lines: string[] = [];
  const t = (s: number) => new Date(Date.parse('2017-01-27T16:24:42Z') + s * 1000).toISOString().slice(0, 19).replace('T', ' ');
  // irregular benign chatter (a fixed-period client would rightly look like a beacon)
  let x = 7;
  const rnd = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < 300; i++) {
    const s = rnd(900);
    const h = 10 + rnd(8);
    lines.push(`${t(s)},udp,established,192.168.1.${h},${40000 + i},192.168.1.2,53,${50 + rnd(30)},${150 + rnd(200)}`);
    lines.push(`${t(s + 1)},tcp,closed,192.168.1.${h},${41000 + i},93.184.216.${30 + rnd(8)},443,${600 + rnd(900)},${5000 + rnd(30000)}`);
  }
  // 192.168.1.66 sweeps 300 ports of 192.168.1.20 in 75 s, nearly all refused
  for (let p = 1; p <= 300; p++)
    lines.push(`${t(300 + p / 4)},tcp,${p === 80 ? 'established' : 'reset'},192.168.1.66,50000,192.168.1.20,${p},60,${p === 80 ? 400 : 0}`);
  lines.sort();
  return lines.join('\n') + '\n';
}

describe('netsift analyze / detect', () => {
  const file = tmp.file('capture.csv');
  fs.writeFileSync(file, capture());

  it('imports into a temporary case, detects, writes the report and prints the top incidents', { timeout: 120_000 }, async () => {
    const out = tmp.file('report.json');
    const r = await runCli(['analyze', file, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^900 flows \(0 rejected\)/);
    expect(r.stdout).toMatch(/#1 (high|critical) +0\.\d\d vertical-scan +192\.168\.1\.66 probed 299 ports on 1 host/);
    expect(r.stdout).toMatch(/detectors: scan [\d.]+ s/);
    // when the first incident existed (the detectors after it still to run), not only the end
    expect(r.stdout).toMatch(/^first incidents after [\d.]+ s: 1 once [a-z-]+ had run(, \d+ detectors still to run)?$/m);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as AnalysisReport;
    expect(report.summary).toMatchObject({ flows: 900, rejects: 0, window_seconds: 10, case_path: null });
    expect(report.summary.timings.map((t) => t.stage)).toEqual(['import', 'detect', 'report']);
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({
      id: 1,
      type: 'vertical-scan',
      attacker: '192.168.1.66',
      victims: ['192.168.1.20'],
      first_seen: '2017-01-27T16:29:42.000Z',
      flow_count: 300,
    });
    const scan = report.alerts.find((a) => a.detector === 'scan')!;
    expect(scan.incident_id).toBe(1);
    expect(scan.features.find((f) => f.name === 'failed_new_targets')).toMatchObject({ value: 299, threshold: 20 });
  });

  it('keeps a named case; detect re-runs on it with parameters and refuses unknown detectors', { timeout: 240_000 }, async () => {
    const kase = tmp.file('kept.duckdb');
    expect((await runCli(['analyze', file, '--case', kase])).code).toBe(0);
    expect(fs.existsSync(kase)).toBe(true);
    const again = await runCli(['detect', '--case', kase, '--only', 'scan,iqr', '--param', 'scan.minTargets=1000', '--out', tmp.file('r2.json')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no incidents/);
    const r2 = JSON.parse(fs.readFileSync(tmp.file('r2.json'), 'utf8')) as AnalysisReport;
    expect(r2.summary.detectors.map((d) => d.id)).toEqual(['scan', 'iqr']);
    expect(r2.summary.detectors[0].params.minTargets).toBe(1000);
    const bad = await runCli(['detect', '--case', kase, '--only', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown detector "nope"/);
  });
});
