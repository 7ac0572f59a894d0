// `netsift feeds ...` through the real CLI (child process), with NETSIFT_HOME in a temp folder and
// feeds served from 127.0.0.1.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/helpers/cli';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { startTestServer, type TestServer } from '../../engine/intel/test-server';
import type { FeedStatus } from '../../shared/feeds';
import { humanAge } from './feeds';

const tmp = makeTmpDir();
const env = { NETSIFT_HOME: tmp.file('home'), NETSIFT_OFFLINE: '1' };
const cli = (...args: string[]) => runCli(['feeds', ...args], { env });
let srv: TestServer;
let status = 200;

beforeAll(async () => {
  srv = await startTestServer();
  srv.route('/list.txt', (_q, r) => {
    r.writeHead(status, { 'content-type': 'text/plain' });
    r.end(status === 200 ? '# list\n45.33.32.156\n81.2.69.142\n' : 'error');
  });
});
afterAll(async () => {
  await srv.close();
  tmp.cleanup();
});

async function list(): Promise<FeedStatus[]> {
  const r = await cli('list', '--json');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as FeedStatus[];
}

// each CLI run starts node + tsx (a few seconds on a busy 2-core machine)
describe('netsift feeds', { timeout: 240_000 }, () => {
  it('lists the default catalogue with the bundled snapshot and its age', async () => {
    const feeds = await list();
    expect(feeds.map((f) => f.id)).toEqual([
      'et-compromised',
      'spamhaus-drop',
      'feodo-recommended',
      'firehol-level1',
      'blocklist-de-all',
      'cins-army',
    ]);
    const et = feeds[0];
    expect(et.current).toMatchObject({
      version: 'bundled-2019-10-03',
      entries: 744,
      bundled: true,
    });
    expect(et.ageSeconds!).toBeGreaterThan(6 * 365 * 86400);
    expect(feeds[1].current).toBeNull();
    const text = await cli('list');
    expect(text.stdout).toMatch(
      /^et-compromised\tyes\tip-list\t744\t\d+ y\tbundled-2019-10-03\t0\t0\t$/m,
    );
  });

  it('adds a local file as a feed, warning about guarded entries', async () => {
    fs.writeFileSync(tmp.file('mine.txt'), '45.33.32.0/24\n10.0.0.0/8\n2a00:1450::/32\nbogus\n');
    const r = await cli(
      'add',
      '--id',
      'mine',
      '--file',
      tmp.file('mine.txt'),
      '--format',
      'cidr-list',
      '--name',
      'My list',
    );
    expect(r.stderr).toContain('warning: 10.0.0.0/8 not matched: private space (10.0.0.0/8)');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^added mine: 3 entries \(version .+\), 1 guarded, 1 invalid lines$/m);
    const mine = (await list()).find((f) => f.id === 'mine')!;
    expect(mine).toMatchObject({
      name: 'My list',
      invalidLines: 1,
      invalidSample: ['line 4: bogus'],
    });
  });

  it('refuses a bad format, a duplicate id and a missing action argument (exit 2)', async () => {
    const bad = await cli('add', '--id', 'x', '--url', srv.url('/list.txt'), '--format', 'yaml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown feed format "yaml"/);
    const dup = await cli(
      'add',
      '--id',
      'mine',
      '--file',
      tmp.file('mine.txt'),
      '--format',
      'cidr-list',
    );
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);
    expect((await cli('remove')).code).toBe(2);
  });

  it('adds a URL feed, refreshes it, keeps it on a 500, disables and removes it', async () => {
    const add = await cli(
      'add',
      '--id',
      'srv',
      '--url',
      srv.url('/list.txt'),
      '--format',
      'ip-list',
      '--interval',
      '0',
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('netsift feeds refresh --id srv');
    const ok = await cli('refresh', '--id', 'srv');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^srv: updated: 2 entries, version \S+$/m);
    status = 500;
    const bad = await cli('refresh', '--id', 'srv');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^srv: failed: .*HTTP 500.* \(kept version \S+\)$/m);
    status = 200;
    expect((await cli('disable', '--id', 'srv')).stdout).toContain('srv disabled');
    expect((await list()).find((f) => f.id === 'srv')?.enabled).toBe(false);
    expect((await cli('remove', '--id', 'srv')).code).toBe(0);
    const after = await list();
    expect(after.find((f) => f.id === 'srv')).toBeUndefined();
    expect(after.find((f) => f.id === 'mine')?.enabled).toBe(true);
  });

  it('never reaches the real publishers in offline mode', async () => {
    const r = await cli('refresh', '--id', 'spamhaus-drop');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /spamhaus-drop: failed: https:\/\/www\.spamhaus\.org\/drop\/drop\.txt: offline mode/,
    );
  });

  it('edits the allow-list', async () => {
    expect((await cli('allow', '--add', '8.8.8.8')).stdout.trim()).toBe('8.8.8.8');
    expect((await cli('allow', '--add', '1.1.1.0/24')).stdout.trim().split('\n')).toEqual([
      '8.8.8.8',
      '1.1.1.0/24',
    ]);
    const bad = await cli('allow', '--add', 'not-an-ip');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an IP address or CIDR/);
    expect((await cli('allow', '--remove', '8.8.8.8')).code).toBe(0);
    expect((await cli('allow', '--list')).stdout.trim()).toBe('1.1.1.0/24');
  });
});

describe('humanAge', () => {
  it('says how old a list is', () => {
    expect([
      humanAge(null),
      humanAge(42),
      humanAge(600),
      humanAge(7200),
      humanAge(3 * 86400),
      humanAge(7.2 * 365 * 86400),
    ]).toEqual(['-', '42 s', '10 min', '2 h', '3 d', '7 y']);
  });
});
