// The filter language as the analyst reads about it: every term with its syntax, meaning and an
// example, for the filter bar's help and completion. The engine's parser (src/engine/query/filter)
// is the language; a test checks that every keyword it knows is described here and that every
// example here parses.

export interface FilterTerm {
  /** Keyword(s) the term starts with, as completion offers them. */
  words: string[];
  syntax: string;
  meaning: string;
  example: string;
}

export const FILTER_TERMS: FilterTerm[] = [
  {
    words: ['ip', 'host'],
    syntax: '[src|dst] ip ADDR',
    meaning: 'either side (or src / dst) is the address; IPv4 or IPv6',
    example: 'src ip 10.0.0.5',
  },
  {
    words: ['net'],
    syntax: '[src|dst] net CIDR',
    meaning: 'address inside the network',
    example: 'not dst net 10.0.0.0/8',
  },
  {
    words: ['port'],
    syntax: '[src|dst] port N | N-M | > N',
    meaning: 'port, range or comparison (flows without ports never match)',
    example: 'dst port in [22 3389]',
  },
  {
    words: ['proto'],
    syntax: 'proto NAME|NUMBER',
    meaning: 'protocol: tcp, udp, icmp, icmp6 or a number',
    example: 'proto udp',
  },
  {
    words: ['state'],
    syntax: 'state WORD',
    meaning: 'normalised state: new, connecting, established, closing, closed, reset, other',
    example: 'state in [reset connecting]',
  },
  {
    words: ['flags'],
    syntax: 'flags UAPRSF | X',
    meaning:
      "TCP flags seen (all of those given; X = all); 'not flags AR' = none of them, as nfdump",
    example: 'flags S and not flags AFRPU',
  },
  {
    words: ['bytes'],
    syntax: '[src|dst] bytes OP N',
    meaning: 'bytes (src + dst when no side given); 1.5k, 10M',
    example: 'dst bytes > 1M',
  },
  {
    words: ['packets', 'pkts'],
    syntax: '[src|dst] packets OP N',
    meaning: 'packets (unknown counts never match)',
    example: 'packets < 3',
  },
  {
    words: ['duration'],
    syntax: 'duration OP MS',
    meaning: 'ts_end - ts in milliseconds, as nfdump; or 2s, 1.5m, 1h',
    example: 'duration > 60s',
  },
  {
    words: ['bpp'],
    syntax: 'bpp OP N',
    meaning: "bytes per packet of the source side (nfdump's in-bytes / in-packets)",
    example: 'bpp < 60',
  },
  {
    words: ['bps'],
    syntax: 'bps OP N',
    meaning: 'bits per second of the source side (0 for zero duration)',
    example: 'bps > 1M',
  },
  {
    words: ['pps'],
    syntax: 'pps OP N',
    meaning: 'packets per second of the source side (0 for zero duration)',
    example: 'pps > 100',
  },
  {
    words: ['time', 'ts'],
    syntax: 'time OP TIME',
    meaning: 'flow start, UTC unless a zone is given',
    example: 'time >= "2017-01-27 16:30"',
  },
  {
    words: ['label'],
    syntax: 'label = TEXT | ~ TEXT',
    meaning: "the data set's own label (~ contains, any case)",
    example: 'label ~ "botnet"',
  },
  {
    words: ['import'],
    syntax: 'import N',
    meaning: 'flows of one imported file',
    example: 'import in [1 2]',
  },
  {
    words: ['internal', 'public'],
    syntax: '[src|dst] internal | public',
    meaning: "address kind (the case's internal networks)",
    example: 'src internal and dst public',
  },
  {
    words: ['country'],
    syntax: '[src|dst] country CC',
    meaning:
      'country of the address (ISO code: CN, US, GB), offline GeoIP data; private and unknown addresses never match',
    example: 'dst country in [CN RU]',
  },
  {
    words: ['as'],
    syntax: '[src|dst] as N',
    meaning: 'autonomous system of the address (15169 or AS15169), offline ASN data',
    example: 'src as 15169',
  },
  {
    words: ['name'],
    syntax: '[src|dst] host name NAME | *.DOMAIN',
    meaning:
      "the address was named so by a DNS answer in the case's own data; *.example.com: example.com and every name under it",
    example: 'host name *.example.com',
  },
  { words: ['any'], syntax: 'any', meaning: 'every flow', example: 'any' },
];

/** Words that join terms (completion offers them too). */
export const FILTER_JOINERS = ['and', 'or', 'not', 'in', 'src', 'dst'];

export const FILTER_GRAMMAR = [
  'term and term · term or term · not term · ( ... ) — also && || !',
  'OP is = == != > >= < <= (= when left out)',
  'lists: port in [22 80 443], proto in [tcp udp] (commas optional)',
  'keywords in any case; strings in "double" or \'single\' quotes',
];

export const FILTER_EXAMPLES: { text: string; meaning: string }[] = [
  {
    text: 'src ip 10.0.0.5 and dst port in [22 3389] and not dst net 10.0.0.0/8',
    meaning: 'RDP and SSH from one host to outside the 10/8',
  },
  {
    text: 'flags S and not flags AFRPU',
    meaning: 'TCP flows that only ever sent SYN (scans, refused connections)',
  },
  { text: 'proto udp and dst port 53 and bytes > 10k', meaning: 'large DNS exchanges' },
  { text: 'duration > 1h and src internal and dst public', meaning: 'long outbound connections' },
  { text: 'bpp < 60 and pps > 100', meaning: 'floods of small packets' },
  {
    text: 'src internal and dst country in [CN RU KP] and not dst host name *.example.com',
    meaning: 'outbound to some countries, except to names of your own domain',
  },
];

/** Values completion offers after a keyword. */
export const FILTER_VALUES: Record<string, string[]> = {
  proto: ['tcp', 'udp', 'icmp', 'icmp6'],
  state: ['new', 'connecting', 'established', 'closing', 'closed', 'reset', 'other'],
  flags: ['S', 'A', 'SA', 'R', 'F', 'P', 'U', 'X'],
};
