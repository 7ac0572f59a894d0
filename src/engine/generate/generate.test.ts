import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INCIDENT_TYPES, UNGENERATED_TYPES } from '../../shared/incident-types';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { runCli } from '../../../tests/helpers/cli';
import { generateCapture } from './index';

const tmp = makeTmpDir('netsift-generate-');
afterAll(() => tmp.cleanup());

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const lines = (file: string) => fs.readFileSync(file, 'utf8').trimEnd().split('\n');

const LINE_RE =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,(tcp|udp),(new|connecting|established|closing|closed|reset),(\d+\.){3}\d+,\d+,(\d+\.){3}\d+,\d+,\d+,\d+$/;

describe('generateCapture', () => {
  it('is deterministic: same seed, same bytes; another seed, other bytes', async () => {
    const a = await generateCapture({ out: tmp.file('a.csv'), minutes: 6, seed: 7 });
    const b = await generateCapture({ out: tmp.file('b.csv'), minutes: 6, seed: 7 });
    const c = await generateCapture({ out: tmp.file('c.csv'), minutes: 6, seed: 8 });
    expect(a.flows).toBe(b.flows);
    expect(sha(a.files.flows)).toBe(sha(b.files.flows));
    expect(sha(a.files.labels)).toBe(sha(b.files.labels));
    expect(fs.readFileSync(a.files.incidents, 'utf8')).toBe(fs.readFileSync(b.files.incidents, 'utf8'));
    expect(sha(c.files.flows)).not.toBe(sha(a.files.flows));
  });

  it('writes sorted seed-format lines whose labels line up, with every incident and its flows', async () => {
    const r = await generateCapture({ out: tmp.file('d.csv'), minutes: 20, seed: 3 });
    const flows = lines(r.files.flows);
    const labels = lines(r.files.labels);
    expect(flows.length).toBe(r.flows);
    expect(labels.length).toBe(r.flows);
    let prev = '';
    const byLabel = new Map<string, string[][]>();
    // plain checks per line (an expect() per line is slow), the first offender reported at the end
    const bad: string[] = [];
    flows.forEach((line, i) => {
      if (!LINE_RE.test(line)) bad.push(`line ${i + 1} format: ${line}`);
      const ts = line.slice(0, 19);
      if (ts < prev) bad.push(`line ${i + 1} out of order: ${line}`);
      prev = ts;
      const [n, label] = labels[i].split(',');
      if (Number(n) !== i + 1) bad.push(`label line ${i + 1}: ${labels[i]}`);
      if (label !== 'benign') {
        const list = byLabel.get(label);
        if (list) list.push(line.split(','));
        else byLabel.set(label, [line.split(',')]);
      }
    });
    expect(bad.slice(0, 3)).toEqual([]);

    const incidents = lines(r.files.incidents);
    expect(incidents[0]).toBe('id,type,attacker,victims,start,end');
    const rows = incidents.slice(1).map((l) => l.split(','));
    // all nine attack types, each from its own attacker
    expect(rows.map((x) => x[1]).sort()).toEqual(INCIDENT_TYPES.filter((t) => !UNGENERATED_TYPES.includes(t)).sort());
    const attackers = rows.map((x) => x[2]).filter(Boolean);
    expect(new Set(attackers).size).toBe(attackers.length);
    for (const [id, type, attacker, victims, start, end] of rows) {
      expect(INCIDENT_TYPES).toContain(type);
      const its = byLabel.get(id) ?? [];
      expect(its.length, id).toBeGreaterThan(0);
      expect(its.length).toBe(r.incidents.find((x) => x.id === id)!.flows);
      const victimSet = new Set(victims.split(';'));
      for (const f of its) {
        if (attacker) expect(f[3]).toBe(attacker);
        expect(victimSet.has(f[5]), `${id}: ${f.join(',')}`).toBe(true);
      }
      expect(its[0][0]).toBe(start.replace('T', ' ').replace('Z', ''));
      expect(its[its.length - 1][0]).toBe(end.replace('T', ' ').replace('Z', ''));
    }

    // realistic shapes: scans mostly fail, brute force is mostly established/closed on port 22
    const states = (id: string) => (byLabel.get(id) ?? []).map((f) => f[2]);
    const failed = (id: string) => states(id).filter((s) => s === 'reset' || s === 'connecting' || s === 'new').length / states(id).length;
    expect(failed('vertical-scan-1')).toBeGreaterThan(0.9);
    expect(failed('horizontal-scan-1')).toBeGreaterThan(0.7);
    expect(failed('udp-scan-1')).toBeGreaterThan(0.9);
    expect(failed('brute-force-1')).toBeLessThan(0.2);
    expect(new Set((byLabel.get('brute-force-1') ?? []).map((f) => f[6]))).toEqual(new Set(['22']));
    const exfilUp = (byLabel.get('exfiltration-1') ?? []).reduce((s, f) => s + Number(f[7]), 0);
    expect(exfilUp).toBeGreaterThan(100e6);

    expect(lines(r.files.benign)).toEqual(['role,ip', 'monitoring,192.168.1.90', 'backup,192.168.1.80']);
  });

  it('sizes the capture as asked', async () => {
    const def = await generateCapture({ out: tmp.file('e.csv') });
    expect(def.flows).toBeGreaterThan(130_000);
    expect(def.flows).toBeLessThan(170_000);
    const first = fs.readFileSync(def.files.flows, 'utf8').slice(0, 19);
    expect(first).toBe('2017-01-27 16:24:42');
    const big = await generateCapture({ out: tmp.file('f.csv'), minutes: 10, flows: 200_000 });
    expect(big.flows).toBeGreaterThan(150_000);
    expect(big.flows).toBeLessThan(250_000);
    const more = await generateCapture({ out: tmp.file('g.csv'), minutes: 10, hosts: 400 });
    const fewer = await generateCapture({ out: tmp.file('h.csv'), minutes: 10, hosts: 100 });
    expect(more.benignFlows).toBeGreaterThan(fewer.benignFlows * 2.5);
    expect(more.incidents.map((i) => i.attacker)).toEqual(fewer.incidents.map((i) => i.attacker));
  });

  it('writes gzip when asked (labels too)', async () => {
    const r = await generateCapture({ out: tmp.file('z.csv.gz'), minutes: 3 });
    expect(r.files.labels).toBe(tmp.file('z.labels.csv.gz'));
    const { gunzipSync } = await import('node:zlib');
    const flows = gunzipSync(fs.readFileSync(r.files.flows)).toString().trimEnd().split('\n');
    const labels = gunzipSync(fs.readFileSync(r.files.labels)).toString().trimEnd().split('\n');
    expect(flows.length).toBe(r.flows);
    expect(labels.length).toBe(r.flows);
  });

  it('streams a 1M-flow capture in bounded memory', () => {
    const out = tmp.file('million.csv');
    const script = `
      const { generateCapture } = await import(${JSON.stringify(path.resolve(import.meta.dirname, 'index.ts'))});
      const r = await generateCapture({ out: ${JSON.stringify(out)}, minutes: 30, flows: 1_000_000 });
      console.log(JSON.stringify({ flows: r.flows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const { flows, maxRssMb } = JSON.parse(res.stdout) as { flows: number; maxRssMb: number };
    expect(flows).toBeGreaterThan(800_000);
    expect(fs.statSync(out).size).toBeGreaterThan(50e6);
    // the whole file would be ~75 MB of text and far more as JS strings; the generator holds a few chunks
    expect(maxRssMb).toBeLessThan(400);
  }, 180_000);
});

describe('netsift generate', () => {
  it('writes the files and prints the incidents', async () => {
    const res = await runCli(['generate', '--out', tmp.file('cli.csv'), '--minutes', '2', '--seed', '5']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('vertical-scan-1');
    expect(fs.existsSync(tmp.file('cli.labels.csv'))).toBe(true);
    expect(fs.existsSync(tmp.file('cli.incidents.csv'))).toBe(true);
  }, 180_000); // a child process through tsx: slow on a busy 2-core machine

  it('exits 2 on usage errors', async () => {
    // in-process: the parser and the option checks, no child process needed
    const { main } = await import('../../cli/main');
    expect(await main(['generate'])).toBe(2);
    expect(await main(['generate', '--out', tmp.file('x.csv'), '--minutes', '0'])).toBe(2);
    expect(await main(['generate', '--out', tmp.file('x.csv'), '--start', 'yesterday'])).toBe(2);
    expect(await main(['generate', '--out', tmp.file('x.csv'), '--bogus'])).toBe(2);
  }, 120_000);

  it('names the file it cannot write', async () => {
    await expect(generateCapture({ out: tmp.file('no/such/dir/x.csv'), minutes: 1 })).rejects.toThrow(/no\/such\/dir\/x\.csv/);
  });
});
