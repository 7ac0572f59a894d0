// kill -9 during `netsift analyze` cannot run its cleanup: the temporary case stays behind. The
// next analyze (or serve) removes it, since the process that made it is gone; a running one's is
// never touched.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

function seed(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const t0 = Date.parse('2024-03-01T10:00:00Z');
  let s = '';
  for (let i = 0; i < n; i++) {
    const t = new Date(t0 + i * 10).toISOString().slice(0, 19).replace('T', ' ');
    s += `${t},tcp,established,10.0.${(i >> 8) & 255}.${i & 255},${1024 + (i % 60000)},93.184.216.${i % 200},443,${500 + (i % 900)},${9000 + (i % 5000)}\n`;
    if (s.length > 1 << 20) {
      out.write(s);
      s = '';
    }
  }
  return new Promise((resolve, reject) => {
    out.on('error', reject);
    out.end(s, resolve);
  });
}

describe('netsift analyze killed with SIGKILL', () => {
  it('leaves a temporary case that the next analyze removes', { timeout: 180_000 }, async () => {
    const tmpdir = tmp.file('tmpdir');
    fs.mkdirSync(tmpdir);
    const big = tmp.file('big.csv');
    await seed(big, 600_000);
    const env = { ...process.env, TMPDIR: tmpdir };
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'out/cli/netsift.mjs'), 'analyze', big],
      { env, stdio: 'ignore' },
    );
    const temps = () => fs.readdirSync(tmpdir).filter((n) => n.startsWith('netsift-analyze-'));
    // the case file is being written: kill it there
    for (
      let i = 0;
      i < 3000 && !temps().some((d) => fs.existsSync(path.join(tmpdir, d, 'case.duckdb')));
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    const left = temps();
    expect(left.length).toBe(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(temps()).toEqual(left); // SIGKILL: nothing cleaned
    expect(JSON.parse(fs.readFileSync(path.join(tmpdir, left[0], 'owner.json'), 'utf8')).pid).toBe(
      child.pid,
    );

    const small = tmp.file('small.csv');
    await seed(small, 200);
    const r = await runCli(['analyze', small], { env });
    expect(r.code).toBe(0);
    expect(temps()).toEqual([]);
  });
});
