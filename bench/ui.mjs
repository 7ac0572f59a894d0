/* global document, window, MutationObserver, requestAnimationFrame, requestIdleCallback */
// `npm run bench:ui`: the workspace through `netsift serve` in Chromium on a large case.
// Prints: the page load (to the incident list and the flows grid's first rows, as painted in the
// page, and as Playwright saw them; to the timeline drawn), first rows of the flows grid after
// selecting an incident (click -> its first evidence row rendered),
// timeline data (RPC round trip, and the page's own first load), scrolling the unfiltered grid to
// its middle (ensureIndexVisible -> row rendered). Figures are printed, never asserted.
//   node bench/ui.mjs [--size 10M|1M] [--case FILE.duckdb] [--runs N]
// The case is built once with `netsift analyze` from the cached seed file and kept in bench/.cache.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium } from '@playwright/test';
import { CACHE, ROOT, seedFile } from './data.mjs';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

// a wait that ran out is null: sorted last, printed as such
const median = (xs) =>
  [...xs].sort((a, b) => (a ?? Infinity) - (b ?? Infinity))[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms == null ? `none in ${BRUSH_WAIT_MS / 1000} s` : `${Math.round(ms)} ms`);
/** How long a brush's answers are waited for. */
const BRUSH_WAIT_MS = 120_000;

export async function ensureCase(size, log = console.log) {
  const file = path.join(CACHE, `ui-${size}.duckdb`);
  if (fs.existsSync(file) && !fs.existsSync(`${file}.building`)) return file;
  const seed = await seedFile(size, log);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.wal`, { force: true });
  fs.writeFileSync(`${file}.building`, '');
  log(`building ${file} (netsift analyze ${path.basename(seed)}; once)`);
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'out/cli/netsift.mjs'), 'analyze', seed, '--case', file],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`netsift analyze failed (exit ${r.status})`);
  fs.rmSync(`${file}.building`);
  return file;
}

/**
 * The CLI whose server (and page) is measured: this checkout's build, or NETSIFT_BENCH_CLI
 * (another build's out/cli/netsift.mjs, to compare two builds on the same machine, interleaved).
 */
const SERVE_CLI = process.env.NETSIFT_BENCH_CLI ?? path.join(ROOT, 'out/cli/netsift.mjs');

async function startServe(caseFile, home) {
  const child = spawn(process.execPath, [SERVE_CLI, 'serve', '--case', caseFile, '--port', '0'], {
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
    // NETSIFT_TRACE_SQL=<ms>: the server's slow statements, to see where a figure's time goes
    if (process.env.NETSIFT_TRACE_SQL) child.stderr.on('data', (d) => process.stderr.write(d));
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
        obs.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
        act();
        if (done()) finish();
      }),
    [act, done],
  );

export async function runUiBench({
  size = '10M',
  caseFile,
  runs = 3,
  log = console.log,
  shots = true,
} = {}) {
  const file = caseFile ?? (await ensureCase(size, log));
  await resetView(file);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-ui-'));
  const { child, url } = await startServe(file, home);
  const browser = await chromium.launch({
    executablePath: process.env.NETSIFT_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const figures = {};
  // each figure is printed as soon as it is measured (a later step that hangs loses none)
  const put = (k, v) => {
    figures[k] = v;
    log(`  ${k.padEnd(40)} ${v}`);
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 960 } });
    // when each pane's first row was put in the page, and painted (the next frame after it):
    // timed in the page, as Playwright's own wait sees it only once the page's thread is free
    await page.addInitScript(() => {
      const marks = (window.__firstRows = {});
      const watch = {
        incidents: '.incidents-pane .ag-row[row-index="0"]',
        flows: '.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]:not(:empty)',
      };
      const obs = new MutationObserver(() => {
        for (const [k, sel] of Object.entries(watch))
          if (!marks[k] && document.querySelector(sel)) {
            const at = performance.timeOrigin + performance.now();
            marks[k] = { at };
            requestAnimationFrame(() =>
              setTimeout(() => (marks[k].painted = performance.timeOrigin + performance.now())),
            );
          }
        if (Object.keys(marks).length === Object.keys(watch).length) obs.disconnect();
      });
      document.addEventListener('DOMContentLoaded', () =>
        obs.observe(document.body, { subtree: true, childList: true, attributes: true }),
      );
    });
    const epoch0 = Date.now();
    const t0 = performance.now();
    // the incident list as soon as it shows (issue 16: within 1 s of opening a 10M-flow case)
    const incidentsShown = page
      .waitForSelector('.incidents-pane .ag-row[row-index="0"]', { timeout: 120_000 })
      .then(
        () => performance.now() - t0,
        () => null,
      );
    await page.goto(url);
    await page.waitForSelector('.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]:not(:empty)', {
      timeout: 120_000,
    });
    put('page load -> first flow rows', fmt(performance.now() - t0));
    await page.waitForFunction(() => document.body.dataset.timelineReady, null, {
      timeout: 120_000,
    });
    put('page load -> timeline drawn', fmt(performance.now() - t0));
    const firstRows = await page.evaluate(() => window.__firstRows);
    const inPage = (k) => (firstRows[k]?.painted ? fmt(firstRows[k].painted - epoch0) : 'not seen');
    put(
      'page load -> incidents listed',
      `${inPage('incidents')} painted (in the page)  target < 1000 ms; ${fmt(await incidentsShown)} as Playwright saw it`,
    );
    put('page load -> first flow rows (in page)', `${inPage('flows')} painted (in the page)`);
    await page.waitForSelector('.incidents-pane .ag-row[row-index="0"]', { timeout: 60_000 });
    // the case remembers the last selection (an interrupted run leaves one): start from all flows
    await page.waitForFunction(() => document.body.dataset.flowsReady && window.__flowsGrid, null, {
      timeout: 60_000,
    });
    const restored = await page.evaluate(
      () =>
        /#(\d+)/.exec(document.querySelector('.flows-pane .chip')?.textContent ?? '')?.[1] ?? null,
    );
    if (restored) {
      await page.keyboard.press('Escape');
      await page.waitForFunction(
        () => !(document.body.dataset.flowsReady ?? '"selector"').includes('"selector"'),
        null,
        { timeout: 60_000 },
      );
    }
    await page.waitForFunction(
      () => document.querySelector('[data-testid="flows-count"]')?.dataset.count,
      null,
      { timeout: 60_000 },
    );
    const total = Number(await page.getByTestId('flows-count').getAttribute('data-count'));
    put('flows in case', total.toLocaleString('en-US'));

    // the engine's RPC as the page makes it, for the checks and the timings below
    await page.evaluate(() => {
      window.__benchRpc = async (method, args) => {
        const r = await fetch('/api/rpc', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-netsift-token': sessionStorage.getItem('netsift-token'),
          },
          body: JSON.stringify({ method, args }),
        });
        return (await r.json()).result;
      };
    });
    // timeline data: the RPC the timeline pane makes, timed in the page
    const tl = [];
    for (let i = 0; i < runs; i++)
      tl.push(
        await page.evaluate(async () => {
          const t = performance.now();
          await window.__benchRpc('timeline', [{ maxBuckets: 2000 }]);
          return performance.now() - t;
        }),
      );
    put(
      'timeline data (median)',
      `${fmt(median(tl))}  [${tl.map(fmt).join(', ')}]  target < 500 ms`,
    );

    // select an incident -> the first row of its evidence rendered; then back to all flows. Each run
    // selects another incident (the top rows of the incidents grid, less the one the case had
    // selected), so no run is served from the caches of a previous one. The engine does read the
    // top incidents' first pages ahead once the grid has its first page (incident-prefetch.ts), as
    // it does for the analyst; 'cold' below times the same reads without that (another page size).
    // Done = the grid shows the new selection's rows: the datasource of a
    // selection delivered its first page and row 0 holds a flow other than the one it held before
    // the click, rendered (its source cell shows that flow); then that flow is checked to be the
    // engine's first evidence flow of the incident.
    const sel = [];
    const server = [];
    const alertsMs = [];
    const incidentsSelected = [];
    // the restored incident's first page was read at page load: not a fresh selection
    const rowsToSelect = [];
    for (let r = 0; rowsToSelect.length < runs; r++) {
      const id = await page
        .locator(`.incidents-pane .ag-row[row-index="${r}"]`)
        .getAttribute('row-id', { timeout: 10_000 });
      if (id !== restored) rowsToSelect.push(r);
    }
    for (const [i, r] of rowsToSelect.entries()) {
      await settled(page);
      const ms = await measureInPage(
        page,
        `performance.clearResourceTimings();
         window.__benchT0 = performance.now();
         window.__benchBefore = window.__flowsGrid.getDisplayedRowAtIndex(0)?.data?.id;
         document.querySelector('.incidents-pane .ag-row[row-index="${r}"] [col-id="type"]').click();`,
        `const k = document.body.dataset.flowsReady;
         const row = document.querySelector('.flows-pane .ag-row[row-index="0"]');
         const ip = row?.querySelector('[col-id="src_ip"]')?.textContent ?? '';
         const flow = window.__flowsGrid.getDisplayedRowAtIndex(0)?.data;
         return !!k && k.includes('"selector"') && !!flow && flow.id !== window.__benchBefore && ip.endsWith(flow.src_ip);`,
      );
      sel.push(ms);
      // the panes that draw after the grid's first rows (src/renderer/.../flows-first.ts)
      alertsMs.push(
        await page.evaluate(
          () =>
            new Promise((resolve) => {
              const check = () =>
                document.querySelector('.alerts-pane .ag-row[row-index="0"]')
                  ? resolve(performance.now() - window.__benchT0)
                  : requestAnimationFrame(check);
              check();
            }),
        ),
      );
      const shown = await page.evaluate(() => ({
        id: window.__flowsGrid.getDisplayedRowAtIndex(0)?.data?.id,
        incident: Number(
          /#(\d+)/.exec(document.querySelector('.flows-pane .chip')?.textContent ?? '')?.[1],
        ),
        flows: performance
          .getEntriesByType('resource')
          .flatMap((e) => e.serverTiming ?? [])
          .filter((t) => t.name === 'flows')
          .map((t) => t.duration),
      }));
      server.push(...shown.flows);
      incidentsSelected.push(shown.incident);
      await checkFirstEvidenceRow(page, shown);
      if (i === 0 && shots) await shot(page, `bench-${size}-incident`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(
        () => !(document.body.dataset.flowsReady ?? '"selector"').includes('"selector"'),
        null,
        { timeout: 60_000 },
      );
    }
    put(
      'select incident -> first rows (median)',
      `${fmt(median(sel))}  [${sel.map(fmt).join(', ')}]  target < 200 ms`,
    );
    if (server.length)
      put('  of which the server read the page', `[${server.map(fmt).join(', ')}]`);
    const cold = await coldReads(page, incidentsSelected);
    put(
      '  the same pages cold (not read ahead)',
      `[${cold.map(fmt).join(', ')}]  (RPC round trip)`,
    );
    put(
      'select incident -> alerts rows (median)',
      `${fmt(median(alertsMs))}  [${alertsMs.map(fmt).join(', ')}]`,
    );

    // scroll the whole-case grid to its middle
    await page.waitForFunction(() => document.body.dataset.flowsReady && window.__flowsGrid, null, {
      timeout: 60_000,
    });
    const mids = [];
    for (let i = 0; i < runs; i++) {
      const mid = Math.floor(total / 2) + i * 977; // a new block each run (no cache hit)
      await settled(page); // the panes that follow the last selection change have drawn
      const ms = await measureInPage(
        page,
        `window.__flowsGrid.ensureIndexVisible(${mid}, 'middle');`,
        `const c = document.querySelector('.flows-pane .ag-row[row-index="${mid}"] [col-id="src_ip"]');
         return !!c && c.textContent.length > 0;`,
      );
      mids.push(ms);
    }
    if (shots) await shot(page, `bench-${size}-middle`);
    put(
      'scroll to middle -> rows (median)',
      `${fmt(median(mids))}  [${mids.map(fmt).join(', ')}]  target < 300 ms`,
    );

    // brush the timeline (a real drag) on the whole case -> the flows count of the range shown;
    // then the same with the Charts tab open -> count and every chart answered for the range.
    // Each run brushes another range, so no answer comes from a cache. Then three brushes in
    // quick succession (what an analyst does while looking for the right range): time from the
    // last one's release to its count and charts, while the first two are still being answered.
    const brushCount = [];
    for (let i = 0; i < runs; i++) {
      await settled(page);
      brushCount.push(await measureBrush(page, [0.2 + 0.05 * i, 0.3 + 0.07 * i], false));
    }
    put(
      'brush -> count (median)',
      `${fmt(median(brushCount))}  [${brushCount.map(fmt).join(', ')}]  target < 300 ms`,
    );
    const tab = performance.now();
    await page.getByRole('tab', { name: 'Charts' }).click();
    const opened = await page
      .waitForFunction(() => document.querySelector('.charts-pane')?.dataset.readyKey, null, {
        timeout: BRUSH_WAIT_MS,
      })
      .then(
        () => performance.now() - tab,
        () => null,
      );
    put('Charts tab (last range) -> charts', fmt(opened));
    const brushCharts = [];
    const brushChartsCount = [];
    const brushFirstCharts = [];
    const brushCalls = [];
    for (let i = 0; i < runs; i++) {
      await settled(page);
      const r = await measureBrush(page, [0.25 + 0.06 * i, 0.33 + 0.05 * i], true);
      brushChartsCount.push(r.count);
      brushCharts.push(r.charts);
      brushFirstCharts.push(r.bars);
      brushCalls.push(r.calls);
    }
    if (shots) await shot(page, `bench-${size}-charts`);
    put(
      'brush -> count, Charts open (median)',
      `${fmt(median(brushChartsCount))}  [${brushChartsCount.map(fmt).join(', ')}]  target < 300 ms`,
    );
    put(
      'brush -> talkers and ports (median)',
      `${fmt(median(brushFirstCharts))}  [${brushFirstCharts.map(fmt).join(', ')}]  target < 300 ms`,
    );
    put(
      'brush -> charts (median)',
      `${fmt(median(brushCharts))}  [${brushCharts.map(fmt).join(', ')}]  target < 300 ms`,
    );
    // where the time goes: per call, the engine's time and when the answer was in (medians)
    const byMethod = new Map();
    for (const c of brushCalls.flat()) {
      const m = byMethod.get(c.method) ?? { server: [], sent: [], done: [] };
      m.server.push(c.server);
      m.sent.push(c.sent);
      m.done.push(c.done);
      byMethod.set(c.method, m);
    }
    put(
      '  calls: sent / engine time / answered',
      [...byMethod]
        .map(
          ([k, m]) =>
            `${k} ${fmt(median(m.sent))} / ${fmt(median(m.server))} / ${fmt(median(m.done))}`,
        )
        .join(', '),
    );
    await settled(page);
    const quick = await measureBrush(page, [0.5, 0.62], true, [
      [0.12, 0.4],
      [0.3, 0.55],
    ]);
    put('3 quick brushes -> last count / charts', `${fmt(quick.count)} / ${fmt(quick.charts)}`);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(home, { recursive: true, force: true });
  }
  return figures;
}

/**
 * Drags on the timeline from fraction a to b of its width (after `before`, drags released at once)
 * and times, in the page, from the last release to the flows count of the new range (and to
 * every chart answered for it when `charts`).
 */
async function measureBrush(page, [a, b], charts, before = []) {
  const box = await page.getByTestId('timeline-chart').boundingBox();
  const y = box.y + box.height * 0.5;
  const drag = async (x0, x1) => {
    await page.mouse.move(box.x + box.width * x0, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * ((x0 + x1) / 2), y, { steps: 3 });
    await page.mouse.move(box.x + box.width * x1, y, { steps: 3 });
    await page.mouse.up();
  };
  for (const [x0, x1] of before) {
    await drag(x0, x1);
    await page.waitForTimeout(150);
  }
  await page.evaluate(
    ([charts, wait]) => {
      const before = document.querySelector('[data-testid="flows-count"]')?.dataset.key;
      window.__brush = new Promise((resolve) => {
        let t0 = null;
        const out = {};
        // out of time: what was answered so far (the rest stays null)
        const timer = setTimeout(() => {
          obs.disconnect();
          resolve(out);
        }, wait);
        const check = () => {
          if (t0 == null) return;
          const c = document.querySelector('[data-testid="flows-count"]');
          const key = c?.dataset.key;
          if (!key || key === before || !key.includes('"range"')) return;
          if (out.count == null && c.dataset.count) out.count = performance.now() - t0;
          const pane = document.querySelector('.charts-pane');
          if (
            charts &&
            out.bars == null &&
            pane?.dataset.talkersKey === key &&
            pane?.dataset.portsKey === key
          )
            out.bars = performance.now() - t0;
          if (charts && out.charts == null && pane?.dataset.readyKey === key)
            out.charts = performance.now() - t0;
          if (out.count != null && (!charts || out.charts != null)) {
            clearTimeout(timer);
            obs.disconnect();
            resolve(out);
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
        window.addEventListener(
          'mouseup',
          () => {
            t0 = performance.now();
            window.__brushT0 = t0;
            performance.clearResourceTimings();
            check();
          },
          { capture: true, once: true },
        );
      });
    },
    [charts, BRUSH_WAIT_MS],
  );
  await drag(a, b);
  const r = await page.evaluate(() => window.__brush);
  // each call the brush made: the engine's own time (server-timing) and when its answer was in,
  // from the release
  const calls = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/rpc') && e.serverTiming?.length)
      .map((e) => ({
        method: e.serverTiming[0].name,
        server: e.serverTiming[0].duration,
        sent: e.startTime - window.__brushT0,
        done: e.responseEnd - window.__brushT0,
      })),
  );
  return charts
    ? { count: r.count ?? null, bars: r.bars ?? null, charts: r.charts ?? null, calls }
    : (r.count ?? null);
}

/**
 * Every run starts from the same view: the case keeps the last one, and a run that stopped in
 * the middle left a brushed range and the Charts tab, which the page would reopen (and compute)
 * before the first measurement.
 */
async function resetView(file) {
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  try {
    await conn.run("DELETE FROM settings WHERE key = 'ui_state'");
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** Resolves when the page's main thread has had nothing to do for a moment. */
const settled = (page) =>
  page.evaluate(
    () =>
      new Promise((r) => setTimeout(() => requestIdleCallback(() => r(), { timeout: 5_000 }), 50)),
  );

/** Row 0 must be the incident's first evidence flow in id order, as the engine reads it. */
async function checkFirstEvidenceRow(page, shown) {
  const expected = await page.evaluate(async (incidentId) => {
    const call = window.__benchRpc;
    const inc = (await call('incidents', [])).find((x) => x.id === incidentId);
    const first = await call('flows', [{ selector: inc.evidence, offset: 0, limit: 1 }]);
    return first.rows[0]?.id;
  }, shown.incident);
  if (expected !== shown.id)
    throw new Error(
      `bench: row 0 shows flow ${shown.id}, incident #${shown.incident}'s first evidence flow is ${expected}`,
    );
}

/** Round trips of the selected incidents' first pages read cold: a page size nothing read ahead. */
function coldReads(page, incidentIds) {
  return page.evaluate(async (ids) => {
    const call = window.__benchRpc;
    const incidents = await call('incidents', []);
    const out = [];
    for (const id of ids) {
      const inc = incidents.find((x) => x.id === id);
      const t = performance.now();
      await call('flows', [{ selector: inc.evidence, offset: 0, limit: 199 }]);
      out.push(performance.now() - t);
    }
    return out;
  }, incidentIds);
}

async function shot(page, name) {
  const dir = path.join(ROOT, 'test-results/screens');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = arg('size', '10M');
  console.log(
    `netsift bench:ui (${size}): ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  // the figures are printed as they are measured
  await runUiBench({ size, caseFile: arg('case', undefined), runs: Number(arg('runs', 3)) });
}
