// Benchmark of detection (issue 7): prints figures, asserts nothing.
//   node --import tsx bench/detect.mjs [--flows 150000] [--runs 2] [--keep] [--report FILE]
// Generates a labelled capture of about N flows (netsift generate) and imports it into a case,
// cached as bench/.cache/detect-N.duckdb (delete it to regenerate); each bench works on a temporary
// copy and runs the full detection (all registered detectors + incidents) `runs` times and
// prints wall and CPU seconds per detector, the incidents found and the process's peak RSS;
// --report writes the last run's report (as `netsift analyze --out`) for `netsift eval`.
// A detector's seconds include building the shared tables (src/engine/detect/shared-tables.ts) it is the
// first to need: with the registry's order, ip-activity builds det_ipname and det_target, iqr det_wsd.
// Targets: ~150k flows under 2 s of detection, 10M under 15 s, on 2 cores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FLOWS = arg('flows', 150_000);
const RUNS = arg('runs', 2);
const REPORT = process.argv.includes('--report') ? process.argv[process.argv.indexOf('--report') + 1] : null;

const { generateCapture } = await import('../src/engine/generate/index.ts');
const { importFiles } = await import('../src/engine/import/pipeline.ts');
const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { runDetection } = await import('../src/engine/analysis/runner.ts');
const { buildReport } = await import('../src/engine/analysis/report.ts');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-detect-'));
try {
  // The imported case is cached under bench/.cache/ (generating + importing 10M flows takes minutes);
  // each run works on a copy so the cached case keeps no alerts between benches.
  const cached = path.join(import.meta.dirname, '.cache', `detect-${FLOWS}.duckdb`);
  const casePath = path.join(dir, 'case.duckdb');
  if (!fs.existsSync(cached)) {
    let t = performance.now();
    const gen = await generateCapture({ out: path.join(dir, 'cap.csv'), flows: FLOWS, seed: 1 });
    console.log(`generate: ${gen.flows.toLocaleString('en-US')} flows, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const fresh = await CaseStore.open(casePath);
    t = performance.now();
    await importFiles(fresh, [gen.files.flows]).result;
    console.log(`import: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await fresh.one('CHECKPOINT');
    fresh.close();
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.copyFileSync(casePath, cached);
  } else fs.copyFileSync(cached, casePath);
  const store = await CaseStore.open(casePath);
  for (let run = 1; run <= RUNS; run++) {
    const cpu = process.cpuUsage();
    const res = await runDetection(store).result;
    const c = process.cpuUsage(cpu);
    console.log(
      `detect run ${run}: ${res.seconds.toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU; ` +
        `${res.alerts} alerts, ${res.incidents} incidents`,
    );
    for (const d of res.detectors) console.log(`  ${d.id.padEnd(14)} ${d.seconds.toFixed(2)} s  ${d.alerts} alerts`);
  }
  const report = await buildReport(store, { withoutAlerts: !REPORT });
  if (REPORT) fs.writeFileSync(REPORT, JSON.stringify(report, null, 1));
  for (const i of report.incidents) console.log(`  #${i.id} ${i.score.toFixed(2)} ${i.type} ${i.summary}`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  store.close();
} finally {
  if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
}
