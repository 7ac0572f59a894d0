// Benchmark of the NetFlow/IPFIX listener (issue 20): prints figures, asserts nothing.
//   node --import tsx bench/netflow-rate.mjs [--seconds 5] [--rates 20000,50000,100000]
// 1. the decoder alone on softflowd-shaped IPFIX datagrams (28 flows each): flows/s on one core;
// 2. the listener end to end into a temporary case: a child process sends paced IPFIX at each
//    rate (flows/s) for --seconds on loopback; received, kernel drops, flows written, and how
//    long the last batch took to land after the sender stopped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SECONDS = Number(arg('seconds', '5'));
const RATES = arg('rates', '20000,50000,100000').split(',').map(Number);

const { NetflowDecoder } = await import('../src/engine/import/netflow/decoder.ts');
const { bytes, ipfixPacket, set, templateRecord } =
  await import('../src/engine/import/netflow/test-packets.ts');
const { NetflowListener } = await import('../src/engine/follow/netflow-listener.ts');
const { parseListen } = await import('../src/engine/follow/listen-address.ts');
const { CaseStore } = await import('../src/engine/store/case-store.ts');

const FIELDS = [
  [8, 4],
  [12, 4],
  [152, 8],
  [153, 8],
  [1, 4],
  [2, 4],
  [10, 4],
  [14, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [6, 1],
  [60, 1],
  [5, 1],
];
const template = set(2, templateRecord(1024, FIELDS));
function datagram(seq, k) {
  const recs = [];
  for (let i = 0; i < 28; i++) {
    const n = k * 28 + i;
    recs.push(
      bytes()
        .u32(0x0a000000 + (n % 65536))
        .u32(0x0a640000 + (n % 251))
        .u64(1_700_000_000_000 + n)
        .u64(1_700_000_000_500 + n)
        .u32(100 + (n % 1400))
        .u32(1 + (n % 9))
        .u32(1)
        .u32(2)
        .u16(1024 + (n % 60000))
        .u16(443)
        .u8(6)
        .u8(0x1b)
        .u8(4)
        .u8(0)
        .build(),
    );
  }
  return ipfixPacket({
    seq,
    sets:
      k % 16 === 0 ? [template, set(1024, Buffer.concat(recs))] : [set(1024, Buffer.concat(recs))],
  });
}

// 1. decoder alone
{
  const pool = Array.from({ length: 64 }, (_, k) => datagram(k * 28, k));
  const d = new NetflowDecoder();
  const N = 40_000;
  const t0 = process.hrtime.bigint();
  let flows = 0;
  for (let i = 0; i < N; i++)
    flows += d.decode(pool[i % 64], { address: '127.0.0.1', port: 1 }, 0).flows.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `decoder: ${flows.toLocaleString('en-US')} flows in ${s.toFixed(2)} s = ${Math.round(flows / s).toLocaleString('en-US')} flows/s (one core)`,
  );
}

// 2. end to end
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-bench-netflow-'));
try {
  for (const rate of RATES) {
    const store = await CaseStore.open(path.join(dir, `rate-${rate}.duckdb`));
    const l = await NetflowListener.start(store, {
      listen: parseListen('udp:127.0.0.1:0'),
      batchSeconds: 1,
    });
    const perMs = rate / 28 / 1000; // datagrams per ms
    const total = Math.round((rate * SECONDS) / 28);
    const sender = `const s=require('dgram').createSocket('udp4');const pool=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')).map(h=>Buffer.from(h,'hex'));
      let k=0;const t0=Date.now();const tick=()=>{const due=Math.min(${total},Math.floor((Date.now()-t0)*${perMs}));
      while(k<due){const b=pool[k%pool.length];b.writeUInt32BE((k*28)>>>0,8);s.send(b,${l.address.port},'127.0.0.1');k++}
      if(k<${total})setImmediate(tick);else setTimeout(()=>s.close(),50)};tick();`;
    const poolFile = path.join(dir, 'pool.json');
    fs.writeFileSync(
      poolFile,
      JSON.stringify(Array.from({ length: 64 }, (_, k) => datagram(k * 28, k).toString('hex'))),
    );
    const t0 = Date.now();
    await new Promise((r) =>
      spawn(process.execPath, ['-e', sender, poolFile], { stdio: 'inherit' }).on('exit', r),
    );
    const sent = Date.now();
    while (l.stats().queued > 0 || l.stats().flowsWritten < l.stats().flowsDecoded)
      await new Promise((r) => setTimeout(r, 20));
    const landed = Date.now();
    await l.stop('bench');
    const s = l.stats();
    console.log(
      `listener at ${rate.toLocaleString('en-US')} flows/s for ${SECONDS} s: sent ${(total * 28).toLocaleString('en-US')} flows in ${total.toLocaleString('en-US')} datagrams ` +
        `(${((sent - t0) / 1000).toFixed(1)} s); received ${s.datagrams.toLocaleString('en-US')}, kernel drops ${s.kernelDrops}, ` +
        `written ${s.flowsWritten.toLocaleString('en-US')} flows in ${s.batches} batches; last batch landed ${((landed - sent) / 1000).toFixed(2)} s after the sender stopped`,
    );
    store.close();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
