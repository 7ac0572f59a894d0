// Validation of the literal values the filter language accepts: ports, addresses, sizes, times.
// Each returns null on bad input; the parser turns that into a FilterError at the token.
import { FLOW_STATES } from '../../../shared/model';
import { parseCidr } from '../../util/ip';
import { nearest } from '../../util/nearest';
import type { NumRange } from './ast';

export function parsePortValue(s: string): { lo: number; hi: number } | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || hi < lo) return null;
  return { lo, hi };
}

/** An IP or CIDR as an inclusive numeric range in the 128-bit space. */
export function parseAddrValue(s: string): NumRange | null {
  const r = parseCidr(s);
  return r ? { lo: r.lo, hi: r.hi } : null;
}

export function looksLikeAddress(s: string): boolean {
  return (
    /^\d+(\.\d+){1,}(\/\d*)?$/.test(s) ||
    (s.includes(':') && /^[0-9a-fA-F:./]+$/.test(s) && !/^\d{1,2}:\d{2}/.test(s))
  );
}

const SIZE_SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 };

/** A count or size: `1500`, `1.5k`, `10M` (decimal multipliers, as nfdump). */
export function parseSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kKmMgGtT])?$/.exec(s);
  if (!m) return null;
  const v = Number(m[1]) * (m[2] ? SIZE_SUFFIX[m[2].toLowerCase()] : 1);
  return Number.isFinite(v) ? Math.round(v) : null;
}

/** A duration in milliseconds, nfdump's unit: `1500`, or with a unit `500ms`, `1.5s`, `2m`, `1h`. */
export function parseMillis(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s);
  if (!m) return null;
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * mult;
}

/** nfdump's TCP flag letters; X is all six. */
export const TCP_FLAGS = 'UAPRSF';

/** `SA`, `AS`, `x` -> the flag letters in UAPRSF order, or null for anything else. */
export function parseTcpFlags(s: string): string | null {
  const u = s.toUpperCase();
  if (!/^[UAPRSFX]+$/.test(u)) return null;
  return u.includes('X') ? TCP_FLAGS : [...TCP_FLAGS].filter((f) => u.includes(f)).join('');
}

/**
 * `2017-01-27`, `2017-01-27 16:30`, `2017-01-27T16:30:05.25Z`, `...+02:00` -> 'YYYY-MM-DD HH:MM:SS.mmm'
 * in UTC (timestamps without a zone are UTC, like the flows table).
 */
export function parseTimeValue(s: string): string | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      s.trim(),
    );
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(
    Number,
  );
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return null;
  let t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return null; // 2017-02-30
  if (m[8] && m[8].toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(m[8])!;
    const off = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    t += z[1] === '+' ? -off : off;
  }
  return new Date(t).toISOString().replace('T', ' ').replace('Z', '');
}

export const STATE_VALUES: readonly string[] = FLOW_STATES;

// Importers store lower-case names for these and the number as text for the rest
// (src/engine/import/types.ts), so numbers and aliases are mapped onto that.
const PROTO_ALIASES: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'icmp6',
  'ipv6-icmp': 'icmp6',
  icmpv6: 'icmp6',
};

export function parseProto(s: string): string | null {
  const l = s.toLowerCase();
  if (PROTO_ALIASES[l]) return PROTO_ALIASES[l];
  if (/^\d{1,3}$/.test(l)) return Number(l) <= 255 ? String(Number(l)) : null;
  return /^[a-z][a-z0-9-]*$/.test(l) ? l : null;
}

/** The closest keyword within a small edit distance, or null (see util/nearest.ts). */
export function suggest(word: string, candidates: readonly string[]): string | null {
  return nearest(word, candidates);
}

/** An AS number: `15169` or `AS15169` (any case); null for anything else or out of range. */
export function parseAsn(s: string): number | null {
  const m = /^(?:as)?(\d{1,10})$/i.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= 4294967295 ? n : null;
}

/** A two-letter ISO 3166-1 country code, upper case (`cn` -> `CN`); null for anything else. */
export function parseCountry(s: string): string | null {
  return /^[A-Za-z]{2}$/.test(s) ? s.toUpperCase() : null;
}

/** Codes analysts type that ISO 3166 spells otherwise (the data uses ISO codes). */
export const COUNTRY_HINTS: Record<string, string> = {
  UK: 'the United Kingdom is GB',
  EL: 'Greece is GR',
};

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * A host name as DNS answers stored it (lower case, no trailing dot), or with a leading `*.` the
 * suffix form: the name and every name under it. Null when it is not a name.
 */
export function parseHostName(s: string): { name: string; suffix: boolean } | null {
  let n = s.trim().toLowerCase();
  const suffix = n.startsWith('*.');
  if (suffix) n = n.slice(2);
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (!n || n.length > 253) return null;
  return n.split('.').every((l) => LABEL.test(l)) ? { name: n, suffix } : null;
}
