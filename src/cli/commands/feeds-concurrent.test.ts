// Concurrent `netsift feeds` processes against one catalogue: every update must survive (the
// catalogue is read, changed and written back under an exclusive lock file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/helpers/cli';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { FeedStatus } from '../../shared/feeds';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const N = 10;

describe('netsift feeds from concurrent processes', { timeout: 300_000 }, () => {
  it('keeps every one of ten concurrent adds and allow-list edits', async () => {
    const env = { NETSIFT_HOME: tmp.file('home'), NETSIFT_OFFLINE: '1' };
    const ids = Array.from({ length: N }, (_, i) => `feed-${i}`);
    const adds = ids.map((id) =>
      runCli(
        ['feeds', 'add', '--id', id, '--url', `http://127.0.0.1:9/${id}`, '--format', 'ip-list'],
        { env },
      ),
    );
    const allows = Array.from({ length: N }, (_, i) =>
      runCli(['feeds', 'allow', '--add', `198.51.100.${i}`], { env }),
    );
    const results = await Promise.all([...adds, ...allows]);
    for (const r of results) expect(r.stderr).not.toMatch(/error/i);
    expect(results.map((r) => r.code)).toEqual(results.map(() => 0));
    const list = await runCli(['feeds', 'list', '--json'], { env });
    const feeds = JSON.parse(list.stdout) as FeedStatus[];
    expect(
      feeds
        .map((f) => f.id)
        .filter((id) => id.startsWith('feed-'))
        .sort(),
    ).toEqual(ids);
    const allow = await runCli(['feeds', 'allow', '--list'], { env });
    expect(allow.stdout.trim().split('\n').sort()).toEqual(
      Array.from({ length: N }, (_, i) => `198.51.100.${i}`).sort(),
    );
    // no lock file left behind
    expect(
      fs.readdirSync(path.join(env.NETSIFT_HOME, 'feeds')).filter((f) => /lock/.test(f)),
    ).toEqual([]);
  });

  it('takes over a lock left by a process that died holding it', async () => {
    const env = { NETSIFT_HOME: tmp.file('home2'), NETSIFT_OFFLINE: '1' };
    // a real pid that no longer runs
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const lock = path.join(env.NETSIFT_HOME, 'feeds', 'catalogue.lock');
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(
      lock,
      JSON.stringify({
        pid: Number(dead.stdout),
        host: (await import('node:os')).hostname(),
        nonce: 'dead',
        at: new Date().toISOString(),
      }),
    );
    const r = await runCli(['feeds', 'allow', '--add', '203.0.113.7'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('203.0.113.7');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
