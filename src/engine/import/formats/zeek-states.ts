// Zeek conn_state -> netsift's normalised states (see Zeek's conn.log documentation for the codes).
// UDP/ICMP have no handshake: Zeek's SF/S1 there mean "both directions seen", which netsift calls
// established, and S0 (nothing back) is new rather than connecting.

export const ZEEK_TCP_STATES: Record<string, string> = {
  S0: 'connecting', // SYN seen, no reply
  S1: 'established', // established, not terminated
  SF: 'closed', // normal establishment and termination
  REJ: 'reset', // attempt rejected
  S2: 'closing', // established, close attempt by originator only
  S3: 'closing', // established, close attempt by responder only
  RSTO: 'reset',
  RSTR: 'reset',
  RSTOS0: 'reset',
  RSTRH: 'reset',
  SH: 'closing', // originator sent SYN then FIN, no SYN-ACK
  SHR: 'closing', // responder sent SYN-ACK then FIN, no originator SYN
  OTH: 'other', // no SYN seen, midstream traffic
};

/** SQL CASE mapping a conn_state expression (with the proto name expression) to a netsift state. */
export function zeekStateSql(state: string, proto: string): string {
  const arms = Object.entries(ZEEK_TCP_STATES)
    .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
    .join(' ');
  // CASE arms, not IN lists: DuckDB turns an IN list of a few constants into a join, and a join
  // costs the import its fast, order-keeping plan (delimited-lines.ts, planHasJoin)
  const when = (states: string[], to: string) =>
    states.map((k) => `WHEN '${k}' THEN '${to}'`).join(' ');
  return `CASE WHEN ${proto} <> 'tcp' THEN (CASE ${state} ${when(['SF', 'S1', 'S2', 'S3'], 'established')}
      WHEN 'S0' THEN 'new' ${when(['REJ', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH'], 'reset')} ELSE 'other' END)
    ELSE (CASE ${state} ${arms} ELSE 'other' END) END`;
}
