// The writer of bench/follow-rate.mjs's lag run, in a process of its own as Zeek would be: appends
// Zeek conn.log lines to FILE at RATE lines/s for SECONDS (every 50 ms what is due), then prints
// the number of lines written. Lines from a fixed linear congruential sequence: the same input on
// every run (a block of 100,000 written again and again).
//   node bench/follow-writer.mjs FILE RATE SECONDS [FIRST_LINE]
import fs from 'node:fs';

const [file, rateText, secondsText, firstText] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
let i = Number(firstText ?? 0);
let x = 12345;
const rnd = (k) => {
  x = (x * 1103515245 + 12345) % 2147483648;
  return x % k;
};
const start = Date.UTC(2017, 0, 27, 16, 24, 42) / 1000;
// 100,000 lines made once and written again and again: writing, not making lines, is the
// writer's work (a writer that computes its lines falls behind its own pace on a busy machine)
const BLOCK = 100_000;
const lines = [];
for (let n = 0; n < BLOCK; n++, i++) {
  const sb = rnd(100000);
  const db = rnd(100000);
  lines.push(
    `${(start + i / 100).toFixed(6)}\tC${i}\t192.168.100.${10 + rnd(245)}\t${1024 + rnd(60000)}\t${23 + rnd(180)}.${rnd(256)}.${rnd(256)}.${1 + rnd(254)}\t${[80, 443, 53, 22][rnd(4)]}\ttcp\t-\t0.5\t${sb}\t${db}\tS1\t0\tShAD\t5\t${sb + 200}\t4\t${db + 160}\n`,
  );
}
const text = Buffer.from(lines.join(''));
const ends = [];
for (let p = text.indexOf(10); p >= 0; p = text.indexOf(10, p + 1)) ends.push(p + 1);
let at = 0; // next line of the block
function write(count) {
  while (count > 0) {
    const n = Math.min(count, BLOCK - at);
    const from = at === 0 ? 0 : ends[at - 1];
    fs.appendFileSync(file, text.subarray(from, ends[at + n - 1]));
    at = (at + n) % BLOCK;
    count -= n;
  }
}
const t0 = performance.now();
let written = 0;
while (performance.now() - t0 < seconds * 1000) {
  const due = Math.floor(((performance.now() - t0) / 1000) * rate);
  if (due > written) {
    write(due - written);
    written = due;
  }
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write(`${written}\n`);
