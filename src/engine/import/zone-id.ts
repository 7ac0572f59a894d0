// IPv6 addresses as an import accepts them. A zone id (`fe80::1%eth0`) names a local interface; it
// is kept as written, so it must be harmless text: RFC 6874's unreserved characters only
// (A-Z a-z 0-9 . _ ~ -), 1 to 64 of them. An address like `fe80::2%<img src=x onerror=...>` is a
// reject, not a value that later lands in a page, a report or a spreadsheet.
import { parseIpv6 } from '../util/ip';

const ZONE_ID_RE = /^[A-Za-z0-9._~-]{1,64}$/;

/** What the reject says about a `%` in an address that failed. */
export const ZONE_ID_RULE = 'a zone id after % may hold only A-Z a-z 0-9 . _ ~ -';

/** The address as a number, or null when it is not an IPv6 address with an acceptable zone id. */
export function importIpv6(ip: string): bigint | null {
  const z = ip.indexOf('%');
  if (z >= 0 && !ZONE_ID_RE.test(ip.slice(z + 1))) return null;
  return parseIpv6(ip);
}
