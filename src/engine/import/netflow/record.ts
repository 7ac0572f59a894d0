// One data record read through its template into plain values (NaN / null where the record has
// no such element). Unknown elements, other enterprises' elements and v9 options scope fields are
// skipped by their length; IPFIX variable-length fields by their length prefix.
import { IE, REVERSE_PEN, VARIABLE_LENGTH } from './elements';
import type { Template } from './template';
import { ipv6Num, readUint } from './wire';

/** Seconds between the NTP era (1900) and the Unix epoch. */
const NTP_EPOCH_OFFSET = 2208988800;

export interface RecordValues {
  src4: number;
  dst4: number;
  src6: bigint | null;
  dst6: bigint | null;
  srcPort: number;
  dstPort: number;
  proto: number;
  tcpFlags: number;
  revTcpFlags: number;
  icmpTypeCode: number;
  icmpType: number;
  icmpCode: number;
  bytes: number;
  pkts: number;
  totalBytes: number;
  totalPkts: number;
  revBytes: number;
  revPkts: number;
  /** absolute times, ms since the epoch */
  startMs: number;
  endMs: number;
  /** ms of system uptime (flowStartSysUpTime / flowEndSysUpTime) */
  startUptime: number;
  endUptime: number;
  /** microseconds before the export time */
  startDeltaUs: number;
  endDeltaUs: number;
  durationMs: number;
  samplingInterval: number;
  samplingAlgorithm: number;
  samplerId: number;
  samplerMode: number;
  samplerRandomInterval: number;
  selectorAlgorithm: number;
  packetInterval: number;
  packetSpace: number;
  samplingSize: number;
  samplingPopulation: number;
  samplingProbability: number;
  systemInitMs: number;
}

export function emptyValues(): RecordValues {
  return {
    src4: NaN,
    dst4: NaN,
    src6: null,
    dst6: null,
    srcPort: NaN,
    dstPort: NaN,
    proto: NaN,
    tcpFlags: NaN,
    revTcpFlags: NaN,
    icmpTypeCode: NaN,
    icmpType: NaN,
    icmpCode: NaN,
    bytes: NaN,
    pkts: NaN,
    totalBytes: NaN,
    totalPkts: NaN,
    revBytes: NaN,
    revPkts: NaN,
    startMs: NaN,
    endMs: NaN,
    startUptime: NaN,
    endUptime: NaN,
    startDeltaUs: NaN,
    endDeltaUs: NaN,
    durationMs: NaN,
    samplingInterval: NaN,
    samplingAlgorithm: NaN,
    samplerId: NaN,
    samplerMode: NaN,
    samplerRandomInterval: NaN,
    selectorAlgorithm: NaN,
    packetInterval: NaN,
    packetSpace: NaN,
    samplingSize: NaN,
    samplingPopulation: NaN,
    samplingProbability: NaN,
    systemInitMs: NaN,
  };
}

function ntpMs(buf: Buffer, off: number): number {
  const sec = buf.readUInt32BE(off);
  const frac = buf.readUInt32BE(off + 4);
  return (sec - NTP_EPOCH_OFFSET) * 1000 + (frac / 2 ** 32) * 1000;
}

function setValue(v: RecordValues, id: number, buf: Buffer, off: number, len: number): void {
  switch (id) {
    case IE.sourceIPv4Address:
      v.src4 = buf.readUInt32BE(off);
      return;
    case IE.destinationIPv4Address:
      v.dst4 = buf.readUInt32BE(off);
      return;
    case IE.sourceIPv6Address:
      v.src6 = ipv6Num(buf, off);
      return;
    case IE.destinationIPv6Address:
      v.dst6 = ipv6Num(buf, off);
      return;
    case IE.sourceTransportPort:
      v.srcPort = buf.readUInt16BE(off);
      return;
    case IE.destinationTransportPort:
      v.dstPort = buf.readUInt16BE(off);
      return;
    case IE.protocolIdentifier:
      v.proto = buf[off];
      return;
    case IE.tcpControlBits:
      // the 2-byte form (RFC 7125) keeps the classic flags in its low byte
      v.tcpFlags = buf[off + len - 1];
      return;
    case IE.icmpTypeCodeIPv4:
    case IE.icmpTypeCodeIPv6:
      v.icmpTypeCode = buf.readUInt16BE(off);
      return;
    case IE.icmpTypeIPv4:
    case IE.icmpTypeIPv6:
      v.icmpType = buf[off];
      return;
    case IE.icmpCodeIPv4:
    case IE.icmpCodeIPv6:
      v.icmpCode = buf[off];
      return;
    case IE.octetDeltaCount:
    case IE.initiatorOctets:
      v.bytes = readUint(buf, off, len);
      return;
    case IE.packetDeltaCount:
    case IE.initiatorPackets:
      v.pkts = readUint(buf, off, len);
      return;
    case IE.octetTotalCount:
      v.totalBytes = readUint(buf, off, len);
      return;
    case IE.packetTotalCount:
      v.totalPkts = readUint(buf, off, len);
      return;
    case IE.postOctetDeltaCount:
    case IE.responderOctets:
      v.revBytes = readUint(buf, off, len);
      return;
    case IE.postPacketDeltaCount:
    case IE.responderPackets:
      v.revPkts = readUint(buf, off, len);
      return;
    case IE.flowStartSeconds:
      v.startMs = buf.readUInt32BE(off) * 1000;
      return;
    case IE.flowEndSeconds:
      v.endMs = buf.readUInt32BE(off) * 1000;
      return;
    case IE.flowStartMilliseconds:
      v.startMs = readUint(buf, off, 8);
      return;
    case IE.flowEndMilliseconds:
      v.endMs = readUint(buf, off, 8);
      return;
    case IE.flowStartMicroseconds:
    case IE.flowStartNanoseconds:
      v.startMs = ntpMs(buf, off);
      return;
    case IE.flowEndMicroseconds:
    case IE.flowEndNanoseconds:
      v.endMs = ntpMs(buf, off);
      return;
    case IE.flowStartSysUpTime:
      v.startUptime = buf.readUInt32BE(off);
      return;
    case IE.flowEndSysUpTime:
      v.endUptime = buf.readUInt32BE(off);
      return;
    case IE.flowStartDeltaMicroseconds:
      v.startDeltaUs = buf.readUInt32BE(off);
      return;
    case IE.flowEndDeltaMicroseconds:
      v.endDeltaUs = buf.readUInt32BE(off);
      return;
    case IE.flowDurationMilliseconds:
      v.durationMs = readUint(buf, off, len);
      return;
    case IE.flowDurationMicroseconds:
      v.durationMs = readUint(buf, off, len) / 1000;
      return;
    case IE.systemInitTimeMilliseconds:
      v.systemInitMs = readUint(buf, off, 8);
      return;
    case IE.samplingInterval:
      v.samplingInterval = readUint(buf, off, len);
      return;
    case IE.samplingAlgorithm:
      v.samplingAlgorithm = readUint(buf, off, len);
      return;
    case IE.samplerId:
    case IE.selectorId:
      v.samplerId = readUint(buf, off, len);
      return;
    case IE.samplerMode:
      v.samplerMode = readUint(buf, off, len);
      return;
    case IE.samplerRandomInterval:
      v.samplerRandomInterval = readUint(buf, off, len);
      return;
    case IE.selectorAlgorithm:
      v.selectorAlgorithm = readUint(buf, off, len);
      return;
    case IE.samplingPacketInterval:
      v.packetInterval = readUint(buf, off, len);
      return;
    case IE.samplingPacketSpace:
      v.packetSpace = readUint(buf, off, len);
      return;
    case IE.samplingSize:
      v.samplingSize = readUint(buf, off, len);
      return;
    case IE.samplingPopulation:
      v.samplingPopulation = readUint(buf, off, len);
      return;
    case IE.samplingProbability:
      v.samplingProbability = len === 4 ? buf.readFloatBE(off) : buf.readDoubleBE(off);
      return;
  }
}

function setReverse(v: RecordValues, id: number, buf: Buffer, off: number, len: number): void {
  if (id === IE.octetDeltaCount || id === IE.octetTotalCount) v.revBytes = readUint(buf, off, len);
  else if (id === IE.packetDeltaCount || id === IE.packetTotalCount)
    v.revPkts = readUint(buf, off, len);
  else if (id === IE.tcpControlBits) v.revTcpFlags = buf[off + len - 1];
}

/**
 * Reads one record of `t` starting at `off` (the record must end by `end`) into v (v null: only
 * find where it ends); returns the offset after it, or -1 when a field runs past `end` (only
 * variable-length fields can).
 */
export function readRecord(
  buf: Buffer,
  off: number,
  end: number,
  t: Template,
  ipfix: boolean,
  v: RecordValues | null,
): number {
  let p = off;
  for (const f of t.fields) {
    let len = f.length;
    if (ipfix && len === VARIABLE_LENGTH) {
      if (p >= end) return -1;
      len = buf[p++];
      if (len === 255) {
        if (end - p < 2) return -1;
        len = buf.readUInt16BE(p);
        p += 2;
      }
    }
    if (end - p < len) return -1;
    if (v && f.id >= 0) {
      if (f.pen === 0) setValue(v, f.id, buf, p, len);
      else if (f.pen === REVERSE_PEN) setReverse(v, f.id, buf, p, len);
    }
    p += len;
  }
  return p;
}
