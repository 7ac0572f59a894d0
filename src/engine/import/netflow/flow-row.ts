// A decoded NetFlow record in netsift's terms, the same way the nfdump importer reads nfcapd files
// of the same traffic (formats/nfdump.ts): protocol names, TCP flags as nfdump prints them
// ("...AP.SF") kept as the raw state, the state from the flags, ICMP type and code as the ports.
import type { DecodedFlow } from './types';

/** A protocol number as netsift stores it (the one map: ../protocols.ts). */
export { protoName as protoText } from '../protocols';

/** nfdump's flag string: C E U A P R S F, a dot for each flag not set. */
export function flagString(flags: number | null): string {
  const letters = 'CEUAPRSF';
  let s = '';
  for (let i = 0; i < 8; i++) s += (flags ?? 0) & (0x80 >> i) ? letters[i] : '.';
  return s;
}

/** netsift's state, by the nfdump importer's rules (unidirectional records). */
export function flowState(f: DecodedFlow): string {
  if (f.proto === 6) {
    const x = (f.tcpFlags ?? 0) | (f.revTcpFlags ?? 0);
    if (x & 0x04) return 'reset';
    if (x & 0x01) return 'closed';
    if (x & 0x02 && !(x & 0x10)) return 'connecting';
    if (x & 0x10) return 'established';
    return 'other';
  }
  return (f.revPkts ?? 0) > 0 ? 'established' : 'new';
}

/** Ports as the flows table keeps them: ICMP type and code for ICMP, like the other importers. */
export function flowPorts(f: DecodedFlow): [number | null, number | null] {
  if (f.proto === 1 || f.proto === 58) return [f.icmpType, f.icmpCode];
  return [f.srcPort, f.dstPort];
}
