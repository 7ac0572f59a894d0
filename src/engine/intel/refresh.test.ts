// Feed refresh against real HTTP servers on 127.0.0.1: every format, conditional requests, and each
// way a download goes wrong (the old list must survive all of them).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { FeedFormat } from '../../shared/feeds';
import { FeedService } from './service';
import { startTestServer, type TestServer } from './test-server';

const tmp = makeTmpDir();
let srv: TestServer;
let svc: FeedService;
let n = 0;

beforeAll(async () => {
  srv = await startTestServer();
  svc = new FeedService(tmp.dir);
});
afterAll(async () => {
  await srv.close();
  tmp.cleanup();
});

const text =
  (body: string, headers: Record<string, string> = {}) =>
  (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

/** A new feed served at its own path; returns its id. */
async function feedAt(
  format: FeedFormat,
  body: string | null,
  extra: { interval?: number } = {},
): Promise<string> {
  const id = `f${++n}`;
  if (body !== null) srv.route(`/${id}`, text(body));
  await svc.add({ id, url: srv.url(`/${id}`), format, intervalSeconds: extra.interval ?? 0 });
  return id;
}

async function refresh(id: string, opts: Parameters<FeedService['refresh']>[1] = {}) {
  const job = svc.refresh(id, opts);
  const [st] = await job.result;
  return { st, result: job.results![0] };
}

const ips = (k: number, prefix = '45.33') =>
  Array.from({ length: k }, (_, i) => `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`);

describe('feed formats over HTTP (200)', () => {
  const cases: { format: FeedFormat; body: string; entries: string[] }[] = [
    {
      format: 'ip-list',
      body: '# ET compromised\n45.33.32.156\n81.2.69.142 # trailing comment\n\n',
      entries: ['45.33.32.156', '81.2.69.142'],
    },
    {
      format: 'cidr-list',
      body: '81.2.69.0/24\n45.33.32.156\n2a00:1450::/32\n',
      entries: ['81.2.69.0/24', '45.33.32.156', '2a00:1450::/32'],
    },
    {
      format: 'spamhaus-drop',
      body: '; Spamhaus DROP List 2026/11/28\n; Last-Modified: Sat, 28 Nov 2026\n1.10.16.0/20 ; SBL256894\n1.19.0.0/16 ; SBL434604\n',
      entries: ['1.10.16.0/20', '1.19.0.0/16'],
    },
    {
      format: 'spamhaus-drop',
      body:
        '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}\n{"cidr":"2a06:e480::/29","sblid":"SBL301771","rir":"ripencc"}\n' +
        '{"type":"metadata","timestamp":1764288000,"size":2,"records":2,"copyright":"(c) 2026 The Spamhaus Project SLU"}\n',
      entries: ['1.10.16.0/20', '2a06:e480::/29'],
    },
    {
      format: 'firehol-netset',
      body: '#\n# firehol_level1\n# ipv4 hash:net ipset\n#\n1.10.16.0/20\n5.188.10.0/23\n45.33.32.156\n',
      entries: ['1.10.16.0/20', '5.188.10.0/23', '45.33.32.156'],
    },
    {
      format: 'feodo',
      body: '################\n# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (recommended) #\n# Last updated: 2026-11-28 21:06:02 UTC\n################\n162.243.103.246\n50.16.16.211\n#\n# END 2 entries\n',
      entries: ['162.243.103.246', '50.16.16.211'],
    },
    {
      format: 'feodo',
      body:
        '################\n# abuse.ch Feodo Tracker CSV\n################\n# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n' +
        '"2021-01-17 07:44:46","51.195.44.24","443","online","2026-11-28","Dridex"\n"2021-02-01 10:00:00","162.243.103.246","8080","offline","2026-11-01","Emotet"\n# END 2 entries\n',
      entries: ['51.195.44.24', '162.243.103.246'],
    },
    {
      format: 'csv:indicator',
      body: 'first_seen,indicator,comment\n2026-11-01,"45.33.32.156","scanner, aggressive"\n2026-11-02,81.2.69.0/24,c2\n',
      entries: ['45.33.32.156', '81.2.69.0/24'],
    },
  ];
  for (const c of cases) {
    it(`parses ${c.format}${c.body.startsWith('{') ? ' (JSON lines)' : c.body.includes('","') ? ' (CSV)' : ''}`, async () => {
      const id = await feedAt(c.format, c.body);
      const { st, result } = await refresh(id);
      expect(result.outcome).toBe('updated');
      expect(st.lastError).toBeNull();
      expect(st.current?.entries).toBe(c.entries.length);
      expect(st.current?.sourceUrl).toBe(srv.url(`/${id}`));
      expect(st.current?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(st.invalidLines).toBe(0);
      expect(svc.store.readEntries(id, st.current!.version).map((e) => e.entry)).toEqual(c.entries);
    });
  }

  it('keeps Spamhaus SBL ids as notes', async () => {
    const id = await feedAt('spamhaus-drop', '1.10.16.0/20 ; SBL256894\n');
    const { st } = await refresh(id);
    expect(svc.store.readEntries(id, st.current!.version)[0].note).toBe('SBL256894');
  });
});

describe('conditional requests and intervals', () => {
  it('sends If-None-Match / If-Modified-Since and keeps the list on 304', async () => {
    const id = `etag${++n}`;
    srv.route(`/${id}`, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304);
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', 'last-modified': 'Sat, 28 Nov 2026 20:00:00 GMT' });
      res.end('45.33.32.156\n81.2.69.142\n');
    });
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    const first = await refresh(id);
    expect(first.result.outcome).toBe('updated');
    const second = await refresh(id);
    expect(second.result.outcome).toBe('unchanged');
    expect(second.st.current?.version).toBe(first.st.current?.version);
    expect(second.st.lastOutcome).toBe('unchanged');
    const seen = srv.hits.filter((h) => h.path === `/${id}`);
    expect(seen[1]).toMatchObject({
      ifNoneMatch: '"v1"',
      ifModifiedSince: 'Sat, 28 Nov 2026 20:00:00 GMT',
    });
  });

  it('does not ask more often than the feed allows, even when forced below its minimum', async () => {
    const id = await feedAt('ip-list', '45.33.32.156\n', { interval: 3600 });
    expect((await refresh(id)).result.outcome).toBe('updated');
    expect((await refresh(id)).result.outcome).toBe('skipped');
    // forced: the analyst's interval is ignored ...
    expect((await refresh(id, { force: true })).result.outcome).toBe('unchanged');
    // ... but not the publisher's minimum (Spamhaus: one download per hour)
    await svc.add({
      id: 'drop-min',
      url: srv.url('/drop-min'),
      format: 'spamhaus-drop',
      intervalSeconds: 0,
    });
    await svc.store.updateCatalogue((c) => {
      c.feeds.find((f) => f.id === 'drop-min')!.minIntervalSeconds = 3600;
    });
    srv.route('/drop-min', text('1.10.16.0/20 ; SBL256894\n'));
    expect((await refresh('drop-min')).result.outcome).toBe('updated');
    expect((await refresh('drop-min', { force: true })).result.outcome).toBe('skipped');
    expect(srv.hits.filter((h) => h.path === '/drop-min')).toHaveLength(1);
  });
});

describe('failures keep the old list', () => {
  async function withGoodVersion() {
    const id = `bad${++n}`;
    let handler: import('./test-server').Handler = text(ips(100).join('\n'));
    srv.route(`/${id}`, (req, res) => handler(req, res));
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    const good = await refresh(id);
    expect(good.st.current?.entries).toBe(100);
    return {
      id,
      version: good.st.current!.version,
      serve: (h: import('./test-server').Handler) => (handler = h),
    };
  }

  const failing: [string, import('./test-server').Handler, RegExp, Record<string, number>?][] = [
    ['404', (_q, r) => (r.writeHead(404), r.end('nope')), /HTTP 404/],
    ['500', (_q, r) => (r.writeHead(500), r.end('boom')), /HTTP 500/],
    [
      'a hang past the timeout',
      () => undefined,
      /no complete answer within 0.3 s/,
      { totalTimeoutMs: 300 },
    ],
    [
      'a body over the size limit',
      text(ips(1000).join('\n')),
      /over the 2000-byte limit/,
      { maxBytes: 2000 },
    ],
    [
      'a gzip body over the size limit once unpacked',
      (_q, r) => {
        r.writeHead(200, { 'content-encoding': 'gzip' });
        r.end(zlib.gzipSync(Buffer.alloc(100_000, '1.2.3.4\n')));
      },
      /over the 5000-byte limit/,
      { maxBytes: 5000 },
    ],
    [
      'an HTML error page with status 200',
      text(
        '<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Rate limited</body></html>',
        { 'content-type': 'text/html' },
      ),
      /HTML page/,
    ],
    ['HTML without a content type', text('\n  <html><body>maintenance</body></html>'), /HTML page/],
    ['an empty body', text(''), /empty/],
    [
      'a list that lost most of its entries',
      text(ips(30).join('\n')),
      /30 entries against 100.*below 50%/,
    ],
    ['mostly garbage', text('hello\nworld\nfoo\n45.33.32.156\n'), /invalid lines.*wrong format/],
    [
      'a truncated body',
      (_q, r) => {
        r.writeHead(200, { 'content-length': '5000', 'content-type': 'text/plain' });
        r.write(ips(20).join('\n'));
        setTimeout(() => r.socket?.destroy(), 20);
      },
      /truncated|aborted|socket hang up|closed/,
    ],
  ];
  for (const [what, handler, msg, opts] of failing) {
    it(`refuses ${what}`, async () => {
      const f = await withGoodVersion();
      f.serve(handler);
      const { st, result } = await refresh(f.id, opts ?? {});
      expect(result.outcome).toBe('failed');
      expect(st.lastError).toMatch(msg);
      expect(st.lastOutcome).toBe('failed');
      expect(st.current?.version).toBe(f.version);
      expect(st.current?.entries).toBe(100);
      expect(svc.store.readEntries(f.id, f.version)).toHaveLength(100);
    });
  }

  it('clears the error on the next good refresh', async () => {
    const f = await withGoodVersion();
    f.serve((_q, r) => (r.writeHead(500), r.end()));
    expect((await refresh(f.id)).st.lastError).toMatch(/500/);
    f.serve(text(ips(120).join('\n')));
    const { st } = await refresh(f.id);
    expect(st.lastError).toBeNull();
    expect(st.current?.entries).toBe(120);
  });
});

describe('content', () => {
  it('counts and samples malformed lines among good ones', async () => {
    const body = [
      '45.33.32.156',
      '999.1.1.1',
      '81.2.69.0/33',
      'not an ip',
      '81.2.69.0/24',
      '1.2.3',
      '2a00:1450::1',
      '5.188.10.0/23',
    ].join('\n');
    const id = await feedAt('cidr-list', body);
    const { st } = await refresh(id);
    expect(st.current?.entries).toBe(4);
    expect(st.invalidLines).toBe(4);
    expect(st.invalidSample).toEqual([
      'line 2: 999.1.1.1',
      'line 3: 81.2.69.0/33',
      'line 4: not an ip',
      'line 6: 1.2.3',
    ]);
  });

  it('accepts gzip bodies (Content-Encoding and .gz files)', async () => {
    const id = `gz${++n}`;
    srv.route(`/${id}`, (_q, r) => {
      r.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      r.end(zlib.gzipSync(ips(50).join('\n')));
    });
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    expect((await refresh(id)).st.current?.entries).toBe(50);
    const id2 = `gzfile${++n}`;
    srv.route(`/${id2}.gz`, (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/gzip' });
      r.end(zlib.gzipSync(ips(7).join('\n')));
    });
    await svc.add({ id: id2, url: srv.url(`/${id2}.gz`), format: 'ip-list', intervalSeconds: 0 });
    expect((await refresh(id2)).st.current?.entries).toBe(7);
  });

  it('follows redirects on loopback, and refuses one that leaves it in offline mode', async () => {
    const id = `redir${++n}`;
    srv.route(`/${id}`, (_q, r) => (r.writeHead(302, { location: `/${id}-target` }), r.end()));
    srv.route(`/${id}-target`, text('45.33.32.156\n'));
    await svc.add({ id, url: srv.url(`/${id}`), format: 'ip-list', intervalSeconds: 0 });
    expect((await refresh(id)).st.current?.entries).toBe(1);
    const away = `away${++n}`;
    // a documentation address: refused before any connection is attempted
    srv.route(
      `/${away}`,
      (_q, r) => (r.writeHead(301, { location: 'http://192.0.2.10/list.txt' }), r.end()),
    );
    await svc.add({ id: away, url: srv.url(`/${away}`), format: 'ip-list', intervalSeconds: 0 });
    expect((await refresh(away)).st.lastError).toMatch(
      /http:\/\/192\.0\.2\.10\/list\.txt: offline mode/,
    );
  });

  it('lists guarded entries (10.0.0.0/8, loopback, multicast...) as warnings', async () => {
    const id = await feedAt(
      'firehol-netset',
      '0.0.0.0/8\n10.0.0.0/8\n45.33.32.156\n127.0.0.0/8\n224.0.0.0/3\n100.0.0.0/8\nfe80::/10\n',
    );
    const { st } = await refresh(id);
    expect(st.current?.entries).toBe(7);
    expect(st.guarded).toEqual([
      { entry: '0.0.0.0/8', reason: 'this-network space (0.0.0.0/8)' },
      { entry: '10.0.0.0/8', reason: 'private space (10.0.0.0/8)' },
      { entry: '127.0.0.0/8', reason: 'loopback space (127.0.0.0/8)' },
      { entry: '224.0.0.0/3', reason: 'overlaps multicast space (224.0.0.0/4)' },
      { entry: '100.0.0.0/8', reason: 'overlaps shared-cgn space (100.64.0.0/10)' },
      { entry: 'fe80::/10', reason: 'link-local space (fe80::/10)' },
    ]);
  });

  it('reads IPv6 addresses and prefixes', async () => {
    const id = await feedAt(
      'cidr-list',
      '2a00:1450:4001::1\n2a06:e480::/29\n::ffff:45.33.32.156\n',
    );
    const { st } = await refresh(id);
    const e = svc.store.readEntries(id, st.current!.version);
    expect(e.map((x) => x.entry)).toEqual([
      '2a00:1450:4001::1',
      '2a06:e480::/29',
      '::ffff:45.33.32.156',
    ]);
    expect(e[1].hi - e[1].lo).toBe((1n << 99n) - 1n);
  });

  it('keeps at most five versions and switches the pointer atomically', async () => {
    const id = await feedAt('ip-list', null);
    for (let k = 1; k <= 7; k++) {
      srv.route(`/${id}`, text(ips(100 + k).join('\n')));
      expect((await refresh(id)).result.outcome).toBe('updated');
    }
    const versions = svc.store.versions(id);
    expect(versions).toHaveLength(5);
    expect(versions.at(-1)?.entries).toBe(107);
    expect((await svc.status(id)).current?.version).toBe(versions.at(-1)?.version);
    // no temp files left behind
    const dir = `${tmp.dir}/feeds/${id}`;
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('safety', () => {
  it('never fetches a non-loopback URL under tests or NETSIFT_OFFLINE=1', async () => {
    await svc.add({
      id: 'real',
      url: 'https://rules.emergingthreats.net/blockrules/compromised-ips.txt',
      format: 'ip-list',
      intervalSeconds: 0,
    });
    const { st } = await refresh('real');
    expect(st.lastError).toMatch(/offline mode .* fetches only loopback URLs/);
  });

  it('refreshes all enabled feeds in one job with progress, each feed failing on its own', async () => {
    const home = makeTmpDir();
    try {
      const s = new FeedService(home.dir);
      // defaults point at the real publishers and must fail without traffic; two local feeds succeed
      srv.route('/all-a', text('45.33.32.156\n'));
      srv.route('/all-b', text('81.2.69.0/24\n'));
      await s.add({ id: 'a', url: srv.url('/all-a'), format: 'ip-list', intervalSeconds: 0 });
      await s.add({ id: 'b', url: srv.url('/all-b'), format: 'cidr-list', intervalSeconds: 0 });
      await s.setEnabled('cins-army', false);
      const job = s.refresh();
      const phases: string[] = [];
      job.onProgress((p) => p.message && phases.push(p.message));
      const list = await job.result;
      expect(list.map((f) => f.id)).not.toContain('cins-army');
      expect(list.find((f) => f.id === 'a')?.current?.entries).toBe(1);
      expect(list.find((f) => f.id === 'b')?.current?.entries).toBe(1);
      expect(list.find((f) => f.id === 'spamhaus-drop')?.lastError).toMatch(/offline mode/);
      // the bundled snapshot survives a failed refresh of its feed
      const et = list.find((f) => f.id === 'et-compromised')!;
      expect(et.lastError).toMatch(/offline mode/);
      expect(et.current).toMatchObject({
        version: 'bundled-2019-10-03',
        entries: 744,
        bundled: true,
      });
      expect(phases).toContain('a: updated');
      expect(phases).toHaveLength(list.length);
    } finally {
      home.cleanup();
    }
  });
});
