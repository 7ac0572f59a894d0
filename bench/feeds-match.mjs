// Benchmark of the threat-intel feeds (issue 4): prints figures, asserts nothing.
//   node --import tsx bench/feeds-match.mjs [--flows 10000000] [--ranges 100000]
// 1. matching: the blacklist detector over N flows (20k internal hosts, 1M external peers in 64
//    public /8s) against a feed of R ranges (70% single IPs, 29.4% /24, 0.1% /16, 0.5% IPv6 /48)
//    over the whole IPv4 unicast space: about 0.4% of the flows hit, target < 3 s;
// 2. refresh of all six default feeds served by a local HTTP server (NETSIFT_FEED_BASE_URL), < 5 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.env.NETSIFT_OFFLINE = '1'; // loopback only, whatever the catalogue says
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FLOWS = arg('flows', 10_000_000);
const RANGES = arg('ranges', 100_000);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-feeds-'));
process.env.NETSIFT_HOME = home;
const { FeedService } = await import('../src/engine/intel/service.ts');
const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { blacklistDetector, lastRunTimings } =
  await import('../src/engine/detect/detectors/blacklist/index.ts');
const { resolveParams } = await import('../src/engine/detect/params.ts');
const { startTestServer } = await import('../src/engine/intel/test-server.ts');
const { listValue } = await import('@duckdb/node-api');

// the generator's seeded PRNG: the same bench input on every run
const { Rng } = await import('../src/engine/generate/prng.ts');
const rng = new Rng(12345, 'bench-feeds-match');
const rnd = (n) => rng.int(0, n - 1);
// 64 public /8s for peers and feed entries alike
const OCTETS = Array.from({ length: 64 }, (_, i) => 20 + i); // 20.0.0.0 - 83.255.255.255: all public
const publicOctet = () => OCTETS[rnd(64)];
// feed entries anywhere in 1-223 but 10 and 127 (a few land in other special space: guarded)
const anyOctet = () => {
  const a = 1 + rnd(223);
  return a === 10 || a === 127 ? 11 : a;
};

function rangesFile(n) {
  const lines = ['# synthetic bench feed'];
  for (let i = 0; i < n; i++) {
    const k = rnd(1000);
    const a = anyOctet();
    if (k < 700) lines.push(`${a}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`);
    else if (k < 994) lines.push(`${a}.${rnd(256)}.${rnd(256)}.0/24`);
    else if (k < 995) lines.push(`${a}.${rnd(256)}.0.0/16`);
    else lines.push(`2a0${rnd(10)}:${rnd(65536).toString(16)}:${rnd(65536).toString(16)}::/48`);
  }
  return lines.join('\n') + '\n';
}

const t = () => performance.now();
const secs = (a) => ((performance.now() - a) / 1000).toFixed(2);

try {
  // --- 1. matching -------------------------------------------------------------------------
  const svc = new FeedService(home);
  const file = path.join(home, 'bench-ranges.txt');
  fs.writeFileSync(file, rangesFile(RANGES));
  let t0 = t();
  const st = await svc.add({ id: 'bench', file, format: 'cidr-list' });
  console.log(
    `feed import: ${st.current.entries} entries (${st.guarded.length} guarded) in ${secs(t0)} s`,
  );

  // the generated case is kept in bench/.cache (generating 10M flows takes minutes on 2 cores)
  const cacheDir = path.join(import.meta.dirname, '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const caseFile = path.join(cacheDir, `feeds-match-${FLOWS}.duckdb`);
  const cached = fs.existsSync(caseFile);
  const store = await CaseStore.open(caseFile);
  t0 = t();
  if (!cached || (await store.flowCount()) !== FLOWS) {
    await store.run('DELETE FROM flows; DELETE FROM imports');
    await store.run(
      `INSERT INTO imports VALUES (1, 'bench', 0, 'bench', 'bench', $1, $1, 0, now()::TIMESTAMP, now()::TIMESTAMP, 'UTC', NULL, NULL, NULL)`,
      [FLOWS],
    );
    // 20k internal hosts in 10.0.0.0/16..; 1M external peers spread over public /8s
    await store.run(
      `
INSERT INTO flows (id, import_id, ts, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
                   src_bytes, dst_bytes, src_pkts, dst_pkts, label, src_num, dst_num)
SELECT i, 1, TIMESTAMP '2017-01-27 16:24:42' + to_microseconds((i * 420)::BIGINT), 'tcp', 'established', NULL,
       '10.' || (h // 65536) || '.' || ((h // 256) % 256) || '.' || (h % 256), 40000 + i % 20000,
       a || '.' || b || '.' || c || '.' || d, 443, 500, 1500, 4, 4, NULL,
       (281470681743360 + 167772160 + h)::UHUGEINT,
       (281470681743360 + a * 16777216 + b * 65536 + c * 256 + d)::UHUGEINT
FROM (
  SELECT i, hash(i) % 20000 AS h, p,
         ($2::BIGINT[])[1 + (hash(p) % 64)::INTEGER] AS a,
         hash(p + 1) % 256 AS b, hash(p + 2) % 256 AS c, 1 + hash(p + 3) % 254 AS d
  FROM (SELECT i, hash(i * 7) % 1000000 AS p FROM range($1::BIGINT) t(i))
)`,
      [FLOWS, listValue(OCTETS)],
    );
    await store.run('CHECKPOINT');
    console.log(
      `case: ${FLOWS.toLocaleString('en-US')} flows generated in ${secs(t0)} s (kept in ${caseFile})`,
    );
  } else console.log(`case: ${FLOWS.toLocaleString('en-US')} flows from ${caseFile}`);

  const conn = await store.connect();
  const ctx = {
    store,
    conn,
    windowSeconds: 10,
    params: resolveParams('blacklist', blacklistDetector.params, {}),
    internalNetworks: await store.internalNetworks(),
    checkCancelled: () => undefined,
  };
  // run 1 copies the feed into the case; run 2 finds the same set there and copies nothing
  for (let run = 1; run <= 2; run++) {
    const load = os.loadavg()[0].toFixed(1);
    const cpu0 = process.cpuUsage();
    t0 = t();
    const alerts = await blacklistDetector.run(ctx);
    const s = secs(t0);
    const cpu = process.cpuUsage(cpu0);
    const flows = alerts.reduce((n, a) => n + a.flow_count, 0);
    console.log(
      `matching run ${run}: ${FLOWS.toLocaleString('en-US')} flows x ${st.current.entries.toLocaleString('en-US')} ranges -> ` +
        `${alerts.length.toLocaleString('en-US')} alerts over ${flows.toLocaleString('en-US')} flows in ${s} s (target < 3 s)` +
        ` [process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, load average ${load} before]`,
    );
    console.log(
      `  ${Object.entries(lastRunTimings)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(', ')}`,
    );
  }
  conn.closeSync();
  store.close();

  // --- 2. refresh of all default feeds from a local server ----------------------------------
  const sizes = {
    'et-compromised': 1000,
    'spamhaus-drop': 1500,
    'feodo-recommended': 100,
    'firehol-level1': 4500,
    'blocklist-de-all': 25000,
    'cins-army': 15000,
  };
  const srv = await startTestServer();
  for (const [id, n] of Object.entries(sizes)) {
    const body =
      id === 'spamhaus-drop'
        ? Array.from(
            { length: n },
            (_, i) => `${publicOctet()}.${i % 256}.${rnd(16) * 16}.0/20 ; SBL${100000 + i}`,
          ).join('\n')
        : Array.from(
            { length: n },
            () => `${publicOctet()}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`,
          ).join('\n');
    srv.route(`/${id}`, (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.end(body + '\n');
    });
  }
  const home2 = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-feeds-'));
  process.env.NETSIFT_FEED_BASE_URL = srv.base;
  const svc2 = new FeedService(home2);
  t0 = t();
  const job = svc2.refresh(undefined, { force: true });
  const list = await job.result;
  const s = secs(t0);
  const updated = job.results.filter((r) => r.outcome === 'updated').length;
  console.log(
    `refresh of ${list.length} default feeds (local server): ${updated} updated, ` +
      `${list.reduce((n, f) => n + (f.current?.entries ?? 0), 0).toLocaleString('en-US')} entries in ${s} s (target < 5 s)`,
  );
  for (const f of list) if (f.lastError) console.log(`  ${f.id}: ${f.lastError}`);
  await srv.close();
  fs.rmSync(home2, { recursive: true, force: true });
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
