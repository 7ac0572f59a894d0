// A small capture for the service and server tests (never imported by the app).
import fs from 'node:fs';

/** Seed-format lines (ts,proto,state,src,sport,dst,dport,src_bytes,dst_bytes): normal traffic and one scan. */
export function writeCapture(file: string): number {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const s = String(i % 60).padStart(2, '0');
    const m = String(Math.floor(i / 60)).padStart(2, '0');
    lines.push(
      `2024-03-01 10:${m}:${s},tcp,established,10.0.0.${1 + (i % 5)},${40000 + i},93.184.216.${1 + (i % 3)},443,${500 + i},${9000 + i}`,
    );
  }
  for (let p = 1; p <= 200; p++)
    lines.push(
      `2024-03-01 10:02:${String(p % 60).padStart(2, '0')},tcp,reset,10.0.0.66,51000,10.0.0.9,${p},60,0`,
    );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return lines.length;
}
