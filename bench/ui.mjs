/* global document, window, MutationObserver */
// `npm run bench:ui`: the workspace through `netsift serve` in Chromium on a large case.
// Prints: first rows of the flows grid after selecting the top incident (click -> row rendered),
// timeline data (RPC round trip, and the page's own first load), scrolling the unfiltered grid to
// its middle (ensureIndexVisible -> row rendered). Figures are printed, never asserted.
//   node bench/ui.mjs [--size 10M|1M] [--case FILE.duckdb] [--runs N]
// The case is built once with `netsift analyze` from the cached seed file and kept in bench/.cache.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { CACHE, ROOT, seedFile } from './data.mjs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${Math.round(ms)} ms`;

export async function ensureCase(size, log = console.log) {
  const file = path.join(CACHE, `ui-${size}.duckdb`);
  if (fs.existsSync(file) && !fs.existsSync(`${file}.building`)) return file;
  const seed = await seedFile(size, log);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.wal`, { force: true });
  fs.writeFileSync(`${file}.building`, '');
  log(`building ${file} (netsift analyze ${path.basename(seed)}; once)`);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'out/cli/netsift.mjs'), 'analyze', seed, '--case', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`netsift analyze failed (exit ${r.status})`);
  fs.rmSync(`${file}.building`);
  return file;
}

async function startServe(caseFile, home) {
  const child = spawn(process.execPath, [path.join(ROOT, 'out/cli/netsift.mjs'), 'serve', '--case', caseFile, '--port', '0'], {
    env: { ...process.env, NETSIFT_HOME: home, NETSIFT_OFFLINE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const on = (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${out}`)));
  });
  return { child, url };
}

/** In the page: runs `act`, resolves with ms until `done()` holds (checked on every DOM change). */
const measureInPage = (page, act, done) =>
  page.evaluate(
    ([actSrc, doneSrc]) =>
      new Promise((resolve, reject) => {
        const act = new Function(actSrc);
        const done = new Function(doneSrc);
        const t0 = performance.now();
        const timer = setTimeout(() => reject(new Error('timed out after 60 s')), 60_000);
        const finish = () => {
          clearTimeout(timer);
          obs.disconnect();
          resolve(performance.now() - t0);
        };
        const obs = new MutationObserver(() => done() && finish());
        obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        act();
        if (done()) finish();
      }),
    [act, done],
  );

export async function runUiBench({ size = '10M', caseFile, runs = 3, log = console.log, shots = true } = {}) {
  const file = caseFile ?? (await ensureCase(size, log));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-ui-'));
  const { child, url } = await startServe(file, home);
  const browser = await chromium.launch({ executablePath: process.env.NETSIFT_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const figures = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 960 } });
    const t0 = performance.now();
    await page.goto(url);
    await page.waitForSelector('.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]:not(:empty)', { timeout: 120_000 });
    figures['page load -> first flow rows'] = fmt(performance.now() - t0);
    await page.waitForFunction(() => document.body.dataset.timelineReady, null, { timeout: 120_000 });
    figures['page load -> timeline drawn'] = fmt(performance.now() - t0);
    await page.waitForSelector('.incidents-pane .ag-row[row-index="0"]', { timeout: 60_000 });
    const total = Number(await page.getByTestId('flows-count').getAttribute('data-count'));
    figures['flows in case'] = total.toLocaleString('en-US');

    // timeline data: the RPC the timeline pane makes, timed in the page
    const tl = [];
    for (let i = 0; i < runs; i++)
      tl.push(
        await page.evaluate(async () => {
          const t = performance.now();
          const r = await fetch('/api/rpc', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-netsift-token': sessionStorage.getItem('netsift-token') },
            body: JSON.stringify({ method: 'timeline', args: [{ maxBuckets: 2000 }] }),
          });
          await r.json();
          return performance.now() - t;
        }),
      );
    figures['timeline data (median)'] = `${fmt(median(tl))}  [${tl.map(fmt).join(', ')}]  target < 500 ms`;

    // select the top incident -> first rows of its flows rendered; then back to all flows
    const sel = [];
    for (let i = 0; i < runs; i++) {
      const ms = await measureInPage(
        page,
        `window.__benchKey = document.body.dataset.flowsReady;
         document.querySelector('.incidents-pane .ag-row[row-index="0"] [col-id="type"]').click();`,
        `const k = document.body.dataset.flowsReady;
         const c = document.querySelector('.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]');
         return !!k && k !== window.__benchKey && k.includes('"selector"') && !!c && c.textContent.length > 0;`,
      );
      sel.push(ms);
      if (i === 0 && shots) await shot(page, `bench-${size}-incident`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !(document.body.dataset.flowsReady ?? '"selector"').includes('"selector"'), null, { timeout: 60_000 });
    }
    figures['select incident -> first rows (median)'] = `${fmt(median(sel))}  [${sel.map(fmt).join(', ')}]  target < 200 ms`;

    // scroll the whole-case grid to its middle
    await page.waitForFunction(() => document.body.dataset.flowsReady && window.__flowsGrid, null, { timeout: 60_000 });
    const mids = [];
    for (let i = 0; i < runs; i++) {
      const mid = Math.floor(total / 2) + i * 977; // a new block each run (no cache hit)
      const ms = await measureInPage(
        page,
        `window.__flowsGrid.ensureIndexVisible(${mid}, 'middle');`,
        `const c = document.querySelector('.flows-pane .ag-row[row-index="${mid}"] [col-id="src_ip"]');
         return !!c && c.textContent.length > 0;`,
      );
      mids.push(ms);
    }
    if (shots) await shot(page, `bench-${size}-middle`);
    figures['scroll to middle -> rows (median)'] = `${fmt(median(mids))}  [${mids.map(fmt).join(', ')}]  target < 300 ms`;
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(home, { recursive: true, force: true });
  }
  return figures;
}

async function shot(page, name) {
  const dir = path.join(ROOT, 'test-results/screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = arg('size', '10M');
  console.log(`netsift bench:ui (${size}): ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const figures = await runUiBench({ size, caseFile: arg('case', undefined), runs: Number(arg('runs', 3)) });
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(40)} ${v}`);
}
