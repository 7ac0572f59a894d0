// Normal office traffic: DNS, web, intranet apps, file shares, database and message-queue
// sessions, VPN users, NTP, multicast/broadcast chatter. All labelled benign.
import type { GenContext, Source } from './context';
import { BENIGN, type State } from './flow-sink';
import { Rng } from './prng';
import {
  APP, DB, DNS, FILES, GATEWAY, MQ, NTP, PUBLIC_DNS, PUBLIC_NTP, SSH_BASTION, VPN, WEB,
  makeProviderPeers, makeResidentialPeers,
} from './topology';

// per-second event rates per unit of workstation weight (rate factor 1)
const DNS_PER_WEIGHT = 0.018;
const WEB_PER_WEIGHT = 0.0225;
const INTRANET_PER_WEIGHT = 0.0025;
const MULTICAST_PER_HOST = 0.0045;

const OTHER_PORTS: [number, 'tcp' | 'udp'][] = [
  [8443, 'tcp'], [5222, 'tcp'], [993, 'tcp'], [587, 'tcp'], [3478, 'udp'], [19302, 'udp'],
  [5228, 'tcp'], [1935, 'tcp'], [8080, 'tcp'], [4070, 'tcp'], [5060, 'udp'], [443, 'udp'],
  [853, 'tcp'], [3480, 'udp'], [8883, 'tcp'], [9000, 'tcp'], [7680, 'tcp'], [50001, 'udp'],
];

function pickHost(ctx: GenContext, rng: Rng): string {
  return ctx.workstations[ctx.weighted[Math.floor(rng.float() * ctx.weighted.length)]].ip;
}

function endState(rng: Rng): State {
  const u = rng.float();
  return u < 0.9 ? 'closed' : u < 0.96 ? 'reset' : 'closing';
}

/** A short or long TCP/UDP exchange from a client to a server. */
function exchange(
  ctx: GenContext, rng: Rng, sec: number, proto: 'tcp' | 'udp', src: string, dst: string, dport: number,
  medianSeconds: number, medianDown: number,
): void {
  const { sink } = ctx;
  const sport = rng.ephemeral();
  if (proto === 'tcp' && rng.chance(0.015)) {
    // a failed attempt: no answer, or refused
    if (rng.chance(0.6)) sink.emit('tcp', 'connecting', src, sport, dst, dport, rng.pick([60, 120, 180]), 0, BENIGN);
    else sink.emit('tcp', 'reset', src, sport, dst, dport, 60, 40, BENIGN);
    return;
  }
  const duration = rng.lognormal(medianSeconds, 1.4);
  const down = Math.round(rng.lognormal(medianDown, 1.3));
  const up = Math.round(300 + down * rng.float() * 0.15);
  if (duration < 2) {
    sink.emit(proto, proto === 'tcp' ? endState(rng) : 'established', src, sport, dst, dport, up, down, BENIGN);
    return;
  }
  ctx.conns.start(sink, sec, {
    proto, src, sport, dst, dport, label: BENIGN, duration, period: 30,
    up: up / duration, down: down / duration, firstUp: Math.min(up, 900), firstDown: Math.min(down, 4000),
    endState: endState(rng),
  });
}

export function benignSources(ctx: GenContext): Source[] {
  const { sink } = ctx;
  const totalWeight = ctx.weighted.length;
  const hostScale = ctx.workstations.length / 200;
  const mk = (name: string) => new Rng(ctx.seed, `benign:${name}`);

  const dnsRng = mk('dns');
  const dns: Source = {
    tick() {
      const n = dnsRng.poisson(DNS_PER_WEIGHT * totalWeight * ctx.rate);
      for (let i = 0; i < n; i++) {
        const h = pickHost(ctx, dnsRng);
        const sport = dnsRng.ephemeral();
        if (dnsRng.chance(0.02)) sink.emit('udp', 'new', h, sport, DNS, 53, dnsRng.int(40, 90), 0, BENIGN);
        else sink.emit('udp', 'established', h, sport, DNS, 53, dnsRng.int(40, 90), dnsRng.int(80, 420), BENIGN);
        if (dnsRng.chance(0.3))
          sink.emit('udp', 'established', DNS, dnsRng.ephemeral(), dnsRng.pick(PUBLIC_DNS), 53, dnsRng.int(50, 100), dnsRng.int(90, 500), BENIGN);
      }
    },
  };

  const webRng = mk('web');
  const peers = makeProviderPeers(Math.max(400, Math.round(1500 * Math.sqrt(hostScale * ctx.rate))), webRng);
  const web: Source = {
    tick(sec) {
      const n = webRng.poisson(WEB_PER_WEIGHT * totalWeight * ctx.rate);
      for (let i = 0; i < n; i++) {
        const h = pickHost(ctx, webRng);
        const peer = peers[webRng.skewed(peers.length, 3)];
        const u = webRng.float();
        if (u < 0.85) exchange(ctx, webRng, sec, 'tcp', h, peer, 443, 1.5, 12000);
        else if (u < 0.95) exchange(ctx, webRng, sec, 'tcp', h, peer, 80, 1, 6000);
        else {
          const [port, proto] = webRng.pick(OTHER_PORTS);
          exchange(ctx, webRng, sec, proto, h, peer, port, 6, 3000);
        }
      }
    },
  };

  const intraRng = mk('intranet');
  const intranet: Source = {
    tick(sec) {
      const n = intraRng.poisson(INTRANET_PER_WEIGHT * totalWeight * ctx.rate);
      for (let i = 0; i < n; i++) {
        const h = pickHost(ctx, intraRng);
        if (intraRng.chance(0.7)) exchange(ctx, intraRng, sec, 'tcp', h, WEB, 443, 1, 20000);
        else exchange(ctx, intraRng, sec, 'tcp', h, APP, 8443, 1, 8000);
      }
      // the web front end calls the application server
      const calls = intraRng.poisson(0.8 * hostScale * ctx.rate);
      for (let i = 0; i < calls; i++)
        sink.emit('tcp', 'closed', WEB, intraRng.ephemeral(), APP, 8080, intraRng.int(300, 1500), intraRng.int(500, 30000), BENIGN);
    },
  };

  const inRng = mk('inbound');
  const visitors = makeResidentialPeers(Math.max(300, Math.round(2000 * Math.sqrt(hostScale * ctx.rate))), inRng);
  const inbound: Source = {
    tick(sec) {
      const n = inRng.poisson(2 * hostScale * ctx.rate);
      for (let i = 0; i < n; i++) exchange(ctx, inRng, sec, 'tcp', visitors[inRng.skewed(visitors.length, 2)], WEB, 443, 1, 25000);
    },
  };

  // sessions that last the whole capture: SMB, database pool, message queue, admins on the bastion
  const longRng = mk('long');
  const longStarts = new Map<number, ((sec: number) => void)[]>();
  const at = (sec: number, f: (sec: number) => void) => {
    const l = longStarts.get(sec);
    if (l) l.push(f);
    else longStarts.set(sec, [f]);
  };
  const whole = ctx.seconds + 600;
  for (const w of ctx.workstations) {
    if (!w.smb) continue;
    at(longRng.int(0, Math.min(300, ctx.seconds - 1)), (s) =>
      ctx.conns.start(sink, s, {
        proto: 'tcp', src: w.ip, sport: longRng.ephemeral(), dst: FILES, dport: 445, label: BENIGN, duration: whole,
        period: 120, up: 40 * w.weight, down: 400 * w.weight, firstUp: 1200, firstDown: 900,
      }),
    );
  }
  const pools: [string, string, number, number, number][] = [
    [APP, DB, 5432, 8, 30],
    [APP, MQ, 5672, 3, 30],
    [WEB, MQ, 5672, 2, 30],
  ];
  for (const [src, dst, port, count, period] of pools)
    for (let i = 0; i < Math.max(1, Math.round(count * hostScale)); i++)
      at(longRng.int(0, 20), (s) =>
        ctx.conns.start(sink, s, {
          proto: 'tcp', src, sport: longRng.ephemeral(), dst, dport: port, label: BENIGN, duration: whole,
          period, up: longRng.int(200, 3000), down: longRng.int(1000, 20000), firstUp: 600, firstDown: 800,
        }),
      );
  for (let i = 0; i < Math.min(3, ctx.workstations.length); i++) {
    const w = ctx.workstations[i * 7 % ctx.workstations.length];
    at(longRng.int(0, Math.floor(ctx.seconds / 2)), (s) =>
      ctx.conns.start(sink, s, {
        proto: 'tcp', src: w.ip, sport: longRng.ephemeral(), dst: SSH_BASTION, dport: 22, label: BENIGN,
        duration: longRng.int(600, 3000), period: 60, up: 30, down: 300, firstUp: 2500, firstDown: 3200,
      }),
    );
  }
  // VPN users come and go (at most ~70 MB down each: more would look like exfiltration by the VPN server)
  const vpnUsers = makeResidentialPeers(Math.max(3, Math.round(15 * hostScale)), longRng);
  for (const u of vpnUsers)
    at(longRng.int(0, Math.floor(ctx.seconds * 0.8)), (s) =>
      ctx.conns.start(sink, s, {
        proto: 'udp', src: u, sport: longRng.ephemeral(), dst: VPN, dport: 1194, label: BENIGN,
        duration: longRng.int(600, 3600), period: 30, up: longRng.int(500, 6000), down: longRng.int(2000, 20000),
        firstUp: 1400, firstDown: 1200,
      }),
    );
  const long: Source = {
    tick(sec) {
      const l = longStarts.get(sec);
      if (!l) return;
      longStarts.delete(sec);
      for (const f of l) f(sec);
    },
  };

  // NTP: every workstation every ~1024 s, the NTP server to the public pool every 64 s
  const ntpRng = mk('ntp');
  const ntpDue = new Map<number, number[]>();
  const ntpAt = (sec: number, i: number) => {
    const l = ntpDue.get(sec);
    if (l) l.push(i);
    else ntpDue.set(sec, [i]);
  };
  ctx.workstations.forEach((_, i) => ntpAt(ntpRng.int(0, 1023), i));
  const ntp: Source = {
    tick(sec) {
      const l = ntpDue.get(sec);
      if (l) {
        ntpDue.delete(sec);
        for (const i of l) {
          sink.emit('udp', 'established', ctx.workstations[i].ip, 123, NTP, 123, 76, 76, BENIGN);
          ntpAt(sec + 1024 + ntpRng.int(-30, 30), i);
        }
      }
      if (sec % 64 === 17) sink.emit('udp', 'established', NTP, 123, PUBLIC_NTP[(sec >> 6) % PUBLIC_NTP.length], 123, 76, 76, BENIGN);
    },
  };

  const mcRng = mk('multicast');
  const multicast: Source = {
    tick() {
      const n = mcRng.poisson(MULTICAST_PER_HOST * ctx.workstations.length);
      for (let i = 0; i < n; i++) {
        const h = ctx.workstations[Math.floor(mcRng.float() * ctx.workstations.length)].ip;
        const u = mcRng.float();
        if (u < 0.45) sink.emit('udp', 'new', h, 5353, '224.0.0.251', 5353, mcRng.int(60, 400), 0, BENIGN);
        else if (u < 0.75) sink.emit('udp', 'new', h, mcRng.ephemeral(), '239.255.255.250', 1900, mcRng.int(120, 180), 0, BENIGN);
        else if (u < 0.9) {
          const bcast = h.replace(/\.\d+$/, '.255');
          sink.emit('udp', 'new', h, 137, bcast, 137, 78, 0, BENIGN);
        } else {
          sink.emit('udp', 'new', '0.0.0.0', 68, '255.255.255.255', 67, 328, 0, BENIGN);
          sink.emit('udp', 'new', GATEWAY, 67, '255.255.255.255', 68, 342, 0, BENIGN);
        }
      }
    },
  };

  return [long, dns, web, intranet, inbound, ntp, multicast];
}
