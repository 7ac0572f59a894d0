// The site model from the command line: --internal on import / analyze / detect, and
// `netsift site` to show (with the suggestion's evidence) and change it, re-running detection.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import type { AnalysisReport } from '../../src/shared/report';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

/** A campus on public addresses (147.32.84.0/24) browsing the internet; .66 sweeps 200 ports of .9. */
function campus(): string {
  const lines: string[] = [];
  const t = (s: number) =>
    `2024-03-01 10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  for (let i = 0; i < 600; i++)
    lines.push(
      `${t(i % 600)},tcp,established,147.32.84.${1 + (i % 20)},${40000 + i},93.184.216.${1 + (i % 3)},443,${500 + i},${9000 + i}`,
    );
  for (let p = 1; p <= 200; p++)
    lines.push(`${t(120 + (p % 60))},tcp,reset,147.32.84.66,51000,147.32.84.9,${p},60,0`);
  lines.sort();
  return lines.join('\n') + '\n';
}

describe('netsift site and --internal', () => {
  const file = tmp.file('campus.csv');
  fs.writeFileSync(file, campus());

  it(
    'import shows the networks it uses and why; site shows the suggestion with its evidence',
    { timeout: 120_000 },
    async () => {
      const kase = tmp.file('a.duckdb');
      const r = await runCli(['import', file, '--case', kase]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/internal networks: 147\.32\.84\.0\/24 \(suggested from the data\)/);
      expect(r.stdout).toMatch(
        /note: the default internal networks \(RFC 1918, ULA\) hold 0\.0% of the flows/,
      );
      const s = await runCli(['site', '--case', kase, '--suggest']);
      expect(s.code).toBe(0);
      expect(s.stdout).toMatch(
        /147\.32\.84\.0\/24: 21 addresses \(147\.32\.84\.9, 147\.32\.84\.66, .*\), in 100% of the flows \(800 as source, 200 as destination\)/,
      );
    },
  );

  it(
    'analyze --internal keeps the analyst networks; site --internal changes them and re-runs detection',
    { timeout: 120_000 },
    async () => {
      const kase = tmp.file('b.duckdb');
      const out = tmp.file('b.json');
      // the analyst says only 10.0.0.0/8 is theirs: the campus sweep comes from outside
      const a = await runCli([
        'analyze',
        file,
        '--case',
        kase,
        '--out',
        out,
        '--internal',
        '10.0.0.0/8',
      ]);
      expect(a.code).toBe(0);
      expect(a.stdout).toMatch(/internal networks: 10\.0\.0\.0\/8 \(set by the analyst\)/);
      expect(a.stdout).toMatch(/suggested from the data: 147\.32\.84\.0\/24/);
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as AnalysisReport;
      expect(report.summary.site).toMatchObject({
        internal: ['10.0.0.0/8'],
        source: 'analyst',
        suggestion: ['147.32.84.0/24'],
      });
      expect(report.incidents.map((x) => x.type)).not.toContain('vertical-scan');
      const s = await runCli(['site', '--case', kase, '--internal', '147.32.0.0/16']);
      expect(s.code).toBe(0);
      expect(s.stdout).toMatch(/^internal networks: 147\.32\.0\.0\/16 \(set by the analyst\)/);
      expect(s.stdout).toMatch(
        /#1 \w+ +0\.\d\d vertical-scan +147\.32\.84\.66 probed 200 ports on 1 host/,
      );
      // detect --internal too, and a bad network is a usage error naming it
      const d = await runCli(['detect', '--case', kase, '--internal', '10.0.0.0/8,147.32.84.0/33']);
      expect(d.code).toBe(2);
      expect(d.stderr).toMatch(/--internal: "147\.32\.84\.0\/33" is not a network/);
      const back = await runCli(['site', '--case', kase, '--reset', '--json']);
      expect(back.code).toBe(0);
      expect(JSON.parse(back.stdout)).toMatchObject({
        source: 'default',
        internal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
      });
    },
  );
});
