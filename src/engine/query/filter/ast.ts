// Parsed filter expressions. Leaves carry the already-validated values (numeric address ranges,
// ports, normalised timestamps) so the compiler only has to write SQL.
export type Dir = 'src' | 'dst' | 'any';
export type CmpOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

export interface Span {
  offset: number;
  length: number;
}

/** An inclusive numeric range (ports, addresses). */
export interface NumRange {
  lo: bigint;
  hi: bigint;
}

export type FilterNode =
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'any' }
  /** Address in one of the ranges (a single IP is a range of one). */
  | { kind: 'addr'; dir: Dir; ranges: NumRange[] }
  /** Port in one of the inclusive ranges. */
  | { kind: 'port'; dir: Dir; ranges: { lo: number; hi: number }[] }
  | { kind: 'port-cmp'; dir: Dir; op: CmpOp; value: number }
  | { kind: 'proto'; values: string[] }
  | { kind: 'state'; values: string[] }
  /** dir 'any' means src + dst summed. */
  | { kind: 'bytes'; dir: Dir; op: CmpOp; value: number }
  | { kind: 'packets'; dir: Dir; op: CmpOp; value: number }
  /** Milliseconds (ts_end - ts), nfdump's unit. */
  | { kind: 'duration'; op: CmpOp; value: number }
  /**
   * TCP flags as nfdump tests them: `flags SA` holds when every given flag was seen ('all');
   * `not flags AR` when none of them was ('none'), so `flags S and not flags AFRPU` is SYN only.
   * `mask` holds the letters of UAPRSF.
   */
  | { kind: 'flags'; mask: string; mode: 'all' | 'none' }
  /**
   * nfdump's computed rates, in its integer arithmetic over the forward direction (src bytes and
   * packets): bpp = bytes/packets, bps = 8*bytes/duration, pps = packets/duration (0 when the
   * duration is 0).
   */
  | { kind: 'rate'; what: 'bpp' | 'bps' | 'pps'; op: CmpOp; value: number }
  | { kind: 'time'; op: CmpOp; value: string }
  | { kind: 'label'; op: '=' | '!=' | '~'; value: string }
  | { kind: 'import'; values: number[] }
  | { kind: 'host-kind'; dir: Dir; which: 'internal' | 'public' }
  /**
   * Country (ISO 3166 code, upper case) or AS number of the address, as the case's address
   * context (geo_addrs) has it; addresses the data does not know never match.
   */
  | { kind: 'geo'; dir: Dir; field: 'country' | 'asn'; values: (string | number)[] }
  /**
   * The address was ever named so by a DNS answer seen in the case (dns_names); `suffix` also
   * takes every name under it (`*.example.com`: example.com and www.example.com).
   */
  | { kind: 'host-name'; dir: Dir; names: { name: string; suffix: boolean }[] };
