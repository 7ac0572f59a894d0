// Benign behaviour that resembles attacks and must not be reported: a monitoring host that
// checks the same few ports on many hosts every minute (some of them refused, every minute the
// same), and a backup server pulling hundreds of MB from each server in a nightly-style window.
import type { GenContext, Source } from './context';
import { BENIGN } from './flow-sink';
import { Rng } from './prng';
import { APP, BACKUP, DB, DNS, FILES, MONITOR, MQ, SERVERS, SERVICES, VPN, WEB } from './topology';

export const BENIGN_ROLES = [
  { role: 'monitoring', ip: MONITOR },
  { role: 'backup', ip: BACKUP },
];

interface Check {
  proto: 'tcp' | 'udp';
  dst: string;
  port: number;
  open: boolean;
  offset: number;
}

export function lookalikeSources(ctx: GenContext): Source[] {
  const { sink } = ctx;
  const monRng = new Rng(ctx.seed, 'lookalike:monitoring');
  const checks: Check[] = [];
  for (const s of SERVERS) {
    if (s === MONITOR) continue;
    for (const port of [22, 80, 443]) checks.push({ proto: 'tcp', dst: s, port, open: SERVICES[s].tcp.includes(port), offset: 0 });
    checks.push({ proto: 'udp', dst: s, port: 161, open: true, offset: 0 });
  }
  for (const w of ctx.workstations.slice(0, 30)) {
    checks.push({ proto: 'tcp', dst: w.ip, port: 22, open: false, offset: 0 });
    checks.push({ proto: 'udp', dst: w.ip, port: 161, open: false, offset: 0 });
  }
  // the checker spreads its checks over the first ~20 s of each minute, same order every time
  checks.forEach((c, i) => (c.offset = 5 + Math.floor((i * 20) / checks.length)));
  const bySecond = new Map<number, Check[]>();
  for (const c of checks) bySecond.set(c.offset, [...(bySecond.get(c.offset) ?? []), c]);
  const monitoring: Source = {
    tick(sec) {
      const due = bySecond.get(sec % 60);
      if (!due) return;
      for (const c of due) {
        const sport = monRng.ephemeral();
        if (c.proto === 'udp') {
          if (c.open) sink.emit('udp', 'established', MONITOR, sport, c.dst, 161, monRng.int(80, 110), monRng.int(200, 900), BENIGN);
          else sink.emit('udp', 'new', MONITOR, sport, c.dst, 161, monRng.int(80, 110), 0, BENIGN);
        } else if (c.open) {
          sink.emit('tcp', 'closed', MONITOR, sport, c.dst, c.port, monRng.int(180, 420), monRng.int(300, 1600), BENIGN);
        } else sink.emit('tcp', 'reset', MONITOR, sport, c.dst, c.port, 60, 40, BENIGN);
      }
    },
  };

  // two backup streams, each pulling from every other server in turn (rsync over ssh)
  const bakRng = new Rng(ctx.seed, 'lookalike:backup');
  const targets = [DNS, WEB, APP, DB, MQ, FILES, VPN];
  const windowStart = Math.floor(ctx.seconds * 0.35);
  const starts = new Map<number, string[]>();
  for (let stream = 0; stream < 2; stream++) {
    let t = windowStart + stream * 20;
    for (let i = stream; i < targets.length; i += 2) {
      starts.set(t, [...(starts.get(t) ?? []), targets[i]]);
      t += Math.min(420, Math.max(30, Math.floor(ctx.seconds * 0.05))) + bakRng.int(5, 20);
    }
  }
  const backup: Source = {
    tick(sec) {
      const due = starts.get(sec);
      if (!due) return;
      for (const dst of due) {
        const duration = Math.min(bakRng.int(180, 400), Math.max(20, Math.floor(ctx.seconds * 0.05)));
        ctx.conns.start(sink, sec, {
          proto: 'tcp', src: BACKUP, sport: bakRng.ephemeral(), dst, dport: 22, label: BENIGN, duration,
          period: 30, up: bakRng.int(20_000, 60_000), down: bakRng.int(1_000_000, 2_500_000), firstUp: 3200, firstDown: 4100,
        });
      }
    },
  };
  return [monitoring, backup];
}
