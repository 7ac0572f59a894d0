// A data record's values -> a flow: addresses, protocol, counters scaled by the sampling rate,
// and times from whichever clock the record used (absolute, uptime-based, delta to export).
import type { RecordValues } from './record';
import { samplingOf } from './sampling';
import type { Session } from './session';
import type { DecodedFlow, SamplingInfo } from './types';
import { ipv4Num, ipv4Text, ipv6Text } from './wire';

export interface BuildContext {
  session: Session;
  datagram: number;
  /** the export header's time, ms since the epoch */
  exportMs: number;
  /** v9 header sysUptime (ms); NaN for IPFIX (uptime times need the options' init time) */
  sysUptime: number;
  /** rate for exporters that announce none (--sampling); null: counts as sent */
  fallback: SamplingInfo | null;
}

const has = (x: number) => !Number.isNaN(x);
/** JavaScript's Date range (about 275,000 years either side of 1970), inside DuckDB's. */
const inRange = (ms: number) => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

/** ms since the epoch of an uptime reading, given the uptime at a known wall-clock moment. */
function fromUptime(ctx: BuildContext, uptime: number): number {
  if (has(ctx.sysUptime)) return ctx.exportMs - ((ctx.sysUptime - uptime) | 0);
  const init = ctx.session.initTimeMs;
  return Number.isFinite(init) ? init + uptime : NaN;
}

function address(v4: number, v6: bigint | null): { text: string; num: bigint } | null {
  if (has(v4)) return { text: ipv4Text(v4), num: ipv4Num(v4) };
  if (v6 !== null) return { text: ipv6Text(v6), num: v6 };
  return null;
}

function scale(x: number, rate: number): number {
  return rate === 1 ? x : Math.round(x * rate);
}

/** The flow, or the reason the record is not one. */
export function buildFlow(v: RecordValues, ctx: BuildContext): DecodedFlow | string {
  const src = address(v.src4, v.src6);
  if (!src) return 'no source address (sourceIPv4Address or sourceIPv6Address)';
  const dst = address(v.dst4, v.dst6);
  if (!dst) return 'no destination address (destinationIPv4Address or destinationIPv6Address)';
  if (!has(v.proto)) return 'no protocolIdentifier';
  const bytes = has(v.bytes) ? v.bytes : v.totalBytes;
  if (!has(bytes)) return 'no octet count (octetDeltaCount or octetTotalCount)';
  const pkts = has(v.pkts) ? v.pkts : has(v.totalPkts) ? v.totalPkts : null;
  const revBytes = has(v.revBytes) ? v.revBytes : 0;
  const revPkts = has(v.revPkts) ? v.revPkts : null;

  // a rate in the flow record itself (some exporters put samplingInterval in data templates)
  const own = samplingOf(v, 'flow record');
  let sampling = own ?? ctx.session.rateFor(v.samplerId);
  if (!sampling) {
    ctx.session.stats.flowsBeforeSampling++;
    sampling = ctx.fallback;
  }
  const rate = sampling?.rate ?? 1;
  const counts = [bytes, pkts, revBytes, revPkts].map((c) => (c === null ? c : scale(c, rate)));
  if (counts.some((c) => c !== null && !Number.isSafeInteger(c)))
    return `a counter (${bytes} bytes, ${pkts ?? 'no'} packets${rate !== 1 ? `, x${rate} sampling` : ''}) is beyond what netsift stores exactly (2^53)`;

  let ts = has(v.startMs) ? v.startMs : NaN;
  if (!has(ts) && has(v.startUptime)) ts = fromUptime(ctx, v.startUptime);
  if (!has(ts) && has(v.startDeltaUs)) ts = ctx.exportMs - v.startDeltaUs / 1000;
  let tsEnd = has(v.endMs) ? v.endMs : NaN;
  if (!has(tsEnd) && has(v.endUptime)) tsEnd = fromUptime(ctx, v.endUptime);
  if (!has(tsEnd) && has(v.endDeltaUs)) tsEnd = ctx.exportMs - v.endDeltaUs / 1000;
  if (!has(ts) && has(tsEnd) && has(v.durationMs)) ts = tsEnd - v.durationMs;
  if (!has(ts)) {
    ts = ctx.exportMs;
    ctx.session.stats.flowsTimedByHeader++;
  }
  if (!has(tsEnd) && has(v.durationMs)) tsEnd = ts + v.durationMs;
  if (!inRange(ts)) return `flow start time ${ts} ms is not a time netsift can store`;
  if (has(tsEnd) && !inRange(tsEnd))
    return `flow end time ${tsEnd} ms is not a time netsift can store`;

  let icmpType: number | null = null;
  let icmpCode: number | null = null;
  if (v.proto === 1 || v.proto === 58) {
    // exporters put ICMP type and code in icmpTypeCode*, icmpType/Code*, or the destination port
    const tc = has(v.icmpTypeCode) ? v.icmpTypeCode : has(v.dstPort) ? v.dstPort : NaN;
    icmpType = has(v.icmpType) ? v.icmpType : has(tc) ? tc >> 8 : null;
    icmpCode = has(v.icmpCode) ? v.icmpCode : has(tc) ? tc & 255 : null;
  }
  return {
    datagram: ctx.datagram,
    ts,
    tsEnd: has(tsEnd) ? tsEnd : null,
    proto: v.proto,
    srcIp: src.text,
    dstIp: dst.text,
    srcNum: src.num,
    dstNum: dst.num,
    srcPort: has(v.srcPort) ? v.srcPort : null,
    dstPort: has(v.dstPort) ? v.dstPort : null,
    icmpType,
    icmpCode,
    bytes: counts[0]!,
    pkts: counts[1],
    revBytes: counts[2]!,
    revPkts: counts[3],
    tcpFlags: has(v.tcpFlags) ? v.tcpFlags : null,
    revTcpFlags: has(v.revTcpFlags) ? v.revTcpFlags : null,
    rate,
  };
}
