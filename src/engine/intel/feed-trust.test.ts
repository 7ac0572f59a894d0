// Where a list came from and how far it reaches: redirects stay in their scheme (no https -> http
// downgrade), at most 3 of them, and the final URL is recorded; an entry covering a /8 or more of
// public IPv4 (a /16 of IPv6) is guarded unless the feed is trusted for large ranges.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/helpers/cli';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { loadMatchSet } from './match-set';
import { FeedService } from './service';
import { startTestServer, type TestServer } from './test-server';

const tmp = makeTmpDir();
let srv: TestServer;
let svc: FeedService;
let n = 0;

beforeAll(async () => {
  srv = await startTestServer();
  svc = new FeedService(tmp.file('home'));
});
afterAll(async () => {
  await srv.close();
  tmp.cleanup();
});

const list = (body: string) => (_q: unknown, r: import('node:http').ServerResponse) => {
  r.writeHead(200, { 'content-type': 'text/plain' });
  r.end(body);
};
const redirect = (to: string) => (_q: unknown, r: import('node:http').ServerResponse) => {
  r.writeHead(302, { location: to });
  r.end();
};

async function refreshed(id: string) {
  const job = svc.refresh(id, { force: true });
  const [st] = await job.result;
  return { st, result: job.results![0] };
}

describe('feed redirects', () => {
  it('follows up to 3 redirects, across loopback hosts, and records the final URL', async () => {
    const id = `r${++n}`;
    const final = srv.url(`/${id}-final`).replace('127.0.0.1', 'localhost');
    srv.route(`/${id}`, redirect(`/${id}-2`));
    srv.route(`/${id}-2`, redirect(`/${id}-3`));
    srv.route(`/${id}-3`, redirect(final));
    srv.route(`/${id}-final`, list('45.33.32.156\n'));
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    const { st } = await refreshed(id);
    expect(st.lastError).toBeNull();
    expect(st.current?.sourceUrl).toBe(final);
    expect(st.current?.redirectedFrom).toBe(srv.url(`/${id}`));
  });

  it('refuses a fourth redirect and keeps the old list', async () => {
    const id = `r${++n}`;
    for (let i = 0; i < 4; i++) srv.route(`/${id}-${i}`, redirect(`/${id}-${i + 1}`));
    srv.route(`/${id}-4`, list('45.33.32.156\n'));
    await svc.add({ id, url: srv.url(`/${id}-0`), format: 'ip-list', intervalSeconds: 0 });
    const { st } = await refreshed(id);
    expect(st.current).toBeNull();
    expect(st.lastError).toMatch(/more than 3 redirects/);
  });

  it('refuses a redirect to another scheme, naming both URLs', async () => {
    const id = `r${++n}`;
    const to = srv.url(`/${id}-tls`).replace('http:', 'https:');
    srv.route(`/${id}`, redirect(to));
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    const { st } = await refreshed(id);
    expect(st.lastError).toBe(
      `${srv.url(`/${id}`)}: redirect to ${to} refused: a feed is only followed within its scheme (http:); ` +
        `add the feed with the URL it moved to if that is right`,
    );
    expect(srv.hits.some((h) => h.path === `/${id}-tls`)).toBe(false);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)(
  'https -> http (a real TLS server on 127.0.0.1)',
  { timeout: 120_000 },
  () => {
    let tls: https.Server;
    let base = '';
    const cert = tmp.file('cert.pem');
    beforeAll(async () => {
      const key = tmp.file('key.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      tls = https.createServer(
        { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
        (req, res) => {
          if (req.url === '/ok') return list('45.33.32.156\n')(req, res);
          if (req.url === '/hop') return redirect(`${base}/ok`)(req, res);
          redirect(srv.url('/downgraded'))(req, res);
        },
      );
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      base = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
      srv.route('/downgraded', list('45.33.32.156\n'));
    });
    afterAll(() => new Promise<void>((r) => tls.close(() => r())));

    it('refuses the downgrade; the CLI shows where a list came from', async () => {
      const env = {
        NETSIFT_HOME: tmp.file('tls-home'),
        NETSIFT_OFFLINE: '1',
        NODE_EXTRA_CA_CERTS: cert,
      };
      expect(
        (
          await runCli(
            [
              'feeds',
              'add',
              '--id',
              'tls',
              '--url',
              `${base}/ok`,
              '--format',
              'ip-list',
              '--interval',
              '0',
            ],
            { env },
          )
        ).code,
      ).toBe(0);
      const ok = await runCli(['feeds', 'refresh', '--id', 'tls'], { env });
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(/^tls: updated: 1 entries, version \S+$/m);
      expect(
        (
          await runCli(
            [
              'feeds',
              'add',
              '--id',
              'down',
              '--url',
              `${base}/down`,
              '--format',
              'ip-list',
              '--interval',
              '0',
            ],
            { env },
          )
        ).code,
      ).toBe(0);
      const down = await runCli(['feeds', 'refresh', '--id', 'down'], { env });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain(
        `redirect to ${srv.url('/downgraded')} refused: a feed is only followed within its scheme (https:)`,
      );
      expect(srv.hits.some((h) => h.path === '/downgraded')).toBe(false);
    });
  },
);

describe('very large ranges', () => {
  const BODY = '45.0.0.0/8\n44.0.0.0/7\n81.2.69.0/24\n2a00::/12\n2a06:e480::/29\n';

  it('guards a public /8 or larger (IPv6 /16 or larger) unless the feed is trusted for them', async () => {
    const id = `big${++n}`;
    srv.route(`/${id}`, list(BODY));
    await svc.add({ id, url: srv.url(`/${id}`), format: 'cidr-list', intervalSeconds: 0 });
    const { st } = await refreshed(id);
    expect(st.current?.entries).toBe(5);
    expect(st.guarded).toEqual([
      {
        entry: '45.0.0.0/8',
        reason:
          'very large range (16,777,216 addresses, /8 or larger); trust the feed for large ranges to match it',
      },
      {
        entry: '44.0.0.0/7',
        reason:
          'very large range (33,554,432 addresses, /8 or larger); trust the feed for large ranges to match it',
      },
      {
        entry: '2a00::/12',
        reason:
          'very large range (2^116 addresses, /16 or larger); trust the feed for large ranges to match it',
      },
    ]);
    let set = loadMatchSet(tmp.file('home'), []);
    expect(set.ranges.filter((r) => r.feed_id === id).map((r) => r.entry)).toEqual([
      '81.2.69.0/24',
      '2a06:e480::/29',
    ]);
    expect(set.guarded.filter((g) => g.feed_id === id)).toHaveLength(3);
    // trusted: matched as listed
    await svc.add(
      {
        id,
        url: srv.url(`/${id}`),
        format: 'cidr-list',
        intervalSeconds: 0,
        trustLargeRanges: true,
      },
      { replace: true },
    );
    expect((await svc.status(id)).guarded).toEqual([]);
    set = loadMatchSet(tmp.file('home'), []);
    expect(set.ranges.filter((r) => r.feed_id === id)).toHaveLength(5);
  });

  it('the CLI marks a feed trusted with --trust-large-ranges and lists the guarded count', async () => {
    fs.writeFileSync(tmp.file('big.txt'), BODY);
    const env = { NETSIFT_HOME: tmp.file('cli-home'), NETSIFT_OFFLINE: '1' };
    const add = await runCli(
      ['feeds', 'add', '--id', 'big', '--file', tmp.file('big.txt'), '--format', 'cidr-list'],
      { env },
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added big: 5 entries \(version .+\), 3 guarded$/m);
    expect(add.stderr).toContain('warning: 45.0.0.0/8 not matched: very large range');
    const trusted = await runCli(
      [
        'feeds',
        'add',
        '--id',
        'big',
        '--file',
        tmp.file('big.txt'),
        '--format',
        'cidr-list',
        '--replace',
        '--trust-large-ranges',
      ],
      { env },
    );
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/^added big: 5 entries \(version .+\)$/m);
    const text = await runCli(['feeds', 'list'], { env });
    expect(text.stdout).toMatch(/^big\tyes\tcidr-list\t5\t.*\t0\t0\t$/m);
  });
});
