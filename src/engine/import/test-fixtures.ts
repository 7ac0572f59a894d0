// Seed-format fixture files for tests (written by the test, never read from ../shared).
import fs from 'node:fs';

/** Writes `count` valid seed lines (a few hosts, one flow per 10 ms), streamed in 1 MB chunks. */
export async function writeSeedLines(file: string, count: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const t0 = Date.UTC(2017, 0, 27, 16, 24, 42);
  let buf = '';
  let second = -1;
  let ts = '';
  for (let i = 0; i < count; i++) {
    const s = Math.floor(i / 100);
    if (s !== second) {
      second = s;
      const d = new Date(t0 + s * 1000).toISOString();
      ts = `${d.slice(0, 10)} ${d.slice(11, 19)}`;
    }
    buf += `${ts},tcp,established,192.168.100.${10 + (i % 200)},${1024 + (i % 60000)},192.168.1.${i % 50},443,${i % 5000},${(i * 7) % 90000}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
}
