// Benchmark of following live captures (issue 20): prints figures, asserts nothing.
//   node --import tsx bench/follow-rate.mjs [--zeek-lines 400000] [--nfcapd-flows 20000] [--lag-seconds 30]
//     [--detect-lines 200000] [--only detect]
// 1. Zeek conn.log lines appended to a followed file as fast as the writer can: the sustained
//    follow rate (flows/s from the first append to the last flow in the case);
// 2. the same appended at 2x that rate for --lag-seconds: the lag when the writer stops (wall
//    time behind, bytes unread) and how long catching up then takes;
// 3. and 4. the same for nfcapd files (written by nfpcapd from generated captures, cached in
//    bench/.cache/follow-nfcapd/) dropped into a followed folder;
// 5. and 6. Zeek lines again with incremental detection after every batch (issue 20 item 2): the
//    rate at which flows are imported AND detected (the incidents cover them), then 2x that rate
//    for --lag-seconds: how far behind the import and the detection are when the writer stops,
//    and how long until both caught up. Detection's whole-case detectors run on the whole case
//    each time, so its cost grows with the case: the case size is printed with the figures.
// The follower runs in this process; the lines of the 2x run are appended by another process
// (bench/follow-writer.mjs), as Zeek would append them.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const ZEEK_LINES = arg('zeek-lines', 400_000);
const FILE_FLOWS = arg('nfcapd-flows', 20_000);
const LAG_SECONDS = arg('lag-seconds', 30);
const DETECT_LINES = arg('detect-lines', 200_000);
const ONLY_DETECT =
  process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'detect';
const ROOT = path.resolve(import.meta.dirname, '..');
const CACHE = path.join(ROOT, 'bench/.cache/follow-nfcapd');

const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { Follower } = await import('../src/engine/follow/follower.ts');
const { importFiles } = await import('../src/engine/import/pipeline.ts');
const { Rng } = await import('../src/engine/generate/prng.ts');
const { udpExchange, writePcap } = await import('../tests/helpers/pcap-writer.ts');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-follow-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const n = (x) => Math.round(x).toLocaleString('en-US');
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

// --- inputs ---------------------------------------------------------------------------------

const HEADER =
  '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2017-01-27-16-24-42\n' +
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\n' +
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tcount\tstring\tcount\tcount\tcount\tcount\n';

/** Zeek conn.log lines (no header), `count` of them from line `from`, seeded: the same every run. */
function zeekLines(from, count) {
  const rng = new Rng(17, `bench-follow-${from}`);
  const rnd = (k) => rng.int(0, k - 1);
  const start = Date.UTC(2017, 0, 27, 16, 24, 42) / 1000;
  let out = '';
  for (let i = from; i < from + count; i++) {
    const t = start + i / 100;
    const src = `192.168.100.${10 + rnd(245)}`;
    const dst = `${23 + rnd(180)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
    const sb = rnd(100000);
    const db = rnd(100000);
    out += `${t.toFixed(6)}\tC${i}\t${src}\t${1024 + rnd(60000)}\t${dst}\t${[80, 443, 53, 22][rnd(4)]}\ttcp\t-\t0.5\t${sb}\t${db}\tS1\t0\tShAD\t5\t${sb + 200}\t4\t${db + 160}\n`;
  }
  return out;
}

/**
 * nfcapd file k, written by nfpcapd from a generated capture of FILE_FLOWS / 2 DNS exchanges
 * (nfpcapd makes a flow of each direction: FILE_FLOWS flows); cached.
 */
function nfcapdFile(k) {
  const out = path.join(CACHE, `${FILE_FLOWS}f-${k}.nfcapd`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(CACHE, { recursive: true });
  const pkts = [];
  // within one of nfpcapd's 5-minute slots, so it writes one file
  const t0 = 1_699_999_800 + k * 600 + 10;
  for (let i = 0; i < FILE_FLOWS / 2; i++)
    pkts.push(
      ...udpExchange(
        t0 + (i * 200) / FILE_FLOWS,
        `10.${1 + (k % 200)}.${(i >> 8) & 255}.${(i & 255) | 1}`,
        1024 + (i % 60000),
        `10.250.${(i >> 8) % 256}.${1 + (i % 250)}`,
        53,
        40 + (i % 60),
        80 + (i % 400),
      ),
    );
  const pcap = path.join(dir, `in-${k}.pcap`);
  writePcap(pcap, pkts);
  const tmpOut = path.join(dir, `nfpcapd-${k}`);
  fs.mkdirSync(tmpOut);
  const r = spawnSync('nfpcapd', ['-r', pcap, '-w', tmpOut], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nfpcapd failed: ${r.stderr}`);
  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }))
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/^nfcapd\.\d+$/.test(e.name)) files.push(path.join(d, e.name));
  };
  walk(tmpOut);
  if (files.length !== 1) throw new Error(`nfpcapd wrote ${files.length} files for capture ${k}`);
  fs.copyFileSync(files[0], out);
  fs.rmSync(pcap);
  fs.rmSync(tmpOut, { recursive: true });
  return out;
}

// --- runs -----------------------------------------------------------------------------------

/** The same input imported at once (`netsift import`), under the same load: the reference. */
async function importAtOnce(files) {
  const store = await CaseStore.open(path.join(dir, `ref-${++caseNo}.duckdb`));
  const t0 = performance.now();
  const s = await importFiles(store, files, { noGeo: true }).result;
  const seconds = (performance.now() - t0) / 1000;
  store.close();
  return { rate: s.flows / seconds, seconds, flows: s.flows };
}

let caseNo = 0;
async function followed(source, detect = false) {
  const store = await CaseStore.open(path.join(dir, `case-${++caseNo}.duckdb`), { threads: 2 });
  const f = await Follower.start(store, {
    source,
    pollSeconds: 0.05,
    settleSeconds: 0.5,
    batchSeconds: 1,
    noGeo: true,
    ...(detect ? { detectEveryBatches: 1 } : {}),
  });
  return { store, f };
}

/** Every flow imported and every batch covered by a finished detection run. */
const detected = (f, total) => {
  const s = f.status();
  return (
    s.flows >= total &&
    s.detection.runs > 0 &&
    !s.detection.running &&
    s.detection.behindSeconds === 0
  );
};

/** What detection's runs took, from the follower's notes ("detection run N: ... (...; 1.2 s)"). */
function runTimes(f) {
  const times = [];
  f.onEvent((e) => {
    const m = /^detection run \d+: .*; ([\d.]+) s\)$/.exec(e);
    if (m) times.push(Number(m[1]));
  });
  return times;
}

async function until(test, timeoutMs = 600_000) {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

/** Sustained rate: input written as fast as possible; flows/s until the last one is in. */
async function zeekRate() {
  const file = path.join(dir, `rate-${caseNo}.log`);
  fs.writeFileSync(file, HEADER);
  const { store, f } = await followed({ kind: 'file', path: file });
  const text = Buffer.from(zeekLines(0, ZEEK_LINES));
  const t0 = performance.now();
  for (let pos = 0; pos < text.length; pos += 1 << 20) {
    fs.appendFileSync(file, text.subarray(pos, pos + (1 << 20)));
    await sleep(0);
  }
  await until(() => f.status().flows === ZEEK_LINES);
  const seconds = (performance.now() - t0) / 1000;
  const s = await f.stop('bench');
  store.close();
  return { rate: ZEEK_LINES / seconds, seconds, batches: s.batches };
}

/** Input paced at `rate` units/s for LAG_SECONDS: the lag when the writer stops, then catch-up. */
async function paced(kind, rate, writeUnit, total, { store, f }) {
  const t0 = performance.now();
  let written = 0;
  let maxBehind = 0;
  while (performance.now() - t0 < LAG_SECONDS * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    if (due > written) written = writeUnit(written, due);
    maxBehind = Math.max(maxBehind, f.status().lag.behindSeconds);
    await sleep(50);
  }
  const atStop = f.status();
  const tStop = performance.now();
  await until(() => f.status().flows >= total(written));
  const catchUp = (performance.now() - tStop) / 1000;
  await f.stop('bench');
  store.close();
  return {
    kind,
    written,
    behind: atStop.lag.behindSeconds,
    maxBehind,
    text: atStop.lag.text,
    imported: atStop.flows,
    catchUp,
  };
}

console.log(`load average before: ${load()}`);
if (!ONLY_DETECT) await withoutDetection();
await withDetection();
fs.rmSync(dir, { recursive: true, force: true });

async function withoutDetection() {
  const z = await zeekRate();
  console.log(
    `zeek follow rate: ${n(z.rate)} flows/s (${n(ZEEK_LINES)} appended lines in ${z.seconds.toFixed(1)} s, ${z.batches} batches; load ${load()})`,
  );
  {
    const whole = path.join(dir, 'whole-conn.log');
    fs.writeFileSync(whole, HEADER + zeekLines(0, ZEEK_LINES));
    const r = await importAtOnce([whole]);
    console.log(
      `zeek import at once: ${n(r.rate)} flows/s (the same ${n(r.flows)} lines as one file in ${r.seconds.toFixed(1)} s; load ${load()})`,
    );
  }
  {
    // the writer in a process of its own (as Zeek is): the follower keeps this process
    const file = path.join(dir, 'lag.log');
    fs.writeFileSync(file, HEADER);
    const { store, f } = await followed({ kind: 'file', path: file });
    const rate = Math.round(2 * z.rate);
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bench/follow-writer.mjs'), file, String(rate), String(LAG_SECONDS)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let maxBehind = 0;
    const done = new Promise((r) => child.on('exit', r));
    let exited = false;
    void done.then(() => (exited = true));
    while (!exited) {
      maxBehind = Math.max(maxBehind, f.status().lag.behindSeconds);
      await sleep(100);
    }
    const written = Number(out.trim());
    const atStop = f.status();
    const tStop = performance.now();
    await until(() => f.status().flows >= written);
    const catchUp = (performance.now() - tStop) / 1000;
    await f.stop('bench');
    store.close();
    console.log(
      `zeek lag at 2x (${n(rate)} lines/s for ${LAG_SECONDS} s, written by another process at ${n(written / LAG_SECONDS)} lines/s): ${atStop.lag.behindSeconds.toFixed(1)} s behind when the writer stopped ` +
        `(max ${maxBehind.toFixed(1)} s; "${atStop.lag.text}"; ${n(atStop.flows)} of ${n(written)} flows in), caught up ${catchUp.toFixed(1)} s later; load ${load()}`,
    );
  }

  // nfcapd: enough distinct files for the rate run and the 2x run
  const rateFiles = 12;
  console.log(`nfcapd inputs: ${FILE_FLOWS} flows a file (nfpcapd, cached in ${CACHE})`);
  const t0 = performance.now();
  for (let k = 0; k < rateFiles; k++) nfcapdFile(k);
  console.log(`  ${rateFiles} files ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let nfRate;
  {
    const folder = path.join(dir, 'nfcapd-rate');
    fs.mkdirSync(folder);
    const { store, f } = await followed({ kind: 'folder', path: folder });
    const t1 = performance.now();
    for (let k = 0; k < rateFiles; k++)
      fs.linkSync(
        nfcapdFile(k),
        path.join(folder, `nfcapd.2023111422${String(k).padStart(2, '0')}`),
      );
    await until(() => f.status().files.imported === rateFiles);
    const seconds = (performance.now() - t1) / 1000;
    const flows = f.status().flows;
    await f.stop('bench');
    store.close();
    nfRate = flows / seconds;
    console.log(
      `nfcapd follow rate: ${n(nfRate)} flows/s (${rateFiles} files, ${n(flows)} flows in ${seconds.toFixed(1)} s; load ${load()})`,
    );
    const r = await importAtOnce(Array.from({ length: rateFiles }, (_, k) => nfcapdFile(k)));
    console.log(
      `nfcapd import at once: ${n(r.rate)} flows/s (the same ${rateFiles} files in one import job, ${r.seconds.toFixed(1)} s; load ${load()})`,
    );
  }
  {
    const fileRate = (2 * nfRate) / FILE_FLOWS; // files/s at 2x
    const need = Math.ceil(fileRate * LAG_SECONDS) + 1;
    for (let k = rateFiles; k < rateFiles + need; k++) nfcapdFile(k);
    const folder = path.join(dir, 'nfcapd-lag');
    fs.mkdirSync(folder);
    const run = await followed({ kind: 'folder', path: folder });
    const r = await paced(
      'files',
      fileRate,
      (from, to) => {
        for (let k = from; k < Math.min(to, need); k++)
          fs.linkSync(
            nfcapdFile(rateFiles + k),
            path.join(
              folder,
              `nfcapd.20231115${String(Math.floor(k / 60)).padStart(2, '0')}${String(k % 60).padStart(2, '0')}`,
            ),
          );
        return Math.min(to, need);
      },
      (w) => w * FILE_FLOWS,
      run,
    );
    console.log(
      `nfcapd lag at 2x (${fileRate.toFixed(2)} files/s = ${n(2 * nfRate)} flows/s for ${LAG_SECONDS} s): ${r.behind.toFixed(1)} s behind when the writer stopped ` +
        `(max ${r.maxBehind.toFixed(1)} s; "${r.text}"; ${n(r.imported)} of ${n(r.written * FILE_FLOWS)} flows in), caught up ${r.catchUp.toFixed(1)} s later; load ${load()}`,
    );
  }
}

async function withDetection() {
  // 5. as fast as the writer can: flows/s until every flow is imported and detected
  const file = path.join(dir, 'detect-rate.log');
  fs.writeFileSync(file, HEADER);
  const { store, f } = await followed({ kind: 'file', path: file }, true);
  const times = runTimes(f);
  const text = Buffer.from(zeekLines(0, DETECT_LINES));
  const t0 = performance.now();
  for (let pos = 0; pos < text.length; pos += 1 << 20) {
    fs.appendFileSync(file, text.subarray(pos, pos + (1 << 20)));
    await sleep(0);
  }
  await until(() => f.status().flows >= DETECT_LINES);
  const imported = (performance.now() - t0) / 1000;
  await until(() => detected(f, DETECT_LINES));
  const seconds = (performance.now() - t0) / 1000;
  const s = await f.stop('bench');
  store.close();
  const rate = DETECT_LINES / seconds;
  console.log(
    `zeek follow rate with detection: ${n(rate)} flows/s imported and detected (${n(DETECT_LINES)} appended lines: in the case after ${imported.toFixed(1)} s, ` +
      `all detected after ${seconds.toFixed(1)} s; ${times.length} detection runs, the last ${times.at(-1)?.toFixed(1)} s on ${n(s.flows)} flows; load ${load()})`,
  );

  // 6. 2x that rate for LAG_SECONDS, written by another process: both lags when it stops
  const lagFile = path.join(dir, 'detect-lag.log');
  fs.writeFileSync(lagFile, HEADER);
  const run = await followed({ kind: 'file', path: lagFile }, true);
  const lagTimes = runTimes(run.f);
  const paceRate = Math.round(2 * rate);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench/follow-writer.mjs'), lagFile, String(paceRate), String(LAG_SECONDS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let exited = false;
  const done = new Promise((r) => child.on('exit', r));
  void done.then(() => (exited = true));
  let maxImport = 0;
  let maxDetect = 0;
  while (!exited) {
    const st = run.f.status();
    maxImport = Math.max(maxImport, st.lag.behindSeconds);
    maxDetect = Math.max(maxDetect, st.detection.behindSeconds);
    await sleep(100);
  }
  const written = Number(out.trim());
  const atStop = run.f.status();
  const tStop = performance.now();
  await until(() => run.f.status().flows >= written);
  const importCatchUp = (performance.now() - tStop) / 1000;
  await until(() => detected(run.f, written));
  const detectCatchUp = (performance.now() - tStop) / 1000;
  const end = await run.f.stop('bench');
  run.store.close();
  console.log(
    `zeek lag at 2x with detection (${n(paceRate)} lines/s for ${LAG_SECONDS} s, ${n(written)} written): when the writer stopped the import was ` +
      `${atStop.lag.behindSeconds.toFixed(1)} s behind (max ${maxImport.toFixed(1)} s; ${n(atStop.flows)} of ${n(written)} flows in) and detection ` +
      `${atStop.detection.behindSeconds.toFixed(1)} s behind (max ${maxDetect.toFixed(1)} s; ${lagTimes.length} runs so far, the last ${lagTimes.at(-1)?.toFixed(1) ?? '-'} s); ` +
      `imported ${importCatchUp.toFixed(1)} s and detected ${detectCatchUp.toFixed(1)} s later (${end.detection.runs} runs in all, case ${n(end.flows)} flows); load ${load()}`,
  );
}
