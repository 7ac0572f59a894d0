// A small streaming writer of seed-format flows for the benchmark, used when the real generator
// (src/engine/generate, `netsift generate`) is not available. Deterministic (xorshift PRNG), a few
// hundred internal hosts talking to a few thousand peers, written in 1 MB chunks.
import fs from 'node:fs';

const STATES = ['new', 'connecting', 'established', 'closing', 'closed', 'reset'];
const PORTS = [80, 443, 53, 22, 3306, 5672, 123, 8080, 445, 25];

export async function writeSeedFile(file, flows, { seed = 1 } = {}) {
  let x = seed >>> 0 || 1;
  const rnd = (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
  const tmp = `${file}.part`;
  const out = fs.createWriteStream(tmp);
  const start = Date.UTC(2017, 0, 27, 16, 24, 42) / 1000;
  const span = 70 * 60;
  let buf = '';
  let second = -1;
  let ts = '';
  // a bounded set of internet peers, as in a real office capture (not one address per flow)
  const peers = Array.from({ length: 5000 }, () => `${23 + rnd(180)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}`);
  for (let i = 0; i < flows; i++) {
    const t = start + Math.floor((i * span) / flows);
    if (t !== second) {
      second = t;
      const d = new Date(t * 1000).toISOString();
      ts = `${d.slice(0, 10)} ${d.slice(11, 19)}`;
    }
    const src = `192.168.100.${10 + rnd(245)}`;
    const dst = rnd(4) === 0 ? `192.168.1.${rnd(60)}` : peers[rnd(peers.length)];
    const udp = rnd(4) === 0;
    buf += `${ts},${udp ? 'udp' : 'tcp'},${STATES[rnd(6)]},${src},${1024 + rnd(64000)},${dst},${PORTS[rnd(10)]},${rnd(5000)},${rnd(200000)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  fs.renameSync(tmp, file);
}
