// IP addresses as numbers. One 128-bit space for both families: IPv4 is stored IPv4-mapped
// (::ffff:a.b.c.d), so a single range table and a single UHUGEINT column match v4 and v6 alike.

export const V4_MAPPED_BASE = 0xffff00000000n;
const MAX128 = (1n << 128n) - 1n;

const V4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function parseIpv4(s: string): number | null {
  if (!V4_RE.test(s)) return null;
  const p = s.split('.');
  return ((+p[0] << 24) >>> 0) + (+p[1] << 16) + (+p[2] << 8) + +p[3];
}

/** Parses an IPv6 address (with `::`, embedded IPv4, optional `%zone` dropped) to a bigint. */
export function parseIpv6(input: string): bigint | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length < 2 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** Numeric form of any address (IPv4 mapped into ::ffff:0:0/96), or null when invalid. */
export function ipToBigInt(s: string): bigint | null {
  const v4 = parseIpv4(s);
  if (v4 !== null) return V4_MAPPED_BASE + BigInt(v4);
  return s.includes(':') ? parseIpv6(s) : null;
}

export function isV4Mapped(n: bigint): boolean {
  return n >= V4_MAPPED_BASE && n <= V4_MAPPED_BASE + 0xffffffffn;
}

export function bigIntToIp(n: bigint): string {
  if (isV4Mapped(n)) {
    const v = Number(n - V4_MAPPED_BASE);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface IpRange {
  lo: bigint;
  hi: bigint;
  /** Prefix length in the 128-bit space. */
  prefix: number;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, `v6` or `v6/n` into an inclusive numeric range. */
export function parseCidr(s: string): IpRange | null {
  const slash = s.indexOf('/');
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const n = ipToBigInt(addr);
  if (n === null) return null;
  const v4 = isV4Mapped(n) && !addr.includes(':');
  const maxLen = v4 ? 32 : 128;
  let len = maxLen;
  if (slash >= 0) {
    const t = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(t)) return null;
    len = Number(t);
    if (len > maxLen) return null;
  }
  const prefix = v4 ? 96 + len : len;
  const hostBits = BigInt(128 - prefix);
  const mask = hostBits === 0n ? 0n : (1n << hostBits) - 1n;
  const lo = n & (MAX128 ^ mask);
  return { lo, hi: lo | mask, prefix };
}

export function rangeToString(r: IpRange): string {
  const v4 = isV4Mapped(r.lo) && r.prefix >= 96;
  return `${bigIntToIp(r.lo)}/${v4 ? r.prefix - 96 : r.prefix}`;
}

/**
 * Special-purpose space (RFC 6890 and friends): never "the internet". Used to classify hosts and
 * to guard blacklists against entries such as 10.0.0.0/8.
 */
export const SPECIAL_RANGES: { cidr: string; kind: string }[] = [
  { cidr: '0.0.0.0/8', kind: 'this-network' },
  { cidr: '10.0.0.0/8', kind: 'private' },
  { cidr: '100.64.0.0/10', kind: 'shared-cgn' },
  { cidr: '127.0.0.0/8', kind: 'loopback' },
  { cidr: '169.254.0.0/16', kind: 'link-local' },
  { cidr: '172.16.0.0/12', kind: 'private' },
  { cidr: '192.0.0.0/24', kind: 'reserved' },
  { cidr: '192.0.2.0/24', kind: 'documentation' },
  { cidr: '192.168.0.0/16', kind: 'private' },
  { cidr: '198.18.0.0/15', kind: 'benchmarking' },
  { cidr: '198.51.100.0/24', kind: 'documentation' },
  { cidr: '203.0.113.0/24', kind: 'documentation' },
  { cidr: '224.0.0.0/4', kind: 'multicast' },
  // broadcast before 240/4: the first matching range names the kind
  { cidr: '255.255.255.255/32', kind: 'broadcast' },
  { cidr: '240.0.0.0/4', kind: 'reserved' },
  { cidr: '::/128', kind: 'unspecified' },
  { cidr: '::1/128', kind: 'loopback' },
  { cidr: '64:ff9b::/96', kind: 'nat64' },
  { cidr: '100::/64', kind: 'discard' },
  { cidr: '2001:db8::/32', kind: 'documentation' },
  { cidr: 'fc00::/7', kind: 'private' },
  { cidr: 'fe80::/10', kind: 'link-local' },
  { cidr: 'ff00::/8', kind: 'multicast' },
];

/** The analyst's internal networks unless they set their own: RFC 1918 + RFC 4193. */
export const DEFAULT_INTERNAL_NETWORKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

const specialParsed = SPECIAL_RANGES.map((r) => ({ ...r, range: parseCidr(r.cidr)! }));

/** Kind of special space the address is in ('private', 'loopback', ...) or null for public. */
export function specialKind(ip: string | bigint): string | null {
  const n = typeof ip === 'bigint' ? ip : ipToBigInt(ip);
  if (n === null) return null;
  for (const r of specialParsed) if (n >= r.range.lo && n <= r.range.hi) return r.kind;
  return null;
}

export function inRanges(ip: string | bigint, ranges: IpRange[]): boolean {
  const n = typeof ip === 'bigint' ? ip : ipToBigInt(ip);
  if (n === null) return false;
  return ranges.some((r) => n >= r.lo && n <= r.hi);
}

/**
 * The one address-class rule every detector, the host marks and the report use:
 * - 'non-host': multicast, broadcast (255.255.255.255 and x.x.x.255, the broadcast address of a
 *   /24) and the unspecified address (0.0.0.0, ::): nobody's service and nobody's client;
 * - 'internal': in the case's internal networks (the site model), whatever range that is (a lab
 *   on 127.0.0.0/8 or 198.18.0.0/15 is internal once the analyst says so);
 * - 'external': everything else, special ranges included (a reserved or documentation address
 *   that is not the site's own is outside, as far as the site is concerned).
 * The SQL side is the macro ip_class(num) (src/engine/store/macros.ts), built from the same lists.
 */
export type AddressClass = 'internal' | 'external' | 'non-host';

/** Ranges that never hold a host (the /24 broadcast rule is separate: see isNonHost). */
export const NON_HOST_RANGES: string[] = [
  '224.0.0.0/4',
  '255.255.255.255/32',
  '0.0.0.0/32',
  '::/128',
  'ff00::/8',
];

const nonHostParsed = NON_HOST_RANGES.map((c) => parseCidr(c)!);

export function isNonHost(ip: string | bigint): boolean {
  const n = typeof ip === 'bigint' ? ip : ipToBigInt(ip);
  if (n === null) return false;
  if (isV4Mapped(n) && (n & 0xffn) === 0xffn) return true;
  return nonHostParsed.some((r) => n >= r.lo && n <= r.hi);
}

/** What a non-host is, for marks: 'multicast', 'unspecified' or 'broadcast' (null: a host). */
export function nonHostKind(ip: string | bigint): string | null {
  const n = typeof ip === 'bigint' ? ip : ipToBigInt(ip);
  if (n === null || !isNonHost(n)) return null;
  const kind = specialKind(n);
  if (kind === 'multicast') return 'multicast';
  if (n === 0n || n === V4_MAPPED_BASE) return 'unspecified';
  return 'broadcast';
}

export function addressClass(ip: string | bigint, internal: IpRange[]): AddressClass {
  const n = typeof ip === 'bigint' ? ip : ipToBigInt(ip);
  if (n === null) return 'external';
  if (isNonHost(n)) return 'non-host';
  return internal.some((r) => n >= r.lo && n <= r.hi) ? 'internal' : 'external';
}

/** CIDR strings -> ranges; an entry that does not parse throws (callers validate first). */
export function parseNetworks(cidrs: string[]): IpRange[] {
  return cidrs.map((c) => {
    const r = parseCidr(c);
    if (!r) throw new Error(`not a network: ${c}`);
    return r;
  });
}
