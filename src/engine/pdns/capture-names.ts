// Passive DNS from a capture: a second pass over an imported pcap/pcapng (the import's own pass
// stays as fast as it was) reading DNS responses in UDP payloads from port 53, plus mDNS (5353)
// and LLMNR (5355) answers, which name hosts of the local network. A/AAAA answers name their
// address (and, through a CNAME chain, the queried name too, with `via` the name that held the
// record); PTR answers name the address of their reverse name. DNS over TCP is not decoded.
import fs from 'node:fs';
import { readCapture } from '../import/formats/pcap/capture-reader';
import { decodePacket, newDecoded } from '../import/formats/pcap/packet-decoder';
import { DNS_TYPES, decodeDns, type DnsMessage } from './dns-message';
import { NameCollector, canonicalAddr, normName, reverseNameAddr } from './name-collector';

const DNS_PORTS = new Set([53, 5353, 5355]);

export interface CaptureNamesResult {
  names: NameCollector;
  responses: number;
  /** Responses cut short (snaplen, truncation, corruption): their first records were kept. */
  truncated: number;
  packets: number;
}

/** Adds the names one response gives. */
export function collectMessage(names: NameCollector, m: DnsMessage, ts: number): void {
  if (!m.response || m.rcode !== 0) return;
  const qname = m.questions[0]?.name ?? null;
  const cname = m.answers.some((a) => a.type === DNS_TYPES.CNAME);
  for (const a of m.answers) {
    if (a.type === DNS_TYPES.A || a.type === DNS_TYPES.AAAA) {
      const addr = canonicalAddr(a.data);
      if (!addr) continue;
      const rtype = a.type === DNS_TYPES.A ? 'A' : 'AAAA';
      names.add(a.name, addr, rtype, null, ts, a.ttl);
      if (qname && cname && normName(qname) !== normName(a.name))
        names.add(qname, addr, rtype, a.name, ts, a.ttl);
    } else if (a.type === DNS_TYPES.PTR) {
      const addr = reverseNameAddr(a.name);
      if (addr) names.add(a.data, addr, 'PTR', null, ts, a.ttl);
    }
  }
}

export async function captureNames(
  file: string,
  onChunk: (bytesDone: number) => void = () => undefined,
): Promise<CaptureNamesResult> {
  const names = new NameCollector();
  const d = newDecoded();
  let responses = 0;
  let truncated = 0;
  let lastTs = 0;
  const fh = await fs.promises.open(file, 'r');
  let packets = 0;
  try {
    const stats = await readCapture(
      fh,
      file,
      (ts, buf, off, cap, _orig, lt) => {
        if (Number.isNaN(ts)) ts = lastTs;
        else lastTs = ts;
        if (!decodePacket(d, buf, off, cap, lt) || d.proto !== 17 || !d.hasPorts) return;
        if (!DNS_PORTS.has(d.sport)) return;
        const start = d.l4 + 8;
        const len = Math.min(d.payload, off + cap - start);
        if (len < 12) return;
        const m = decodeDns(buf, start, len);
        if (!m || !m.response) return;
        responses++;
        if (m.truncated) truncated++;
        collectMessage(names, m, ts);
      },
      (done) => onChunk(done),
    );
    packets = stats.packets;
  } finally {
    await fh.close();
  }
  return { names, responses, truncated, packets };
}
