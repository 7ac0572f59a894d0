// The information elements the decoder reads (IANA IPFIX registry; NetFlow v9 field types 1-127
// share the numbers). Everything else is skipped by its length, so an exporter may send any field.

export const IE = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  /** v9 OUT_BYTES / OUT_PKTS: the reverse direction's counters, as nfdump reads them */
  postOctetDeltaCount: 23,
  postPacketDeltaCount: 24,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  icmpTypeCodeIPv4: 32,
  samplingInterval: 34,
  samplingAlgorithm: 35,
  samplerId: 48,
  samplerMode: 49,
  samplerRandomInterval: 50,
  octetTotalCount: 85,
  packetTotalCount: 86,
  icmpTypeCodeIPv6: 139,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  flowStartMicroseconds: 154,
  flowEndMicroseconds: 155,
  flowStartNanoseconds: 156,
  flowEndNanoseconds: 157,
  flowStartDeltaMicroseconds: 158,
  flowEndDeltaMicroseconds: 159,
  systemInitTimeMilliseconds: 160,
  flowDurationMilliseconds: 161,
  flowDurationMicroseconds: 162,
  icmpTypeIPv4: 176,
  icmpCodeIPv4: 177,
  icmpTypeIPv6: 178,
  icmpCodeIPv6: 179,
  initiatorOctets: 231,
  responderOctets: 232,
  initiatorPackets: 298,
  responderPackets: 299,
  selectorId: 302,
  selectorAlgorithm: 304,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
  samplingSize: 309,
  samplingPopulation: 310,
  samplingProbability: 311,
} as const;

/** RFC 5103: the reverse-direction twin of an element carries this private enterprise number. */
export const REVERSE_PEN = 29305;

/** IPFIX variable-length field marker (RFC 7011 section 7). */
export const VARIABLE_LENGTH = 65535;

const NAMES = new Map<number, string>(Object.entries(IE).map(([k, v]) => [v, k]));

/** "sourceIPv4Address (8)", "element 321", "enterprise 9/12 element" for messages. */
export function elementName(id: number, pen = 0): string {
  if (pen === REVERSE_PEN) return `reverse ${elementName(id)}`;
  if (pen) return `element ${id} of enterprise ${pen}`;
  const n = NAMES.get(id);
  return n ? `${n} (${id})` : `element ${id}`;
}

/**
 * Lengths an element may have where the decoder reads its value; a template giving another
 * length makes the template unusable (its records are rejected with the reason) instead of being
 * misread. Counters and identifiers may use reduced-size encoding (RFC 7011 section 6.2).
 */
export function allowedLengths(id: number): readonly number[] | null {
  switch (id) {
    case IE.sourceIPv4Address:
    case IE.destinationIPv4Address:
      return [4];
    case IE.sourceIPv6Address:
    case IE.destinationIPv6Address:
      return [16];
    case IE.sourceTransportPort:
    case IE.destinationTransportPort:
    case IE.icmpTypeCodeIPv4:
    case IE.icmpTypeCodeIPv6:
      return [2];
    case IE.protocolIdentifier:
    case IE.icmpTypeIPv4:
    case IE.icmpCodeIPv4:
    case IE.icmpTypeIPv6:
    case IE.icmpCodeIPv6:
      return [1];
    case IE.tcpControlBits:
      return [1, 2];
    case IE.flowStartSeconds:
    case IE.flowEndSeconds:
    case IE.flowStartSysUpTime:
    case IE.flowEndSysUpTime:
    case IE.flowStartDeltaMicroseconds:
    case IE.flowEndDeltaMicroseconds:
      return [4];
    case IE.flowStartMilliseconds:
    case IE.flowEndMilliseconds:
    case IE.flowStartMicroseconds:
    case IE.flowEndMicroseconds:
    case IE.flowStartNanoseconds:
    case IE.flowEndNanoseconds:
    case IE.systemInitTimeMilliseconds:
      return [8];
    case IE.samplingProbability:
      return [4, 8];
    case IE.octetDeltaCount:
    case IE.packetDeltaCount:
    case IE.octetTotalCount:
    case IE.packetTotalCount:
    case IE.postOctetDeltaCount:
    case IE.postPacketDeltaCount:
    case IE.initiatorOctets:
    case IE.responderOctets:
    case IE.initiatorPackets:
    case IE.responderPackets:
    case IE.samplingInterval:
    case IE.samplerRandomInterval:
    case IE.samplingPacketInterval:
    case IE.samplingPacketSpace:
    case IE.samplingSize:
    case IE.samplingPopulation:
    case IE.samplerId:
    case IE.selectorId:
    case IE.samplingAlgorithm:
    case IE.samplerMode:
    case IE.selectorAlgorithm:
    case IE.flowDurationMilliseconds:
    case IE.flowDurationMicroseconds:
      return [1, 2, 3, 4, 5, 6, 7, 8];
    default:
      return null;
  }
}
