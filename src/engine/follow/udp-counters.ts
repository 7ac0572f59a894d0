// The kernel's own counters for a UDP socket (Linux /proc/net/udp, udp6): datagrams dropped because
// the receive buffer was full, and bytes waiting in it. A listener that falls behind loses
// datagrams before any code of ours sees them; this is the only place that loss shows.
import fs from 'node:fs';

export interface UdpCounters {
  /** bytes queued in the receive buffer */
  rxQueue: number;
  /** datagrams the kernel dropped for this socket */
  drops: number;
}

/**
 * Counters of the UDP socket bound to `port` (summed if several sockets share it), or null where
 * the system does not expose them (not Linux) or no socket is bound there.
 */
export function udpCounters(port: number, family: 4 | 6): UdpCounters | null {
  let text: string;
  try {
    text = fs.readFileSync(family === 6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8');
  } catch {
    return null;
  }
  const want = port.toString(16).toUpperCase().padStart(4, '0');
  let found = false;
  const out: UdpCounters = { rxQueue: 0, drops: 0 };
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13) continue;
    const local = f[1];
    if (local.slice(local.lastIndexOf(':') + 1) !== want) continue;
    found = true;
    out.rxQueue += parseInt(f[4].split(':')[1] ?? '0', 16) || 0;
    out.drops += Number(f[f.length - 1]) || 0;
  }
  return found ? out : null;
}
