// Benchmark (issue 5, issue 16): Zeek conn.log TSV and Argus binetflow (CTU-13 CSV) imports
// against the seed-format CSV import of the same flows. Prints figures, asserts nothing. Target:
// Zeek and Argus each within 2x of the seed import.
//   node --import tsx bench/zeek-vs-seed.mjs [--flows 1000000] [--rounds 1]
// Rounds interleave the three imports (seed, Zeek, Argus, then again): on a shared machine the
// ratio is taken per round and its median printed, with every round's figures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const FLOWS = arg('flows', 1_000_000);
const ROUNDS = Math.max(1, arg('rounds', 1));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-zeek-'));
const { CaseStore } = await import('../src/engine/store/case-store.ts');
const { importFiles } = await import('../src/engine/import/pipeline.ts');

// the generator's seeded PRNG: the same bench input on every run
const { Rng } = await import('../src/engine/generate/prng.ts');
const rng = new Rng(11, 'bench-zeek-vs-seed');
const rnd = (n) => rng.int(0, n - 1);

const seedFile = path.join(dir, 'flows.csv');
const zeekFile = path.join(dir, 'conn.log');
const argusFile = path.join(dir, 'capture.binetflow');
const seed = fs.createWriteStream(seedFile);
const zeek = fs.createWriteStream(zeekFile);
const argus = fs.createWriteStream(argusFile);
argus.write(
  'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n',
);
zeek.write(
  '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2017-01-27-16-24-42\n' +
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n' +
    '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n',
);
let s = '';
let z = '';
let g = '';
const start = Date.UTC(2017, 0, 27, 16, 24, 42) / 1000;
for (let i = 0; i < FLOWS; i++) {
  const t = start + (i * 4200) / FLOWS;
  const d = new Date(Math.floor(t) * 1000).toISOString();
  const src = `192.168.100.${10 + rnd(245)}`;
  const dst = `${23 + rnd(180)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`;
  const sp = 1024 + rnd(60000);
  const dp = [80, 443, 53, 22][rnd(4)];
  const sb = rnd(100000);
  const db = rnd(100000);
  s += `${d.slice(0, 10)} ${d.slice(11, 19)},tcp,established,${src},${sp},${dst},${dp},${sb},${db}\n`;
  // Argus: local time as CTU-13 writes it (read as UTC here), totals and the source's share
  g += `${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)} ${d.slice(11, 19)}.000000,0.5,tcp,${src},${sp},   ->,${dst},${dp},FSPA_FSPA,0,0,9,${sb + db + 360},${sb + 200},flow=Background\n`;
  z += `${Math.floor(t)}.000000\tC${i}\t${src}\t${sp}\t${dst}\t${dp}\ttcp\t-\t0.5\t${sb}\t${db}\tS1\tT\tF\t0\tShAD\t5\t${sb + 200}\t4\t${db + 160}\t(empty)\n`;
  if (s.length > 1 << 20) {
    seed.write(s);
    zeek.write(z);
    argus.write(g);
    s = '';
    z = '';
    g = '';
  }
}
seed.end(s);
zeek.end(`${z}#close\t2017-01-27-17-35-00\n`);
argus.end(g);
await Promise.all([
  new Promise((r) => seed.on('finish', r)),
  new Promise((r) => zeek.on('finish', r)),
  new Promise((r) => argus.on('finish', r)),
]);

async function time(file) {
  const db = path.join(dir, `${path.basename(file)}.duckdb`);
  for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true }); // a fresh case every round
  const store = await CaseStore.open(db);
  const t0 = performance.now();
  const sum = await importFiles(store, [file]).result;
  const secs = (performance.now() - t0) / 1000;
  const d = await store.one(`SELECT details::VARCHAR AS d FROM imports ORDER BY id DESC LIMIT 1`);
  const timings = JSON.parse(d.d).timings ?? {};
  store.close();
  const phases = Object.entries(timings)
    .map(([k, v]) => `${k} ${Number(v).toFixed(2)}`)
    .join(', ');
  return { secs, flows: sum.flows, format: sum.files[0].record?.format, phases };
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const rounds = [];
for (let i = 0; i < ROUNDS; i++)
  rounds.push([await time(seedFile), await time(zeekFile), await time(argusFile)]);
// the round whose Zeek/seed ratio is the median stands for all; every round's ratios printed too
const zr = rounds.map(([x, y]) => y.secs / x.secs);
const ar = rounds.map(([x, , z]) => z.secs / x.secs);
const [a, b, c] = rounds[zr.indexOf(median(zr))];
console.log(
  `seed CSV: ${a.flows.toLocaleString()} flows in ${a.secs.toFixed(2)} s (${Math.round(a.flows / a.secs).toLocaleString()} flows/s)`,
);
console.log(
  `Zeek TSV: ${b.flows.toLocaleString()} flows in ${b.secs.toFixed(2)} s (${Math.round(b.flows / b.secs).toLocaleString()} flows/s) [${b.format}]`,
);
console.log(
  `Argus binetflow: ${c.flows.toLocaleString()} flows in ${c.secs.toFixed(2)} s (${Math.round(c.flows / c.secs).toLocaleString()} flows/s) [${c.format}]`,
);
console.log(`phases (s): seed ${a.phases}; zeek ${b.phases}; argus ${c.phases}`);
const list = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
console.log(`Zeek / seed: ${median(zr).toFixed(2)}x (target <= 2x) [rounds: ${list(zr)}]`);
console.log(`Argus / seed: ${median(ar).toFixed(2)}x (target <= 2x) [rounds: ${list(ar)}]`);
if (ROUNDS > 1)
  console.log(
    `seconds per round (seed, zeek, argus): ${rounds.map((r) => r.map((x) => x.secs.toFixed(1)).join('/')).join('; ')}`,
  );
if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });
