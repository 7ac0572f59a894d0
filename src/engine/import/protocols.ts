// One protocol map for every importer. netsift stores the common IP protocols by name (tcp, udp,
// icmp, icmp6) and any other as its number's text or the lower-cased name the file gives (see
// types.ts, the proto column). Binary readers (pcap, NetFlow) map numbers with protoName; text
// formats map a column's numbers and spellings in SQL with protoSql.

/** Protocol numbers netsift stores by name. */
export const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'icmp6',
};

/** Other spellings files use for those protocols (lower case), by the name netsift stores. */
export const PROTO_ALIASES: Readonly<Record<string, string>> = {
  'ipv6-icmp': 'icmp6',
  icmpv6: 'icmp6',
  ipv6_icmp: 'icmp6',
};

/** The stored name of an IP protocol number: its name, or the number as text. */
export function protoName(p: number): string {
  return PROTO_NAMES[p] ?? String(p);
}

/** SQL: a protocol column (number or name, any case, spaces around) as netsift stores it. */
export function protoSql(x: string): string {
  const names = Object.entries(PROTO_NAMES).map(([n, name]) => `WHEN '${n}' THEN '${name}'`);
  const aliases = Object.entries(PROTO_ALIASES).map(([a, name]) => `WHEN '${a}' THEN '${name}'`);
  return `CASE lower(trim(${x})) ${[...names, ...aliases].join(' ')} ELSE lower(trim(${x})) END`;
}
