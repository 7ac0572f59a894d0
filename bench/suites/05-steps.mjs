// Time to the first incident, step by step (issue 16): for each size asked for (1M, 10M, 50M),
// DuckDB's bare load of the seed file, `netsift import`, `netsift detect` on that case (and when
// its first incidents existed), and the case opened by `netsift serve` (incidents listed, first
// flows page), and the workspace's own import of the file in `netsift serve` followed until its
// job shows the first incidents: each step's time, its ratio to the bare load and its peak RSS,
// every step in a process of its own; then how each figure grows from one size to the next against the growth
// in flows (1.00 = linear). Targets: import <= 1.5x bare, first incident <= 3x bare, detection
// peak RSS < 1 GB at 10M, no step above 4 GB at 50M. The analysed case is kept as the ui suite's
// (bench/.cache/ui-SIZE.duckdb) when that one is missing, so `--sizes 50M` analyses 50M once.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** A child node process timed from outside (spawn to exit), its output kept. */
function run(root, args) {
  execFileSync('sync'); // the previous step's dirty pages are written before this one is timed
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else
        resolve({
          out,
          err,
          seconds,
          rss: Number(/maxRssMB=([\d.]+)/.exec(err)?.[1] ?? NaN),
        });
    });
  });
}

function rssMb(pid) {
  try {
    return (
      Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
    );
  } catch {
    return NaN;
  }
}

function rpc(port, token, method, args = []) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ method, args });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/rpc',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-netsift-token': token,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const r = JSON.parse(text);
          if (r.ok) resolve(r.result);
          else reject(new Error(`${method}: ${r.error?.message}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `netsift serve --case`: seconds from start to the incidents listed and to the first page. */
async function openInServe(root, db) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-steps-'));
  const t0 = performance.now();
  const { child, port, token } = await startServe(root, ['--case', db, '--port', '0'], home);
  try {
    const ready = (performance.now() - t0) / 1000;
    // what the workspace asks first: the case, its incidents, the grid's first page
    await rpc(port, token, 'caseInfo');
    const incidents = await rpc(port, token, 'incidents');
    const listed = (performance.now() - t0) / 1000;
    await rpc(port, token, 'flows', [{ offset: 0, limit: 200 }]);
    const page = (performance.now() - t0) / 1000;
    return {
      ready,
      listed,
      page,
      incidents: incidents.length,
      rss: rssMb(child.pid),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A `netsift serve` child on a fresh NETSIFT_HOME; resolves with its port and token. */
async function startServe(root, args, home) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'out/cli/netsift.mjs'), 'serve', ...args],
    {
      env: { ...process.env, NETSIFT_HOME: home, NETSIFT_OFFLINE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const up = await new Promise((resolve, reject) => {
    let log = '';
    const on = (d) => {
      log += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(log);
      if (m) resolve({ port: Number(m[1]), token: m[2] });
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${log}`)));
  });
  return { child, ...up };
}

async function stopServe(child) {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
}

/**
 * The workspace's own way to the first incident: `netsift serve --grant FILE`, then the import the
 * page starts (importFiles with the file's path, as a file dropped on the desktop app), followed
 * until the job's progress carries the first incidents (analyse.found, issue 16), then to its end.
 * Seconds from the importFiles call; the job's own figure for the first incidents beside it.
 */
async function firstInWorkspace(root, file, home) {
  const { child, port, token } = await startServe(root, ['--grant', file, '--port', '0'], home);
  try {
    const t0 = performance.now();
    const since = () => (performance.now() - t0) / 1000;
    const job = await rpc(port, token, 'importFiles', [{ sources: [{ path: file }] }]);
    let imported = NaN;
    let analysing = NaN;
    let first = NaN;
    let firstJob = NaN;
    let incidents = 0;
    for (;;) {
      const st = await rpc(port, token, 'job', [job.id]);
      const view = st.import;
      if (
        !Number.isFinite(imported) &&
        view &&
        ['context', 'analyse', 'finish'].includes(view.stage)
      )
        imported = since();
      if (!Number.isFinite(analysing) && view?.stage === 'analyse') analysing = since();
      const found = view?.analyse?.found;
      if (!Number.isFinite(first) && found?.incidents?.length) {
        first = since();
        firstJob = found.seconds;
        incidents = found.incidents.length;
      }
      if (st.status !== 'running') {
        if (st.status !== 'done') throw new Error(`workspace import ${st.status}: ${st.error}`);
        const rss = rssMb(child.pid);
        return {
          imported,
          analysing,
          first,
          firstJob,
          incidents,
          done: since(),
          rss,
        };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await stopServe(child);
    // the case the import made (a 50M one is several GB): the home stays warm without it
    fs.rmSync(path.join(home, 'cases'), { recursive: true, force: true });
  }
}

async function steps(ctx, size) {
  const file = await ctx.seedFile(size);
  const work = fs.mkdtempSync(path.join(ctx.cacheDir, 'steps-'));
  const db = path.join(work, 'case.duckdb');
  try {
    const load = loadavg();
    const bare = await run(ctx.root, ['bench/bare-load.mjs', file, path.join(work, 'bare.duckdb')]);
    const bareOut = JSON.parse(bare.out.trim().split('\n').pop());
    fs.rmSync(path.join(work, 'bare.duckdb'), { force: true });
    const imp = await run(ctx.root, ['bench/child-import.mjs', file, '--case', db, '--json']);
    const flows = JSON.parse(imp.out).flows;
    const det = await run(ctx.root, ['bench/child-cli.mjs', 'detect', '--case', db]);
    const first = Number(/^first incidents after ([\d.]+) s/m.exec(det.out)?.[1] ?? NaN);
    const incidents = Number(/, (\d[\d,]*) incidents/.exec(det.out)?.[1]?.replace(/,/g, '') ?? NaN);
    const open = await openInServe(ctx.root, db);
    execFileSync('sync');
    const ws = await firstInWorkspace(ctx.root, file, await ctx.home());
    const ui = path.join(ctx.cacheDir, `ui-${size}.duckdb`);
    if (!fs.existsSync(ui)) fs.renameSync(db, ui);
    return {
      size,
      flows,
      load: `${load} .. ${loadavg()}`,
      bare: { s: bare.seconds, rss: bareOut.maxRssMB },
      import: { s: imp.seconds, rss: imp.rss },
      detect: { s: det.seconds, rss: det.rss, incidents },
      // a netsift without streaming incidents (before issue 16) shows them when detection ends
      first: Number.isFinite(first)
        ? {
            s: imp.seconds + first,
            how: 'import + detect until its first incidents',
          }
        : {
            s: imp.seconds + det.seconds,
            how: 'import + the whole detection (no streaming)',
          },
      open,
      ws,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const mb = (x) => (Number.isFinite(x) ? String(Math.round(x)) : '-');

export default {
  name: 'steps',
  large: true,
  async run(ctx) {
    const all = [];
    // one NETSIFT_HOME for the workspace steps, warmed by a small import first: a fresh home builds
    // its address-context cache (once per data version, tens of seconds) in its first import,
    // which an analyst pays once, not per capture
    const home = fs.mkdtempSync(path.join(ctx.cacheDir, 'steps-home-'));
    let warm = null;
    const withHome = {
      ...ctx,
      home: async () => {
        if (warm) return home;
        const small = path.join(home, 'warm-up.csv');
        const first = fs.readFileSync(await ctx.seedFile(ctx.sizes[0]), 'utf8').slice(0, 1 << 20);
        fs.writeFileSync(small, first.slice(0, first.lastIndexOf('\n') + 1));
        warm = await firstInWorkspace(ctx.root, small, home);
        ctx.log(
          `  workspace warm-up (a fresh NETSIFT_HOME's first import, 1 MB): ${f1(warm.done)} s`,
        );
        return home;
      },
    };
    try {
      for (const size of ctx.sizes) {
        const r = await steps(withHome, size);
        all.push(r);
        const x = (s) => f2(s / r.bare.s);
        ctx.record(`steps ${size}`, {
          flows: `${r.flows.toLocaleString('en-US')} (load ${r.load})`,
          'bare load (DuckDB)': `${f1(r.bare.s)} s  1.00x  peak RSS ${mb(r.bare.rss)} MB`,
          'netsift import': `${f1(r.import.s)} s  ${x(r.import.s)}x  peak RSS ${mb(r.import.rss)} MB  (target <= 1.5x)`,
          'netsift detect': `${f1(r.detect.s)} s  ${x(r.detect.s)}x  peak RSS ${mb(r.detect.rss)} MB  (${r.detect.incidents} incidents; target < 1024 MB at 10M)`,
          'first incident': `${f1(r.first.s)} s  ${x(r.first.s)}x  (${r.first.how}; target <= 3x)`,
          'serve: incidents listed': `${f1(r.open.listed)} s from start (${r.open.incidents} incidents; serve up after ${f1(r.open.ready)} s), first page ${f1(r.open.page)} s, RSS ${mb(r.open.rss)} MB`,
          'workspace: first incident': `${f1(r.ws.first)} s  ${x(r.ws.first)}x  (importFiles in serve until the job shows incidents; flows in at ${f1(r.ws.imported)} s, analysis from ${f1(r.ws.analysing)} s, job's own figure ${f1(r.ws.firstJob)} s, ${r.ws.incidents} incidents then; done ${f1(r.ws.done)} s; serve peak RSS ${mb(r.ws.rss)} MB; target <= 3x)`,
          'largest step RSS': `${mb(Math.max(r.bare.rss, r.import.rss, r.detect.rss, r.open.rss, r.ws.rss))} MB${r.flows > 40e6 ? ' (target < 4096 MB at 50M)' : ''}`,
        });
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
    // growth from one size to the next: each figure's ratio against the ratio of flows
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      const k = b.flows / a.flows;
      const g = (pa, pb) => `${f2(pb / pa)}x (${f2(pb / pa / k)} of linear)`;
      ctx.record(`steps growth ${a.size} -> ${b.size} (${f1(k)}x the flows)`, {
        'bare load time': g(a.bare.s, b.bare.s),
        'import time': g(a.import.s, b.import.s),
        'import peak RSS': g(a.import.rss, b.import.rss),
        'detect time': g(a.detect.s, b.detect.s),
        'detect peak RSS': g(a.detect.rss, b.detect.rss),
        'first incident': g(a.first.s, b.first.s),
        'serve: incidents listed': g(a.open.listed, b.open.listed),
        'workspace first incident': g(a.ws.first, b.ws.first),
        'workspace serve peak RSS': g(a.ws.rss, b.ws.rss),
        'serve RSS': g(a.open.rss, b.open.rss),
        note: '1.00 of linear = grows as the flows do; above 1 = worse than linear',
      });
    }
  },
};
