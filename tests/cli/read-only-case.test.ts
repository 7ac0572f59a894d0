// A case the analyst may read but not write (a colleague's file, evidence on a write-protected
// share): every CLI command that only reads opens it read-only and works; a command that writes
// says the case is read-only, without suggesting an option the CLI does not have.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { CaseStore } from '../../src/engine/store/case-store';
import { insertFlows, type FlowRow } from '../helpers/flows';
import { makeTmpDir } from '../helpers/tmp';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = makeTmpDir();
const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const NOBODY = 65534;
const kase = tmp.file('ro/case.duckdb');
const outDir = tmp.file('out');

/** The CLI as an unprivileged user (root writes any file, so "read-only" needs another user). */
function cliAsNobody(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'out/cli/netsift.mjs'), ...args], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: outDir,
      env: { ...process.env, HOME: outDir, NETSIFT_HOME: path.join(outDir, 'home') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

beforeAll(async () => {
  if (!asRoot) return;
  fs.mkdirSync(path.dirname(kase), { recursive: true });
  const rows: FlowRow[] = [];
  const t0 = Date.parse('2024-03-01T10:00:00Z');
  const at = (s: number) =>
    new Date(t0 + s * 1000).toISOString().replace('T', ' ').replace('Z', '');
  for (let i = 0; i < 400; i++)
    rows.push({
      ts: at(i * 0.5),
      src_ip: '192.168.100.96',
      src_port: 40000 + i,
      dst_ip: '192.168.1.5',
      dst_port: 1 + i,
      state: 'reset',
      src_bytes: 60,
      dst_bytes: 0,
    });
  const store = await CaseStore.open(kase);
  await insertFlows(store, rows);
  await runDetection(store).result;
  store.close();
  // readable by everyone, writable by no one but root; the folder too (no .wal can be made)
  fs.chmodSync(kase, 0o444);
  fs.chmodSync(path.dirname(kase), 0o555);
  fs.chmodSync(tmp.dir, 0o755);
  fs.mkdirSync(outDir, { mode: 0o777 });
  fs.chmodSync(outDir, 0o777);
});
afterAll(() => {
  if (asRoot) fs.chmodSync(path.dirname(kase), 0o755);
  tmp.cleanup();
});

describe.skipIf(!asRoot)('a case the user cannot write', { timeout: 120_000 }, () => {
  it('report, allow --list and triage without changes open it read-only', async () => {
    const rep = await cliAsNobody([
      'report',
      '--case',
      kase,
      '--all',
      '--out',
      path.join(outDir, 'r.json'),
    ]);
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    expect(
      JSON.parse(fs.readFileSync(path.join(outDir, 'r.json'), 'utf8')).incidents.length,
    ).toBeGreaterThan(0);
    const csv = await cliAsNobody([
      'report',
      '--case',
      kase,
      '--all',
      '--out',
      path.join(outDir, 'e.csv'),
    ]);
    expect(csv.code).toBe(0);
    const allow = await cliAsNobody(['allow', '--case', kase, '--list']);
    expect(allow.stdout.trim()).toBe('no allow rules');
    expect(allow.code).toBe(0);
    const show = await cliAsNobody(['triage', '--case', kase, '--incident', '1', '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).triage.status).toBe('new');
  });

  it('a command that writes says the case is read-only, and nothing about an option it lacks', async () => {
    const r = await cliAsNobody([
      'triage',
      '--case',
      kase,
      '--incident',
      '1',
      '--status',
      'confirmed',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/case\.duckdb: the case file is read-only/);
    expect(r.stderr).not.toMatch(/open it read-only/);
  });
});

if (!asRoot) console.warn('read-only case test skipped: needs root to run the CLI as another user');
