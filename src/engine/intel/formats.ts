// Feed body -> entries. Every line is parsed and validated (IPv4, IPv6, CIDR, or an `a-b` range);
// invalid lines are counted and sampled, never silently dropped.
import { FEED_FORMATS, type FeedFormat } from '../../shared/feeds';
import { NetsiftError } from '../core/errors';
import { V4_MAPPED_BASE, ipToBigInt, parseCidr, parseIpv4 } from '../util/ip';

export interface FeedEntry {
  /** The entry as the feed lists it (normalised spacing), e.g. `1.2.3.0/24`. */
  entry: string;
  lo: bigint;
  hi: bigint;
  /** Feed-specific note, e.g. Spamhaus SBL id or the malware family. */
  note?: string;
}

export interface ParseResult {
  entries: FeedEntry[];
  invalidLines: number;
  /** Up to SAMPLE_SIZE invalid lines as `line N: text`. */
  invalidSample: string[];
}

const SAMPLE_SIZE = 10;

export function isFeedFormat(f: string): f is FeedFormat {
  return (FEED_FORMATS as readonly string[]).includes(f) || /^csv:.+/.test(f);
}

export function checkFeedFormat(f: string): FeedFormat {
  if (!isFeedFormat(f))
    throw new NetsiftError(
      `unknown feed format "${f}"; use one of ${FEED_FORMATS.join(', ')} or csv:<column>`,
      'usage',
    );
  return f;
}

/** An IP, a CIDR or `first-last` as an inclusive numeric range, or null. */
export function parseEntry(token: string): { lo: bigint; hi: bigint } | null {
  // IPv4 fast path (most feed lines): plain numbers, two BigInts per entry
  const slash = token.indexOf('/');
  if (!token.includes(':') && !token.includes('-')) {
    const n = parseIpv4(slash >= 0 ? token.slice(0, slash) : token);
    if (n === null) return null;
    let len = 32;
    if (slash >= 0) {
      const t = token.slice(slash + 1);
      if (!/^\d{1,2}$/.test(t) || Number(t) > 32) return null;
      len = Number(t);
    }
    const size = 2 ** (32 - len);
    const lo = n - (n % size);
    return { lo: V4_MAPPED_BASE + BigInt(lo), hi: V4_MAPPED_BASE + BigInt(lo + size - 1) };
  }
  const dash = token.indexOf('-');
  if (dash > 0) {
    const lo = ipToBigInt(token.slice(0, dash).trim());
    const hi = ipToBigInt(token.slice(dash + 1).trim());
    if (lo === null || hi === null || hi < lo) return null;
    return { lo, hi };
  }
  const r = parseCidr(token);
  return r ? { lo: r.lo, hi: r.hi } : null;
}

class Collector {
  readonly entries: FeedEntry[] = [];
  private readonly seen = new Set<string>();
  invalidLines = 0;
  readonly invalidSample: string[] = [];

  add(token: string, lineNo: number, raw: string, note?: string): void {
    const r = parseEntry(token);
    if (!r) return this.invalid(lineNo, raw);
    if (this.seen.has(token)) return;
    this.seen.add(token);
    this.entries.push(note ? { entry: token, ...r, note } : { entry: token, ...r });
  }

  invalid(lineNo: number, raw: string): void {
    this.invalidLines++;
    if (this.invalidSample.length < SAMPLE_SIZE)
      this.invalidSample.push(`line ${lineNo}: ${raw.slice(0, 120)}`);
  }

  result(): ParseResult {
    return {
      entries: this.entries,
      invalidLines: this.invalidLines,
      invalidSample: this.invalidSample,
    };
  }
}

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines: feed CSVs have none). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function lines(body: string): string[] {
  return body.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** Plain lists (ip-list, cidr-list, firehol-netset, feodo text): `#` comments, first token per line. */
function parseList(body: string, c: Collector, comment = /[#;]/): void {
  lines(body).forEach((raw, i) => {
    const cut = raw.search(comment);
    const text = (cut >= 0 ? raw.slice(0, cut) : raw).trim();
    if (!text) return;
    const token = text.split(/\s+/)[0];
    // a line with more than one token is not a list line (e.g. an HTML fragment or prose)
    if (text.includes(' ') && !/^\S+\s+[-]\s+\S+$/.test(text)) return c.invalid(i + 1, raw);
    c.add(/^\S+\s+-\s+\S+$/.test(text) ? text.replace(/\s+/g, '') : token, i + 1, raw);
  });
}

function parseSpamhaus(body: string, c: Collector): void {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    // JSON-lines form (drop_v4.json / drop_v6.json): records plus one metadata line
    lines(body).forEach((raw, i) => {
      const text = raw.trim();
      if (!text) return;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return c.invalid(i + 1, raw);
      }
      if (rec.type === 'metadata') return;
      if (typeof rec.cidr !== 'string') return c.invalid(i + 1, raw);
      c.add(rec.cidr.trim(), i + 1, raw, typeof rec.sblid === 'string' ? rec.sblid : undefined);
    });
    return;
  }
  lines(body).forEach((raw, i) => {
    const semi = raw.indexOf(';');
    const cidr = (semi >= 0 ? raw.slice(0, semi) : raw).trim();
    if (!cidr) return; // comment line
    const note = semi >= 0 ? raw.slice(semi + 1).trim() || undefined : undefined;
    if (/\s/.test(cidr)) return c.invalid(i + 1, raw);
    c.add(cidr, i + 1, raw, note);
  });
}

function parseCsv(body: string, c: Collector, column: string | null): void {
  let header = false;
  let col = -1;
  const want = column?.toLowerCase() ?? null;
  const findCol = (h: string[]) => {
    if (want === null)
      return h.findIndex((x) => /^(dst_?ip|ip|ip_address|address|indicator)$/i.test(x));
    if (/^\d+$/.test(want)) return Number(want) - 1;
    return h.findIndex((x) => x.toLowerCase() === want);
  };
  lines(body).forEach((raw, i) => {
    const text = raw.trim();
    if (!text) return;
    if (text.startsWith('#')) {
      // abuse.ch puts its CSV header in a comment: # "first_seen_utc","dst_ip",...
      const inner = text.replace(/^#\s*/, '');
      if (!header && inner.includes(',')) {
        const h = splitCsv(inner);
        const k = findCol(h);
        if (k >= 0) {
          header = true;
          col = k;
        }
      }
      return;
    }
    const fields = splitCsv(text);
    if (col < 0) {
      if (want !== null && /^\d+$/.test(want)) col = Number(want) - 1;
      else {
        const k = findCol(fields);
        if (k < 0 && want !== null)
          throw new NetsiftError(
            `line ${i + 1}: no column "${column}" in the CSV header (${fields.join(', ')})`,
            'input',
          );
        if (k < 0) {
          // no header: the first field that is an address
          col = fields.findIndex((f) => parseEntry(f) !== null);
          if (col < 0) return c.invalid(i + 1, raw);
        } else {
          header = true;
          col = k;
          return;
        }
      }
    }
    const v = fields[col];
    if (v === undefined || v === '') return c.invalid(i + 1, raw);
    c.add(v, i + 1, raw);
  });
}

export function parseFeed(body: string, format: FeedFormat): ParseResult {
  const c = new Collector();
  if (format.startsWith('csv:')) parseCsv(body, c, format.slice(4));
  else if (format === 'spamhaus-drop') parseSpamhaus(body, c);
  else if (format === 'feodo') {
    // the text list, or its CSV export (ipblocklist.csv) when data lines carry commas
    const data = lines(body).find((l) => l.trim() && !l.trim().startsWith('#'));
    if (data?.includes(',')) parseCsv(body, c, null);
    else parseList(body, c, /#/);
  } else parseList(body, c, format === 'firehol-netset' ? /#/ : /[#;]/);
  return c.result();
}
