// Seed CSV text for the follow tests: n flows from `start` (epoch seconds), 10 a second, office
// traffic, and with `scan` a host probing closed ports of one server (the scan detector's case).
export function seedLines(start: number, n: number, opts: { scan?: boolean } = {}): string {
  const out: string[] = [];
  const time = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19);
  for (let i = 0; i < n; i++) {
    const t = time(start + Math.floor(i / 10));
    if (opts.scan && i % 2 === 1)
      out.push(`${t},tcp,reset,192.168.100.66,${40000 + i},192.168.1.9,${1000 + i},60,0`);
    else
      out.push(
        `${t},tcp,closed,192.168.100.${10 + (i % 30)},${20000 + (i % 30000)},192.168.1.${1 + (i % 5)},${[80, 443][i % 2]},${300 + (i % 50)},${1200 + (i % 300)}`,
      );
  }
  return out.map((l) => `${l}\n`).join('');
}
