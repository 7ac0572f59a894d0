// Turns decoded packets into bidirectional flows keyed by the 5-tuple. The initiator is the first
// packet's source, or the SYN sender when the first packet seen is a SYN-ACK. Flows end on an idle
// timeout (no packet for `idleTcp`/`idleOther` µs), an active timeout (a long flow is cut into
// records every `active` µs, like NetFlow), or a new SYN on a finished TCP connection.
import { bigIntToIp } from '../../../util/ip';
import type { Decoded } from './packet-decoder';

export interface FlowTimeouts {
  /** idle timeout for TCP, seconds (Argus' TCP timeout: 60) */
  idleTcp: number;
  /** idle timeout for UDP, ICMP and others, seconds (Argus' IP timeout: 30) */
  idleOther: number;
  /** active timeout, seconds: a flow longer than this is written and continued in a new record */
  active: number;
}

export const DEFAULT_TIMEOUTS: FlowTimeouts = { idleTcp: 60, idleOther: 30, active: 300 };

export interface PcapFlow {
  key: string;
  /** packet number (1-based) of the flow's first packet: the record number in stage_flows */
  line: number;
  first: number;
  last: number;
  proto: number;
  ipver: number;
  /** initiator (src) and responder (dst) */
  src4: number;
  dst4: number;
  src6: string;
  dst6: string;
  sport: number;
  dport: number;
  /** whether the initiator is the endpoint that sorts first in the key */
  initLo: boolean;
  fwdPkts: number;
  revPkts: number;
  fwdBytes: number;
  revBytes: number;
  fwdFlags: number;
  revFlags: number;
  fwdData: boolean;
  revData: boolean;
  icmpType: number;
  icmpCode: number;
}

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

export class FlowTable {
  readonly flows = new Map<string, PcapFlow>();
  /** finished flows waiting to be written */
  out: PcapFlow[] = [];
  /** later IP fragments (no ports) whose first fragment we never saw */
  orphanFragments = 0;
  private readonly frags = new Map<string, { flow: PcapFlow; ts: number }>();
  private readonly idleTcp: number;
  private readonly idleOther: number;
  private readonly active: number;
  private nextScan = 0;
  private lastTs = 0;

  constructor(t: FlowTimeouts = DEFAULT_TIMEOUTS) {
    this.idleTcp = t.idleTcp * 1e6;
    this.idleOther = t.idleOther * 1e6;
    this.active = t.active * 1e6;
  }

  /**
   * Adds one decoded packet (number `pktNo`, time `ts` µs); returns the flow it went to (the
   * packet export follows packets to flows with it), undefined for an orphan fragment.
   */
  add(d: Decoded, ts: number, pktNo: number): PcapFlow | undefined {
    if (Number.isNaN(ts)) ts = this.lastTs;
    else this.lastTs = ts;
    const v4 = d.ipver === 4;
    if (d.fragLater) {
      const fk = v4
        ? `${d.proto}|${d.src4}|${d.dst4}|${d.fragId}`
        : `${d.proto}|${d.src6}|${d.dst6}|${d.fragId}`;
      const fr = this.frags.get(fk);
      if (!fr) {
        this.orphanFragments++;
        return undefined;
      }
      const f = fr.flow;
      const fwd = v4 ? f.src4 === d.src4 : f.src6 === d.src6;
      if (fwd) {
        f.fwdPkts++;
        f.fwdBytes += d.ipLen;
      } else {
        f.revPkts++;
        f.revBytes += d.ipLen;
      }
      if (ts > f.last) f.last = ts;
      return f;
    }
    let srcLo: boolean;
    let key: string;
    if (v4) {
      srcLo = d.src4 < d.dst4 || (d.src4 === d.dst4 && d.sport <= d.dport);
      key = srcLo
        ? `${d.proto}|${d.src4}|${d.sport}|${d.dst4}|${d.dport}`
        : `${d.proto}|${d.dst4}|${d.dport}|${d.src4}|${d.sport}`;
    } else {
      srcLo = d.src6 < d.dst6 || (d.src6 === d.dst6 && d.sport <= d.dport);
      key = srcLo
        ? `${d.proto}|${d.src6}|${d.sport}|${d.dst6}|${d.dport}`
        : `${d.proto}|${d.dst6}|${d.dport}|${d.src6}|${d.sport}`;
    }
    let f = this.flows.get(key);
    if (f) {
      const idle = d.proto === 6 ? this.idleTcp : this.idleOther;
      const fl = d.flags;
      const restart =
        d.proto === 6 &&
        (fl & (SYN | ACK)) === SYN &&
        (((f.fwdFlags | f.revFlags) & RST) !== 0 || (f.fwdFlags & f.revFlags & FIN) !== 0);
      if (ts - f.last > idle || restart) {
        this.emit(f);
        f = undefined;
      } else if (ts - f.first > this.active) {
        // active timeout: write what we have and continue with the same initiator
        this.emit(f);
        const g = this.create(d, key, ts, pktNo, srcLo);
        if (g.initLo !== f.initLo) flip(g, f);
        f = g;
      }
    }
    if (!f) f = this.create(d, key, ts, pktNo, srcLo);
    if (ts > f.last) f.last = ts;
    else if (ts < f.first) f.first = ts;
    if (srcLo === f.initLo) {
      f.fwdPkts++;
      f.fwdBytes += d.ipLen;
      f.fwdFlags |= d.flags;
      if (d.payload > 0) f.fwdData = true;
    } else {
      f.revPkts++;
      f.revBytes += d.ipLen;
      f.revFlags |= d.flags;
      if (d.payload > 0) f.revData = true;
    }
    if (d.fragFirst) {
      const fk = v4
        ? `${d.proto}|${d.src4}|${d.dst4}|${d.fragId}`
        : `${d.proto}|${d.src6}|${d.dst6}|${d.fragId}`;
      this.frags.set(fk, { flow: f, ts });
    }
    if (ts >= this.nextScan) this.scan(ts);
    return f;
  }

  /** Writes every flow still open (end of capture). */
  finish(): void {
    for (const f of this.flows.values()) this.out.push(f);
    this.flows.clear();
    this.frags.clear();
  }

  private create(d: Decoded, key: string, ts: number, pktNo: number, srcLo: boolean): PcapFlow {
    // a SYN-ACK first means we missed the SYN: the receiver of the SYN-ACK initiated
    const rev = d.proto === 6 && (d.flags & (SYN | ACK)) === (SYN | ACK);
    const f: PcapFlow = {
      key,
      line: pktNo,
      first: ts,
      last: ts,
      proto: d.proto,
      ipver: d.ipver,
      src4: rev ? d.dst4 : d.src4,
      dst4: rev ? d.src4 : d.dst4,
      src6: rev ? d.dst6 : d.src6,
      dst6: rev ? d.src6 : d.dst6,
      sport: rev ? d.dport : d.sport,
      dport: rev ? d.sport : d.dport,
      initLo: rev ? !srcLo : srcLo,
      fwdPkts: 0,
      revPkts: 0,
      fwdBytes: 0,
      revBytes: 0,
      fwdFlags: 0,
      revFlags: 0,
      fwdData: false,
      revData: false,
      icmpType: d.icmpType,
      icmpCode: d.icmpCode,
    };
    this.flows.set(key, f);
    return f;
  }

  private emit(f: PcapFlow): void {
    this.flows.delete(f.key);
    this.out.push(f);
  }

  /** Writes flows idle for longer than their timeout; runs every 10 s of capture time. */
  private scan(now: number): void {
    this.nextScan = now + 10e6;
    for (const f of this.flows.values()) {
      const idle = f.proto === 6 ? this.idleTcp : this.idleOther;
      if (now - f.last > idle) this.emit(f);
    }
    for (const [k, v] of this.frags) if (now - v.ts > 30e6) this.frags.delete(k);
  }
}

function flip(g: PcapFlow, like: PcapFlow): void {
  g.initLo = like.initLo;
  g.src4 = like.src4;
  g.dst4 = like.dst4;
  g.src6 = like.src6;
  g.dst6 = like.dst6;
  g.sport = like.sport;
  g.dport = like.dport;
}

function flagLetters(x: number): string {
  let s = '';
  if (x & FIN) s += 'F';
  if (x & SYN) s += 'S';
  if (x & RST) s += 'R';
  if (x & 0x08) s += 'P';
  if (x & ACK) s += 'A';
  if (x & 0x20) s += 'U';
  if (x & 0x40) s += 'E';
  if (x & 0x80) s += 'C';
  return s;
}

/** Normalised state and the raw state text (TCP: flags seen each way, Argus style "FSPA_FSPA"). */
export function flowState(f: PcapFlow): { state: string; raw: string } {
  if (f.proto !== 6)
    return f.revPkts > 0 ? { state: 'established', raw: 'CON' } : { state: 'new', raw: 'INT' };
  const raw = `${flagLetters(f.fwdFlags)}_${flagLetters(f.revFlags)}`;
  const all = f.fwdFlags | f.revFlags;
  if (all & RST) return { state: 'reset', raw };
  if (f.fwdFlags & f.revFlags & FIN) return { state: 'closed', raw };
  if (all & FIN) return { state: 'closing', raw };
  if (f.revPkts === 0) return { state: f.fwdFlags & SYN ? 'connecting' : 'other', raw };
  return { state: 'established', raw };
}

export function ipText(ipver: number, v4: number, v6: string): string {
  if (ipver === 4) return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
  return bigIntToIp(BigInt(`0x${v6}`));
}

/** Ports as written: TCP/UDP/SCTP ports, ICMP type and code (like Zeek), none otherwise. */
export function flowPorts(f: PcapFlow): [number | null, number | null] {
  if (f.proto === 1 || f.proto === 58) return [f.icmpType, f.icmpCode];
  if (f.proto === 6 || f.proto === 17 || f.proto === 132 || f.proto === 136)
    return [f.sport, f.dport];
  return [null, null];
}
