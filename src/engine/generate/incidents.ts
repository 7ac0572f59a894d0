// The labelled attacks, each from its own attacker. Scans mostly fail, brute force is many short
// similar SSH sessions, the slow scan keeps to a few probes per minute over the whole capture.
// Incidents keep their size when --rate/--hosts grow (a needle in a larger haystack).
import type { IncidentType } from '../../shared/incident-types';
import type { GenContext, Source } from './context';
import type { FlowSink } from './flow-sink';
import { Rng } from './prng';
import { DB, DNS, FILES, NTP, SERVERS, SERVICES, SSH_BASTION, WEB, WORKSTATION_TCP, WORKSTATION_UDP, randomPublicIp, workstationIndex } from './topology';

/** Addresses from the bundled blacklist snapshot (resources: the seed's 744 addresses). */
export const BLACKLISTED = ['185.244.25.120', '185.244.25.133', '45.148.10.46'];

export interface PlannedIncident {
  id: string;
  type: IncidentType;
  /** '' when the attack has no single source (spoofed flood). */
  attacker: string;
  victims: string[];
  source: Source;
}

const SCAN_PORTS_EXTRA = [1080, 1433, 1521, 2049, 2375, 3306, 3389, 5432, 5672, 5900, 5985, 6379, 8000, 8080, 8443, 8888, 9090, 9200, 11211, 15672, 27017];
const COMMON_PORTS = [21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 161, 389, 443, 445, 465, 514, 587, 631, 873, 993, 995, 1433, 1521, 1723, 2049, 3306, 3389, 5432, 5900, 5985, 6379, 8080, 8443, 9200];

function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Where a host listens, as far as a scanner can tell. null: no such host. */
function listens(ctx: GenContext, ip: string, proto: 'tcp' | 'udp', port: number): boolean | null {
  const svc = SERVICES[ip];
  if (svc) return svc[proto].includes(port);
  const i = workstationIndex(ip, ctx.workstations.length);
  if (i < 0) return null;
  if (proto === 'udp') return WORKSTATION_UDP.includes(port);
  return WORKSTATION_TCP.includes(port) || (port === 3389 && ctx.workstations[i].rdp);
}

/** One TCP probe: open ports answer, closed ones refuse, a few are silently dropped. */
function tcpProbe(ctx: GenContext, rng: Rng, src: string, dst: string, port: number, label: number): void {
  const sink = ctx.sink;
  const l = listens(ctx, dst, 'tcp', port);
  const sport = rng.ephemeral();
  if (l === null) sink.emit('tcp', 'connecting', src, sport, dst, port, rng.pick([60, 120, 180]), 0, label);
  else if (l) sink.emit('tcp', 'closed', src, sport, dst, port, rng.int(60, 140), rng.int(60, 400), label);
  else if (rng.chance(0.08)) sink.emit('tcp', 'connecting', src, sport, dst, port, 60, 0, label);
  else sink.emit('tcp', 'reset', src, sport, dst, port, 44, 40, label);
}

/** Spreads `n` items evenly over [start, start + duration): returns how many are due by `sec`. */
function dueBy(sec: number, start: number, duration: number, n: number): number {
  if (sec < start) return 0;
  return Math.min(n, Math.ceil(((sec - start + 1) * n) / duration));
}

function span(ctx: GenContext, frac: number, seconds: number, maxFrac: number): [number, number] {
  const d = Math.max(1, Math.min(seconds, Math.floor(ctx.seconds * maxFrac)));
  return [Math.floor(ctx.seconds * frac), d];
}

/** Probes a list of targets evenly over a span. */
function sweep(start: number, duration: number, targets: (() => void)[]): Source {
  let done = 0;
  return {
    tick(sec) {
      const due = dueBy(sec, start, duration, targets.length);
      while (done < due) targets[done++]();
    },
  };
}

export function planIncidents(ctx: GenContext): PlannedIncident[] {
  const out: PlannedIncident[] = [];
  const rngFor = (id: string) => new Rng(ctx.seed, `incident:${id}`);
  const add = (type: IncidentType, attacker: string, victims: string[], make: (label: number, rng: Rng) => Source) => {
    const id = `${type}-1`;
    out.push({ id, type, attacker, victims, source: make(out.length + 1, rngFor(id)) });
  };
  const sink = (): FlowSink => ctx.sink;

  // 1. vertical scan: ports 1-1024 and well-known high ports on three servers, one after another
  {
    const attacker = '192.168.100.96';
    const victims = [WEB, DB, FILES];
    add('vertical-scan', attacker, victims, (label, rng) => {
      const ports = [...Array.from({ length: 1024 }, (_, i) => i + 1), ...SCAN_PORTS_EXTRA];
      const targets = victims.flatMap((v) => shuffle([...ports], rng).map((p) => () => tcpProbe(ctx, rng, attacker, v, p, label)));
      const [start, d] = span(ctx, 0.2, 300, 0.08);
      return sweep(start, d, targets);
    });
  }

  // 2. horizontal scan: RDP on every address of the workstation and server /24s
  {
    const attacker = '192.168.100.143';
    const victims: string[] = [];
    for (const net of ['192.168.100', '192.168.1']) for (let h = 1; h < 255; h++) if (`${net}.${h}` !== attacker) victims.push(`${net}.${h}`);
    add('horizontal-scan', attacker, victims, (label, rng) => {
      const [start, d] = span(ctx, 0.42, 240, 0.06);
      return sweep(start, d, victims.map((v) => () => tcpProbe(ctx, rng, attacker, v, 3389, label)));
    });
  }

  // 3. slow scan: ~3 new (host, port) targets a minute over the whole capture
  {
    const attacker = '192.168.100.201';
    const rng = rngFor('slow-scan-1:plan');
    const hosts = [...SERVERS, ...ctx.workstations.slice(0, 60).map((w) => w.ip), '192.168.100.5', '192.168.1.5', '192.168.1.100'];
    const count = Math.max(8, Math.round(ctx.seconds / 20));
    const seen = new Set<string>();
    const targets: [string, number][] = [];
    for (let guard = 0; targets.length < count && guard < count * 20; guard++) {
      const h = rng.pick(hosts);
      const p = rng.pick(COMMON_PORTS);
      if (h === attacker || seen.has(`${h}:${p}`)) continue;
      seen.add(`${h}:${p}`);
      targets.push([h, p]);
    }
    const times = targets.map(() => rng.int(20, Math.max(21, ctx.seconds - 20))).sort((a, b) => a - b);
    const victims = [...new Set(targets.map(([h]) => h))].sort();
    add('slow-scan', attacker, victims, (label, prng) => {
      let i = 0;
      return {
        tick(sec) {
          while (i < times.length && times[i] <= sec) {
            tcpProbe(ctx, prng, attacker, targets[i][0], targets[i][1], label);
            i++;
          }
        },
      };
    });
  }

  // 4. UDP scan: ports 1-500 on the DNS and NTP servers; closed ports never answer
  {
    const attacker = '192.168.100.77';
    const victims = [DNS, NTP];
    add('udp-scan', attacker, victims, (label, rng) => {
      const ports = Array.from({ length: 500 }, (_, i) => i + 1);
      const targets = victims.flatMap((v) =>
        shuffle([...ports], rng).map((p) => () => {
          const sport = rng.ephemeral();
          if (listens(ctx, v, 'udp', p)) sink().emit('udp', 'established', attacker, sport, v, p, rng.int(40, 80), rng.int(60, 300), label);
          else sink().emit('udp', 'new', attacker, sport, v, p, rng.int(28, 60), 0, label);
        }),
      );
      const [start, d] = span(ctx, 0.55, 240, 0.06);
      return sweep(start, d, targets);
    });
  }

  // 5. SSH brute force from the internet on the bastion: many short, similar sessions
  {
    const attacker = '218.92.0.112';
    add('brute-force', attacker, [SSH_BASTION], (label, rng) => {
      const [start, d] = span(ctx, 0.3, 720, 0.12);
      const attempts = Math.max(20, Math.round(d * 0.7));
      return {
        tick(sec) {
          const n = sec >= start && sec < start + d ? dueBy(sec, start, d, attempts) - dueBy(sec - 1, start, d, attempts) : 0;
          for (let i = 0; i < n; i++) {
            const sport = rng.ephemeral();
            const u = rng.float();
            if (u < 0.05) sink().emit('tcp', 'reset', attacker, sport, SSH_BASTION, 22, 60, 40, label);
            else if (u < 0.5) sink().emit('tcp', 'closed', attacker, sport, SSH_BASTION, 22, rng.int(1800, 2300), rng.int(2600, 3200), label);
            else
              ctx.conns.start(sink(), sec, {
                proto: 'tcp', src: attacker, sport, dst: SSH_BASTION, dport: 22, label, duration: rng.int(3, 6), period: 30,
                up: 100, down: 90, firstUp: rng.int(1400, 1600), firstDown: rng.int(2100, 2400), endState: 'closed',
              });
          }
        },
      };
    });
  }

  // 6. a workstation talking to blacklisted addresses, irregularly
  {
    const attacker = '192.168.100.34';
    add('blacklist', attacker, [...BLACKLISTED], (label, rng) => {
      const [start, d] = span(ctx, 0.6, 1500, 0.25);
      const times = Array.from({ length: 30 }, () => start + rng.int(0, d - 1)).sort((a, b) => a - b);
      let i = 0;
      return {
        tick(sec) {
          while (i < times.length && times[i] <= sec) {
            i++;
            const u = rng.float();
            const [dst, port] = u < 0.6 ? [BLACKLISTED[0], 443] : u < 0.85 ? [BLACKLISTED[1], 80] : [BLACKLISTED[2], 8080];
            const sport = rng.ephemeral();
            if (rng.chance(0.15)) sink().emit('tcp', 'connecting', attacker, sport, dst, port, 120, 0, label);
            else sink().emit('tcp', 'closed', attacker, sport, dst, port, rng.int(400, 3000), rng.int(800, 60000), label);
          }
        },
      };
    });
  }

  // 7. exfiltration: ~400 MB uploaded to one external host over two long HTTPS connections
  {
    const attacker = '192.168.100.112';
    const dst = '138.68.44.21';
    add('exfiltration', attacker, [dst], (label, rng) => {
      const [start, d] = span(ctx, 0.7, 720, 0.15);
      return {
        tick(sec) {
          if (sec !== start) return;
          for (let k = 0; k < 2; k++)
            ctx.conns.start(sink(), sec, {
              proto: 'tcp', src: attacker, sport: rng.ephemeral(), dst, dport: 443, label, duration: d, period: 30,
              up: 200e6 / d, down: 40e3 / d * 30, firstUp: 2400, firstDown: 5200, endState: 'closed',
            });
        },
      };
    });
  }

  // 8. beaconing: a call home every 60 s (+-3 s), similar sizes, the whole capture
  {
    const attacker = '192.168.100.88';
    const dst = '149.28.143.17';
    add('beaconing', attacker, [dst], (label, rng) => {
      let next = 13;
      return {
        tick(sec) {
          if (sec < next) return;
          sink().emit('tcp', 'closed', attacker, rng.ephemeral(), dst, 443, rng.int(380, 440), rng.int(1100, 1250), label);
          next = sec + 60 + rng.int(-3, 3);
        },
      };
    });
  }

  // 9. SYN flood on the web server from spoofed sources: half-open and reset, 90 s
  {
    add('syn-flood', '', [WEB], (label, rng) => {
      const [start, d] = span(ctx, 0.9, 90, 0.03);
      const sources = Array.from({ length: 2500 }, () => randomPublicIp(rng));
      return {
        tick(sec) {
          if (sec < start || sec >= start + d) return;
          const n = rng.poisson(80);
          for (let i = 0; i < n; i++) {
            const src = sources[Math.floor(rng.float() * sources.length)];
            if (rng.chance(0.85)) sink().emit('tcp', 'connecting', src, rng.ephemeral(), WEB, 443, 60, rng.chance(0.5) ? 0 : 58, label);
            else sink().emit('tcp', 'reset', src, rng.ephemeral(), WEB, 443, 60, 54, label);
          }
        },
      };
    });
  }
  return out;
}
