// `netsift import` end to end: the real CLI in a child process against real case files.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir('netsift-cli-import-');
afterAll(() => tmp.cleanup());

const GOOD = '2017-01-27 16:24:42,tcp,established,192.168.100.96,50000,192.168.1.20,80,120,3400';
const BAD_PORT = '2017-01-27 16:24:43,tcp,new,192.168.100.96,50001,192.168.1.20,70000,1,2';
const BAD_IP = '2017-01-27 16:24:44,tcp,new,999.1.1.1,50001,192.168.1.20,80,1,2';

function file(name: string, text: string): string {
  const f = tmp.file(name);
  fs.writeFileSync(f, text);
  return f;
}

// each case spawns the CLI several times: generous timeouts for a loaded 2-core machine
describe('netsift import', { timeout: 240_000 }, () => {
  it('imports, prints where every line went, exits 0 despite rejects', async () => {
    const f = file('a.csv', [GOOD, BAD_PORT, '', BAD_IP, GOOD].join('\n') + '\n');
    const r = await runCli(['import', f, '--case', tmp.file('a.duckdb')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'a.csv: seed, 2 flows, 2 rejected, 2017-01-27 16:24:42 to 2017-01-27 16:24:42 UTC',
    );
    expect(r.stdout).toContain(
      'rows read + rows rejected = data lines: 2 + 2 = 4 (1 blank line skipped)',
    );
    expect(r.stdout).toContain('line 2: dst_port: 70000 is not a port (0-65535)');
    expect(r.stdout).toContain('line 4: src_ip: 999.1.1.1 is not an IP address');
  });

  it('--json prints the summary; a second import of the same file is refused (exit 1)', async () => {
    const f = file('j.csv', `${GOOD}\n`);
    const c = tmp.file('j.duckdb');
    const r = await runCli(['import', f, '--case', c, '--json']);
    expect(r.code).toBe(0);
    const sum = JSON.parse(r.stdout);
    expect(sum).toMatchObject({ flows: 1, rejects: 0, dataLines: 1, failed: 0 });
    expect(sum.files[0].record).toMatchObject({ format: 'seed', rows_read: 1, data_lines: 1 });
    const again = await runCli(['import', f, '--case', c]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/j\.csv: already in this case .*same sha256.*--allow-duplicate/);
  });

  it('usage errors exit 2; unreadable input exits 1 naming the file', async () => {
    const f = file('u.csv', `${GOOD}\n`);
    expect((await runCli(['import', f])).code).toBe(2);
    expect((await runCli(['import', '--case', tmp.file('u.duckdb')])).code).toBe(2);
    const fmt = await runCli(['import', f, '--case', tmp.file('u.duckdb'), '--format', 'parquet']);
    expect(fmt.code).toBe(2);
    expect(fmt.stderr).toMatch(/unknown format "parquet"/);
    const map = await runCli(['import', f, '--case', tmp.file('u.duckdb'), '--map', 'nonsense']);
    expect(map.code).toBe(2);
    const missing = await runCli(['import', tmp.file('nope.csv'), '--case', tmp.file('u.duckdb')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${tmp.file('nope.csv')}: file not found`);
    const html = await runCli([
      'import',
      file('p.html', '<html><body>hi</body></html>\n'),
      '--case',
      tmp.file('u.duckdb'),
    ]);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(/p\.html: looks like HTML, not a flow file/);
  });

  it('a case open in another process gets a clear message', async () => {
    const c = tmp.file('held.duckdb');
    expect((await runCli(['import', file('h.csv', `${GOOD}\n`), '--case', c])).code).toBe(0);
    const root = path.resolve(import.meta.dirname, '../..');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const { DuckDBInstance } = require('@duckdb/node-api');
         DuckDBInstance.create(${JSON.stringify(c)}).then(() => { console.log('ready'); process.stdin.resume(); });`,
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d) => String(d).includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const r = await runCli(['import', file('h2.csv', `${GOOD}\n${GOOD}\n`), '--case', c]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /held\.duckdb: the case is already open in another process.*close it there first/,
      );
    } finally {
      holder.kill();
    }
  });

  it.skipIf(process.getuid?.() === 0)('a read-only case file gets a clear message', async () => {
    const c = tmp.file('ro.duckdb');
    expect((await runCli(['import', file('r.csv', `${GOOD}\n`), '--case', c])).code).toBe(0);
    fs.chmodSync(c, 0o444);
    const r = await runCli(['import', file('r2.csv', `${GOOD}\n${GOOD}\n`), '--case', c]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/read-only/);
  });
});
