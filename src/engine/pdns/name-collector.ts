// Gathers name <-> address pairs from DNS answers (decoded from a capture or read from a Zeek
// dns.log) into one row per (name, address, type, via), with first and last time seen, the
// largest TTL and how often it was answered, then writes them to dns_names with the Appender.
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { bigIntToIp, ipToBigInt } from '../util/ip';

export interface NamePair {
  name: string;
  addr: string;
  rtype: 'A' | 'AAAA' | 'PTR';
  via: string | null;
  first: number; // µs since the epoch
  last: number;
  ttl: number | null;
  answers: number;
}

/** Lower case, no trailing dot: how names are stored and compared. */
export function normName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') && n.length > 1 ? n.slice(0, -1) : n;
}

/** An address in the text form flows use (IPv6 compressed as RFC 5952), or null. */
export function canonicalAddr(text: string): string | null {
  const n = ipToBigInt(text.trim());
  return n === null ? null : bigIntToIp(n);
}

/** 4.3.2.1.in-addr.arpa / nibbles.ip6.arpa -> the address; null for other names. */
export function reverseNameAddr(name: string): string | null {
  const n = normName(name);
  let m = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa$/.exec(n);
  if (m) return canonicalAddr(m[1].split('.').reverse().join('.'));
  m = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (m) {
    const hex = m[1].split('.').filter(Boolean).reverse().join('');
    return canonicalAddr(hex.match(/.{4}/g)!.join(':'));
  }
  return null;
}

export class NameCollector {
  private readonly pairs = new Map<string, NamePair>();

  get size(): number {
    return this.pairs.size;
  }

  /** Adds one answer; `addr` must already be canonical (canonicalAddr). */
  add(
    name: string,
    addr: string,
    rtype: NamePair['rtype'],
    via: string | null,
    ts: number,
    ttl: number | null,
  ): void {
    const n = normName(name);
    if (!n || n.length > 255) return;
    const v = via ? normName(via) : null;
    const key = `${n}\n${addr}\n${rtype}\n${v ?? ''}`;
    const p = this.pairs.get(key);
    if (!p) {
      this.pairs.set(key, { name: n, addr, rtype, via: v, first: ts, last: ts, ttl, answers: 1 });
      return;
    }
    if (ts < p.first) p.first = ts;
    if (ts > p.last) p.last = ts;
    if (ttl !== null && (p.ttl === null || ttl > p.ttl)) p.ttl = ttl;
    p.answers++;
  }

  list(): NamePair[] {
    return [...this.pairs.values()];
  }

  /** Appends every pair to dns_names (call inside the caller's transaction). */
  async write(conn: DuckDBConnection, source: string, importId: number): Promise<number> {
    if (!this.pairs.size) return 0;
    const app = await conn.createAppender('dns_names');
    try {
      for (const p of this.pairs.values()) {
        app.appendVarchar(p.name);
        app.appendVarchar(p.addr);
        app.appendVarchar(p.rtype);
        if (p.via === null) app.appendNull();
        else app.appendVarchar(p.via);
        app.appendVarchar(source);
        app.appendInteger(importId);
        app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(p.first))));
        app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(p.last))));
        if (p.ttl === null) app.appendNull();
        else app.appendBigInt(BigInt(Math.round(p.ttl)));
        app.appendBigInt(BigInt(p.answers));
        app.endRow();
      }
      app.flushSync();
    } finally {
      app.closeSync();
    }
    return this.pairs.size;
  }
}
