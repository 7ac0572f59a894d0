// Benchmark of pcap -> flows (issue 5): prints figures, asserts nothing.
//   node --import tsx bench/pcap-rate.mjs [--packets 1000000] [--keep]
// Writes a synthetic Ethernet/IPv4 capture (TCP sessions of 8 packets, refused connections, UDP
// request/response pairs, interleaved across many hosts), then times on the same file:
// 1. the streaming parser + flow table alone (packets/s, one core);
// 2. the full import through the pipeline into a temporary case (parse + Appender + validation);
// 3. Argus (`argus -r FILE -w FILE`) when it is installed, and the flow counts of both.
// Targets: >= 300k packets/s for (1), and (1) no slower than 2x Argus.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const PACKETS = arg('packets', 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-pcap-'));
const file = path.join(dir, 'bench.pcap');

const { captureToFlows } = await import('../src/engine/import/formats/pcap/pcap-format.ts');
const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { importFiles } = await import('../src/engine/import/pipeline.ts');

// the generator's seeded PRNG: the same bench input on every run
const { Rng } = await import('../src/engine/generate/prng.ts');
const rng = new Rng(7, 'bench-pcap-rate');
const rnd = (n) => rng.int(0, n - 1);

/** Writes one Ethernet/IPv4 packet record at `o`; returns the next offset. */
function packet(b, o, tsMicros, src, dst, proto, sp, dp, flags, payload) {
  const l4 = proto === 6 ? 20 : 8;
  const ipLen = 20 + l4 + payload;
  const frame = 14 + ipLen;
  b.writeUInt32LE(Math.floor(tsMicros / 1e6), o);
  b.writeUInt32LE(tsMicros % 1e6, o + 4);
  b.writeUInt32LE(frame, o + 8);
  b.writeUInt32LE(frame, o + 12);
  const e = o + 16;
  b.fill(0, e, e + frame);
  b.writeUInt16BE(0x0800, e + 12);
  const ip = e + 14;
  b[ip] = 0x45;
  b.writeUInt16BE(ipLen, ip + 2);
  b[ip + 8] = 64;
  b[ip + 9] = proto;
  b.writeUInt32BE(src >>> 0, ip + 12);
  b.writeUInt32BE(dst >>> 0, ip + 16);
  const t = ip + 20;
  b.writeUInt16BE(sp, t);
  b.writeUInt16BE(dp, t + 2);
  if (proto === 6) {
    b[t + 12] = 0x50;
    b[t + 13] = flags;
  } else b.writeUInt16BE(8 + payload, t + 4);
  return e + frame;
}

function writeCapture() {
  const out = fs.openSync(file, 'w');
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0);
  gh.writeUInt16LE(2, 4);
  gh.writeUInt16LE(4, 6);
  gh.writeUInt32LE(65535, 16);
  gh.writeUInt32LE(1, 20);
  fs.writeSync(out, gh);
  const buf = Buffer.alloc(8 << 20);
  let o = 0;
  let n = 0;
  let ts = 1_700_000_000 * 1e6;
  let port = 1024;
  const S = 2, SA = 0x12, A = 0x10, PA = 0x18, FA = 0x11, RA = 0x14;
  while (n < PACKETS) {
    if (o > buf.length - 4096) {
      fs.writeSync(out, buf, 0, o);
      o = 0;
    }
    ts += 20 + rnd(200);
    const c = (10 << 24) | (rnd(4000) + 256);
    const s = (172 << 24) | (16 << 16) | rnd(500);
    port = port >= 65000 ? 1024 : port + 1;
    const k = rnd(10);
    if (k < 6) {
      const dp = [80, 443, 22, 8080][rnd(4)];
      const seq = [[c, s, port, dp, S, 0], [s, c, dp, port, SA, 0], [c, s, port, dp, A, 0], [c, s, port, dp, PA, 200 + rnd(400)],
        [s, c, dp, port, PA, 500 + rnd(900)], [c, s, port, dp, FA, 0], [s, c, dp, port, FA, 0], [c, s, port, dp, A, 0]];
      for (const [a, b2, p1, p2, f, pay] of seq) {
        o = packet(buf, o, ts, a, b2, 6, p1, p2, f, pay);
        ts += 5;
        n++;
      }
    } else if (k < 8) {
      const closed = 1 + rnd(1024);
      o = packet(buf, o, ts, c, s, 6, port, closed, S, 0);
      o = packet(buf, o, ts + 3, s, c, 6, closed, port, RA, 0);
      n += 2;
    } else {
      o = packet(buf, o, ts, c, s, 17, port, 53, 0, 40);
      o = packet(buf, o, ts + 2, s, c, 17, 53, port, 0, 120);
      n += 2;
    }
  }
  fs.writeSync(out, buf, 0, o);
  fs.closeSync(out);
  return n;
}

const t = () => performance.now();
let t0 = t();
const packets = writeCapture();
const size = fs.statSync(file).size;
console.log(`capture: ${packets.toLocaleString()} packets, ${(size / 1e6).toFixed(1)} MB, written in ${((t() - t0) / 1000).toFixed(1)} s`);

// 1. parser + flow table only
t0 = t();
let flows = 0;
const res = await captureToFlows(file, (fl) => (flows += fl.length));
const parseSecs = (t() - t0) / 1000;
const parseRate = packets / parseSecs;
console.log(`netsift parse+flows: ${parseSecs.toFixed(2)} s, ${Math.round(parseRate).toLocaleString()} packets/s, ${flows.toLocaleString()} flows (packets seen ${res.details.packets})`);

// 2. full import into a case
const store = await CaseStore.open(path.join(dir, 'bench.duckdb'));
t0 = t();
const summary = await importFiles(store, [file]).result;
const importSecs = (t() - t0) / 1000;
console.log(`netsift import (pipeline, DuckDB): ${importSecs.toFixed(2)} s, ${Math.round(packets / importSecs).toLocaleString()} packets/s, ${summary.flows.toLocaleString()} flows`);
store.close();

// 3. Argus on the same file
const argus = ['/usr/sbin/argus', '/usr/bin/argus'].find((p) => fs.existsSync(p));
const ra = ['/usr/bin/ra', '/usr/sbin/ra'].find((p) => fs.existsSync(p));
if (!argus) console.log('argus: not installed (apt-get install argus-server argus-client), comparison skipped');
else {
  const out = path.join(dir, 'bench.argus');
  t0 = t();
  const r = spawnSync(argus, ['-r', file, '-w', out], { stdio: 'ignore' });
  const argusSecs = (t() - t0) / 1000;
  let argusFlows = 'n/a';
  if (ra) {
    const c = spawnSync(ra, ['-r', out, '-n', '-c', ',', '-s', 'proto', '-', 'not man'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    argusFlows = String(c.stdout.trim().split('\n').length - 1);
  }
  console.log(`argus -r (exit ${r.status}): ${argusSecs.toFixed(2)} s, ${Math.round(packets / argusSecs).toLocaleString()} packets/s, ${argusFlows} flow records`);
  console.log(`netsift parse / argus time: ${(parseSecs / argusSecs).toFixed(2)}x (target <= 2x); import / argus: ${(importSecs / argusSecs).toFixed(2)}x`);
}
console.log(`target 300,000 packets/s: ${parseRate >= 300_000 ? 'met' : 'NOT met'} (${Math.round(parseRate).toLocaleString()})`);
if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
