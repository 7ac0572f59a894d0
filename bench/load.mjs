// `netsift serve` under load (issue 15): N analysts (default 20) working one large case at once
// over loopback HTTP for a bounded time, then a burst of calls sent together. Prints latency
// p50/p95/max per call and per method, errors, calls the clients abandoned, and the server's RSS.
// Loopback only; every client is this process; the server is the built CLI in a child process.
//   node bench/load.mjs [--clients 20] [--seconds 60] [--burst 200] [--flows 3000000] [--case FILE]
//                       [--seed 1]  (the analysts' random moves: the same seed, the same moves)
//
// One analyst, as the workspace behaves (src/renderer/src/features/*): pick a view (an incident's
// evidence, a filter, a filter with a brushed time range, or everything); fire what a selection
// fires (the flows grid's first page then its count; alerts; top talkers, ports and the pair
// scatter for the feature the analyst picked, changed now and then; the timeline when the filter
// changed) with at most 6 requests in flight (a browser's
// per-host limit); now and then step to the next view before the answers came (j/k through the
// incidents: the old view's requests are abandoned, i.e. their sockets closed, as the page's client
// does); scroll the grid to a few random blocks, sometimes sorted by bytes; think between moves.
import { spawn, spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CACHE, ROOT } from './data.mjs';

const FILTERS = [
  'dst port 443',
  'proto udp',
  'dst port in [22 3389]',
  'src net 192.168.100.0/24 and dst port 53',
  'not dst net 192.168.0.0/16',
  'state reset',
  'dst port 80 or dst port 8080',
  'src net 192.168.1.0/24',
];
const FEATURES = ['num_dst_ports', 'num_conns', 'bytes_up', 'bytes_down'];
const BLOCK = 200;
/** After the run's end, how long unanswered calls may still take; the burst's own bound. */
const GRACE_MS = 30_000;
const BURST_MS = 120_000;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '-');

/** The load case: `netsift generate --flows N` then `netsift analyze` into bench/.cache, once. */
export function ensureLoadCase(flows, log = console.log) {
  const label = `${(flows / 1e6).toFixed(1)}M`;
  const file = path.join(CACHE, `load-${label}.duckdb`);
  if (fs.existsSync(file) && !fs.existsSync(`${file}.building`)) return file;
  fs.mkdirSync(CACHE, { recursive: true });
  const cli = path.join(ROOT, 'out/cli/netsift.mjs');
  const csv = path.join(CACHE, `load-${label}.csv`);
  fs.writeFileSync(`${file}.building`, '');
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.wal`, { force: true });
  log(`building ${file} (netsift generate --flows ${flows}; netsift analyze; once)`);
  for (const args of [
    ['generate', '--out', csv, '--flows', String(flows)],
    ['analyze', csv, '--case', file],
  ]) {
    const r = spawnSync(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`netsift ${args[0]} failed (exit ${r.status})`);
  }
  for (const f of fs.readdirSync(CACHE))
    if (f.startsWith(`load-${label}.`) && !f.endsWith('.duckdb') && !f.endsWith('.building'))
      fs.rmSync(path.join(CACHE, f));
  fs.rmSync(`${file}.building`);
  return file;
}

/**
 * The CLI whose server is measured: this checkout's build, or NETSIFT_BENCH_CLI (another build's
 * out/cli/netsift.mjs, to compare two builds on the same machine, interleaved).
 */
const SERVE_CLI = process.env.NETSIFT_BENCH_CLI ?? path.join(ROOT, 'out/cli/netsift.mjs');

/**
 * NETSIFT_BENCH_CPU_PROF=<folder>: the server writes a CPU profile of its JavaScript thread there
 * when it exits (open it in Chrome's DevTools, Performance): what the thread that answers every
 * call spends its time on under load.
 */
const CPU_PROF = process.env.NETSIFT_BENCH_CPU_PROF;

function startServe(caseFile, home) {
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(CPU_PROF)] : [];
  const argv = [...prof, SERVE_CLI, 'serve', '--case', caseFile, '--port', '0'];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, NETSIFT_HOME: home, NETSIFT_OFFLINE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const on = (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), token: m[2] });
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    // NETSIFT_TRACE_LANES / NETSIFT_TRACE_SQL: the server's traces, to see where the tail's time goes
    if (process.env.NETSIFT_TRACE_LANES || process.env.NETSIFT_TRACE_SQL)
      child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
  });
}

/** CPU seconds the process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * One RPC over loopback; `abandon` (an AbortSignal) closes the socket as a page would. Every call
 * also ends at the run's hard stop (server.stop): what is unanswered then counts as an error.
 */
function rpc(server, agent, method, args, abandon) {
  const stop = server.stop;
  return new Promise((resolve) => {
    const body = JSON.stringify({ method, args });
    const t0 = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: '/api/rpc',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-netsift-token': server.token,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const t = performance.now() - t0;
          let parsed = null;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // counted as an error below
          }
          resolve({
            method,
            ms: t,
            status: res.statusCode,
            ok: !!parsed?.ok,
            result: parsed?.result,
            error: parsed?.error,
          });
        });
        res.on('error', () => resolve(failed()));
      },
    );
    const failed = (e) => ({
      method,
      ms: performance.now() - t0,
      abandoned: !!abandon?.aborted,
      ok: false,
      error: {
        message: stop.aborted ? 'unanswered at the hard stop' : (e?.message ?? 'connection closed'),
      },
    });
    req.on('error', (e) => resolve(failed(e)));
    for (const sig of [abandon, stop]) {
      if (!sig) continue;
      if (sig.aborted) req.destroy();
      else sig.addEventListener('abort', () => req.destroy(), { once: true });
    }
    req.end(body);
  });
}

/** At most `n` promises of fn at once (the browser's 6 connections per host). */
function limiter(n) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active >= n || !waiting.length) return;
    active++;
    const { fn, resolve } = waiting.shift();
    fn().then((v) => {
      active--;
      resolve(v);
      next();
    });
  };
  return (fn) => new Promise((resolve) => (waiting.push({ fn, resolve }), next()));
}

/** The p95 target (issue 15): calls slower than this are listed by method and view. */
const SLOW_MS = 500;

/** The kind of view a call's query belongs to (what the tail is made of). */
function viewKind(q) {
  if (!q || typeof q !== 'object') return 'other';
  if (q.selector) return 'incident';
  if (q.filter && q.range) return 'filter+range';
  if (q.filter) return 'filter';
  if (q.range) return 'range';
  return 'all';
}

/**
 * Seeded random numbers (mulberry32), one stream per analyst: the same seed gives each analyst
 * the same views and moves run after run, so two runs (or two builds) compare the same work
 * (with Math.random two runs of one build differed by 200 ms of p95).
 */
function seeded(seed) {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (t) => new Promise((r) => setTimeout(r, t));

async function analyst(server, ctx, deadline, stats, seed) {
  const own = seeded(seed);
  const pick = (n) => Math.floor(own() * n);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  const slot = limiter(6);
  let lastFilter = null;
  // the scatter's feature is the analyst's choice in the pane: it stays until changed
  let feature = FEATURES[0];
  const call = (method, args, abandon) =>
    slot(() => {
      if (abandon?.aborted) return Promise.resolve({ method, abandoned: true, ok: false });
      if (server.stop.aborted)
        return Promise.resolve({
          method,
          ok: false,
          error: { message: 'unanswered at the hard stop' },
        });
      return rpc(server, agent, method, args, abandon);
    }).then((r) => {
      r.view = viewKind(args[0]);
      stats.record(r);
      return r;
    });
  const pickView = () => {
    const r = own();
    if (r < 0.3 && ctx.incidents.length) {
      const inc = ctx.incidents[pick(ctx.incidents.length)];
      return { q: { selector: inc.evidence }, incident: inc.id };
    }
    if (r < 0.7) return { q: { filter: FILTERS[pick(FILTERS.length)] } };
    if (r < 0.9) {
      const span = ctx.lastMs - ctx.firstMs;
      const from = ctx.firstMs + own() * span * 0.8;
      const to = from + span * (0.02 + own() * 0.2);
      return {
        q: {
          filter: FILTERS[pick(FILTERS.length)],
          range: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        },
      };
    }
    return { q: {} };
  };
  const select = (view, abandon) => {
    const { q } = view;
    const calls = [
      // the grid's count follows its first page; the number of rows is what the scroll needs
      call('flows', [{ ...q, offset: 0, limit: BLOCK }], abandon).then(async (r) => {
        if (!r.ok) return 0;
        const n = await call('countFlows', [q], abandon);
        return n.ok ? Number(n.result) : r.result.rows.length;
      }),
      call('topTalkers', [{ ...q, by: 'bytes', limit: 12 }], abandon),
      call('dstPorts', [{ ...q, by: 'flows', limit: 12 }], abandon),
      call('pairScatter', [{ ...q, feature, windowSeconds: 10, limit: 2000 }], abandon),
    ];
    if (view.incident) calls.push(call('alerts', [view.incident], abandon));
    if ((q.filter ?? '') !== lastFilter) {
      lastFilter = q.filter ?? '';
      calls.push(call('timeline', [{ filter: q.filter, maxBuckets: 2000 }], abandon));
    }
    return Promise.all(calls);
  };
  while (performance.now() < deadline) {
    if (own() < 0.1) feature = FEATURES[pick(FEATURES.length)];
    let view = pickView();
    // j/k: a quick step on to the next view; the first one's unanswered requests are abandoned
    if (own() < 0.3) {
      const ac = new AbortController();
      const first = select(view, ac.signal);
      await sleep(100 + pick(150));
      ac.abort();
      await first;
      view = pickView();
    }
    const [total] = await select(view);
    await sleep(200 + pick(300));
    for (let i = 0; i < 3 && performance.now() < deadline && total > BLOCK; i++) {
      const sort = own() < 0.25 ? [{ column: 'bytes', dir: 'desc' }] : undefined;
      await call('flows', [
        { ...view.q, sort, offset: pick(Math.floor(total / BLOCK)) * BLOCK, limit: BLOCK },
      ]);
      await sleep(150 + pick(250));
    }
    await sleep(300 + pick(700));
  }
  agent.destroy();
}

function newStats() {
  const s = { calls: [], errors: [], abandoned: 0 };
  s.record = (r) => {
    if (r.abandoned || r.error?.code === 'cancelled') s.abandoned++;
    else if (!r.ok)
      s.errors.push(`${r.method}: ${r.status ?? ''} ${r.error?.message ?? 'no answer'}`);
    else s.calls.push(r);
  };
  return s;
}

function summarise(stats, label, figures, short) {
  const all = stats.calls.map((c) => c.ms);
  figures[`${label} calls`] =
    `${all.length} answered, ${stats.errors.length} errors, ${stats.abandoned} abandoned by the client`;
  figures[`${label} latency`] =
    `p50 ${ms(pct(all, 50))}  p95 ${ms(pct(all, 95))}  max ${ms(Math.max(...all))}`;
  const methods = [...new Set(stats.calls.map((c) => c.method))].sort();
  for (const m of methods) {
    const xs = stats.calls.filter((c) => c.method === m).map((c) => c.ms);
    figures[`  ${short} ${m}`] = `n ${xs.length}  p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}`;
  }
  // where the tail is: the calls slower than the p95 target, by method and kind of view
  const slow = new Map();
  for (const c of stats.calls)
    if (c.ms > SLOW_MS)
      slow.set(`${c.method}/${c.view}`, (slow.get(`${c.method}/${c.view}`) ?? 0) + 1);
  if (slow.size)
    figures[`  ${short} calls > ${SLOW_MS} ms`] = [...slow]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  if (stats.errors.length)
    figures[`${label} first errors`] = [...new Set(stats.errors)].slice(0, 3).join(' | ');
}

export async function runLoadBench({
  clients = 20,
  seconds = 60,
  burst = 200,
  flows = 3_000_000,
  caseFile,
  seed = 1,
  log = console.log,
} = {}) {
  const file = caseFile ?? ensureLoadCase(flows, log);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-load-'));
  const server = await startServe(file, home);
  let stopAll = new AbortController();
  server.stop = stopAll.signal;
  setMaxListeners(0, server.stop); // every call in flight listens for the hard stop
  const figures = {};
  const rss = [];
  const sampler = setInterval(() => rss.push(rssMb(server.child.pid)), 1000);
  try {
    const agent = new http.Agent({ keepAlive: true });
    const info = (await rpc(server, agent, 'caseInfo', [])).result;
    const incidents = (await rpc(server, agent, 'incidents', [])).result ?? [];
    figures['case'] =
      `${path.basename(file)}: ${info.flows.toLocaleString('en-US')} flows, ${incidents.length} incidents`;
    const ctx = { incidents, firstMs: Date.parse(info.firstTs), lastMs: Date.parse(info.lastTs) };
    rss.push(rssMb(server.child.pid));
    figures['RSS at start'] = `${Math.round(rss[0])} MB`;

    const stats = newStats();
    const cpu0 = cpuSeconds(server.child.pid);
    const wall0 = performance.now();
    const deadline = performance.now() + seconds * 1000;
    // calls still unanswered 30 s after the end are cut (and counted as errors): the run is bounded
    const hard = setTimeout(() => stopAll.abort(), seconds * 1000 + GRACE_MS);
    await Promise.all(
      Array.from({ length: clients }, (_, i) =>
        analyst(server, ctx, deadline, stats, seed * 1000 + i),
      ),
    );
    clearTimeout(hard);
    const busy = (cpuSeconds(server.child.pid) - cpu0) / ((performance.now() - wall0) / 1000);
    summarise(stats, `${clients} analysts ${seconds} s`, figures, 'load');
    figures['server CPU during load'] =
      `${busy.toFixed(2)} cores busy on average (of ${os.cpus().length})`;
    // on a shared machine the server gets what the others leave: its CPU per answer compares
    // runs the latencies alone cannot
    figures['server CPU per answered call'] = ms(
      (busy * ((performance.now() - wall0) / 1000) * 1000) / Math.max(1, stats.calls.length),
    );
    figures['RSS during load'] =
      `max ${Math.round(Math.max(...rss))} MB, at end ${Math.round(rss.at(-1))} MB`;

    // the burst: calls sent at once, each a different request (no cache serves them all)
    const b = newStats();
    const burstAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    server.stop = (stopAll = new AbortController()).signal;
    setMaxListeners(0, server.stop);
    const burstStop = setTimeout(() => stopAll.abort(), BURST_MS);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: burst }, (_, i) => {
        const q = { filter: FILTERS[i % FILTERS.length] };
        const kinds = [
          () => ['flows', [{ ...q, offset: (i + 7) * BLOCK, limit: BLOCK }]],
          () => [
            'countFlows',
            [
              {
                ...q,
                range: {
                  from: new Date(ctx.firstMs + i * 1000).toISOString(),
                  to: new Date(ctx.lastMs).toISOString(),
                },
              },
            ],
          ],
          () => ['topTalkers', [{ ...q, by: 'flows', limit: 10 + i }]],
          () => ['dstPorts', [{ ...q, by: 'bytes', limit: 10 + i }]],
        ];
        const [m, a] = kinds[i % kinds.length]();
        return rpc(server, burstAgent, m, a).then((r) => b.record({ ...r, view: viewKind(a[0]) }));
      }),
    );
    const wall = performance.now() - t0;
    clearTimeout(burstStop);
    summarise(b, `burst of ${burst}`, figures, 'burst');
    figures[`burst of ${burst} wall`] = ms(wall);
    figures['RSS after burst'] = `${Math.round(rssMb(server.child.pid))} MB`;
    burstAgent.destroy();
    agent.destroy();
  } finally {
    clearInterval(sampler);
    const t = performance.now();
    server.child.kill('SIGTERM');
    const exited = await Promise.race([
      new Promise((r) =>
        server.child.exitCode !== null ? r(true) : server.child.once('exit', () => r(true)),
      ),
      sleep(15_000).then(() => false),
    ]);
    figures['shutdown (SIGTERM -> exit)'] = exited
      ? ms(performance.now() - t)
      : 'did not exit within 15 s (killed)';
    if (!exited) server.child.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = {
    clients: Number(arg('clients', 20)),
    seconds: Number(arg('seconds', 60)),
    burst: Number(arg('burst', 200)),
    flows: Number(arg('flows', 3_000_000)),
    caseFile: arg('case', undefined),
    seed: Number(arg('seed', 1)),
  };
  console.log(
    `netsift bench load: ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  const figures = await runLoadBench(opts);
  figures['machine load after'] = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(34)} ${v}`);
}
