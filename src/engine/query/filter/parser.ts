// Recursive-descent parser for the nfdump-like filter language:
//   expr    := and (('or' | '||') and)*
//   and     := unary (('and' | '&&') unary)*
//   unary   := ('not' | '!') unary | '(' expr ')' | 'any' | term
//   term    := [src|dst] (ip|host|net) value | [src|dst] port value | proto ... | state ... | ...
// Keywords are case-insensitive. `x != v` is `not (x = v)`, so `port != 22` keeps flows where
// neither side is 22. Every error points at the token that could not be understood.
// As in nfdump, a negated `flags` term means "none of these flags" (not "not all of them"): the
// negation is pushed down to it (De Morgan), see negate(). nfdump's duration is in milliseconds.
// Address context (issue 17) adds `[src|dst] as N`, `[src|dst] country CC` and
// `[src|dst] host name NAME` (or `*.DOMAIN`), each also as `in [..]`.
import type { CmpOp, Dir, FilterNode, NumRange } from './ast';
import { FilterError } from './filter-error';
import { lex, type Token } from './lexer';
import {
  COUNTRY_HINTS,
  STATE_VALUES,
  looksLikeAddress,
  parseAsn,
  parseCountry,
  parseHostName,
  parseAddrValue,
  parsePortValue,
  parseProto,
  parseMillis,
  parseTcpFlags,
  parseSize,
  parseTimeValue,
  suggest,
} from './values';

const TERM_KEYWORDS = [
  'src',
  'dst',
  'ip',
  'host',
  'net',
  'port',
  'proto',
  'state',
  'bytes',
  'packets',
  'pkts',
  'duration',
  'flags',
  'bpp',
  'bps',
  'pps',
  'time',
  'ts',
  'label',
  'import',
  'internal',
  'public',
  'as',
  'country',
  'name',
  'any',
  'not',
] as const;
export const FILTER_KEYWORDS: readonly string[] = [...TERM_KEYWORDS, 'and', 'or', 'in'];
const AFTER_DIR = [
  'ip',
  'host',
  'net',
  'port',
  'bytes',
  'packets',
  'pkts',
  'internal',
  'public',
  'as',
  'country',
];
const CMP_OPS = new Set(['=', '==', '!=', '>', '>=', '<', '<=']);

const shown = (t: Token) =>
  t.type === 'eof' ? 'end of filter' : `'${t.type === 'string' ? t.text : t.text}'`;

export function parseFilter(src: string): FilterNode {
  const p = new Parser(lex(src));
  if (p.peek().type === 'eof') return { kind: 'any' };
  const node = p.expr();
  p.expectEnd();
  return node;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.type === 'word' && words.includes(t.text.toLowerCase());
  }
  private fail(message: string, t: Token = this.peek()): never {
    throw new FilterError(message, t.offset, t.length, t.text);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.type === 'eof') return;
    if (t.type === 'rparen') this.fail(`unbalanced ')'`, t);
    this.fail(`expected 'and' or 'or' before ${shown(t)}`, t);
  }

  expr(): FilterNode {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'or') || (t.type === 'op' && t.text === '||')) {
        this.next();
        left = { kind: 'or', left, right: this.and() };
      } else return left;
    }
  }

  private and(): FilterNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (this.isWord(t, 'and') || (t.type === 'op' && t.text === '&&')) {
        this.next();
        left = { kind: 'and', left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (this.isWord(t, 'not') || (t.type === 'op' && t.text === '!')) {
      this.next();
      return negate(this.unary());
    }
    if (t.type === 'lparen') {
      this.next();
      if (this.peek().type === 'rparen') this.fail(`empty parentheses`, this.peek());
      const e = this.expr();
      const close = this.peek();
      if (close.type !== 'rparen') {
        if (close.type === 'eof')
          this.fail(`missing ')' to close the '(' at ${t.offset + 1}`, close);
        this.fail(`expected ')' or 'and'/'or' before ${shown(close)}`, close);
      }
      this.next();
      return e;
    }
    return this.term();
  }

  private term(): FilterNode {
    const t = this.peek();
    if (t.type === 'eof')
      this.fail('expected a filter term (ip, port, proto, ...) at end of filter', t);
    if (t.type !== 'word')
      this.fail(`expected a filter term (ip, port, proto, ...) at ${shown(t)}`, t);
    const w = t.text.toLowerCase();
    if (w === 'any') {
      this.next();
      return { kind: 'any' };
    }
    if (w === 'src' || w === 'dst') {
      this.next();
      return this.directed(w, t);
    }
    if (AFTER_DIR.includes(w)) return this.directed('any', t);
    switch (w) {
      case 'proto':
        this.next();
        return this.listOrEq(
          t,
          (v) => this.proto(v),
          (values) => ({ kind: 'proto', values }),
        );
      case 'state':
        this.next();
        return this.listOrEq(
          t,
          (v) => this.state(v),
          (values) => ({ kind: 'state', values }),
        );
      case 'import':
        this.next();
        return this.listOrEq(
          t,
          (v) => this.importId(v),
          (values) => ({ kind: 'import', values }),
        );
      case 'duration': {
        this.next();
        const op = this.cmpOp();
        const v = this.next();
        const ms = parseMillis(v.text);
        if (v.type !== 'word' || ms === null)
          this.fail(`expected a duration in milliseconds (or 2s, 1.5m, 1h) at ${shown(v)}`, v);
        return { kind: 'duration', op, value: ms };
      }
      case 'flags': {
        this.next();
        const v = this.next();
        const mask = v.type === 'word' ? parseTcpFlags(v.text) : null;
        if (mask === null)
          this.fail(`expected TCP flags (letters of UAPRSF, or X for all) at ${shown(v)}`, v);
        return { kind: 'flags', mask, mode: 'all' };
      }
      case 'bpp':
      case 'bps':
      case 'pps': {
        this.next();
        const op = this.cmpOp();
        const v = this.next();
        const n = v.type === 'word' ? parseSize(v.text) : null;
        if (n === null) this.fail(`expected a number (1500, 1.5k, 10M) at ${shown(v)}`, v);
        return { kind: 'rate', what: w as 'bpp' | 'bps' | 'pps', op, value: n };
      }
      case 'time':
      case 'ts':
        this.next();
        return this.time();
      case 'label':
        this.next();
        return this.label();
      case 'name':
        this.fail(`a name is matched as 'host name ${this.peek(1).text || 'NAME'}'`, t);
    }
    if (looksLikeAddress(t.text)) return this.directed('any', t);
    return this.unknown(t);
  }

  private unknown(t: Token): never {
    if (/^[\d.]+$/.test(t.text) && t.text.includes('.'))
      this.fail(`invalid IP address '${t.text}'`, t);
    const s = suggest(t.text, FILTER_KEYWORDS);
    this.fail(`unknown keyword '${t.text}'${s ? ` (did you mean '${s}'?)` : ''}`, t);
  }

  /** After an optional src/dst: ip|host|net|port|bytes|packets|internal|public, or a bare address. */
  private directed(dir: Dir, dirTok: Token): FilterNode {
    const t = this.peek();
    const w = t.type === 'word' ? t.text.toLowerCase() : '';
    if (w === 'host' && this.isWord(this.peek(1), 'name')) {
      this.next();
      const kw = this.next();
      return this.listOrEq(
        kw,
        (v) => this.hostName(v),
        (names) => ({ kind: 'host-name', dir, names }),
      );
    }
    if (w === 'as' || w === 'country') {
      this.next();
      return this.listOrEq<string | number>(
        t,
        (v) => (w === 'as' ? this.asn(v) : this.country(v)),
        (values) => ({ kind: 'geo', dir, field: w === 'as' ? 'asn' : 'country', values }),
      );
    }
    if (w === 'ip' || w === 'host' || w === 'net') {
      this.next();
      return this.listOrEq(
        t,
        (v) => this.addr(v, w),
        (ranges) => ({ kind: 'addr', dir, ranges }),
      );
    }
    if (w === 'port') {
      this.next();
      return this.port(dir, t);
    }
    if (w === 'bytes' || w === 'packets' || w === 'pkts') {
      this.next();
      const op = this.cmpOp();
      const v = this.next();
      const n = v.type === 'word' ? parseSize(v.text) : null;
      if (n === null)
        this.fail(`expected a number of ${w === 'bytes' ? 'bytes' : 'packets'} at ${shown(v)}`, v);
      return { kind: w === 'bytes' ? 'bytes' : 'packets', dir, op, value: n };
    }
    if (w === 'internal' || w === 'public') {
      this.next();
      return { kind: 'host-kind', dir, which: w };
    }
    if (t.type === 'word' && looksLikeAddress(t.text)) {
      this.next();
      return { kind: 'addr', dir, ranges: [this.addr(t, t.text.includes('/') ? 'net' : 'ip')] };
    }
    if (dir === 'any') return this.unknown(t);
    const s = t.type === 'word' ? suggest(t.text, AFTER_DIR) : null;
    this.fail(
      `expected ip, net, port, bytes, packets, as, country or host name after '${dirTok.text}' at ${shown(t)}${s ? ` (did you mean '${s}'?)` : ''}`,
      t,
    );
  }

  private asn(t: Token): number {
    const n = t.type === 'word' ? parseAsn(t.text) : null;
    if (n === null) this.fail(`expected an AS number (15169 or AS15169) at ${shown(t)}`, t);
    return n;
  }

  private country(t: Token): string {
    const c = t.type === 'word' || t.type === 'string' ? parseCountry(t.text) : null;
    if (c === null)
      this.fail(`expected a two-letter country code (CN, US, DE, ...) at ${shown(t)}`, t);
    const hint = COUNTRY_HINTS[c];
    if (hint) this.fail(`'${t.text}' is not an ISO 3166 country code: ${hint}`, t);
    return c;
  }

  private hostName(t: Token): { name: string; suffix: boolean } {
    const n = t.type === 'word' || t.type === 'string' ? parseHostName(t.text) : null;
    if (n === null)
      this.fail(
        `expected a host name (www.example.com, or *.example.com for it and every name under it) at ${shown(t)}`,
        t,
      );
    return n;
  }

  private cmpOp(): CmpOp {
    const t = this.peek();
    if (t.type === 'op' && CMP_OPS.has(t.text)) {
      this.next();
      return (t.text === '==' ? '=' : t.text) as CmpOp;
    }
    return '=';
  }

  /**
   * `kw v`, `kw = v`, `kw != v`, `kw in [v1 v2]` (commas optional). `!=` negates the equality.
   */
  private listOrEq<V>(
    kw: Token,
    item: (t: Token) => V,
    make: (values: V[]) => FilterNode,
  ): FilterNode {
    const t = this.peek();
    if (this.isWord(t, 'in')) {
      this.next();
      return make(this.list(kw, item));
    }
    let negate = false;
    if (t.type === 'op') {
      if (t.text === '!=') negate = true;
      else if (t.text !== '=' && t.text !== '==')
        this.fail(`'${kw.text}' takes = or != or 'in', not '${t.text}'`, t);
      this.next();
    }
    if (this.peek().type === 'lbracket') {
      const node = make(this.list(kw, item));
      return negate ? { kind: 'not', expr: node } : node;
    }
    const node = make([item(this.next())]);
    return negate ? { kind: 'not', expr: node } : node;
  }

  private list<V>(kw: Token, item: (t: Token) => V): V[] {
    const open = this.next();
    if (open.type !== 'lbracket')
      this.fail(`expected '[' to start the list after '${kw.text} in' at ${shown(open)}`, open);
    const out: V[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'rbracket') {
        if (!out.length) this.fail('empty list', t);
        this.next();
        return out;
      }
      if (t.type === 'comma') {
        this.next();
        continue;
      }
      if (t.type === 'eof') this.fail(`missing ']' to close the list at ${open.offset + 1}`, t);
      out.push(item(this.next()));
    }
  }

  private addr(t: Token, kw: string): NumRange {
    const r = t.type === 'word' ? parseAddrValue(t.text) : null;
    if (!r) {
      if (t.type === 'eof')
        this.fail(
          `expected an ${kw === 'net' ? 'network (CIDR)' : 'IP address'} at end of filter`,
          t,
        );
      this.fail(`invalid ${kw === 'net' ? 'network' : 'IP address'} '${t.text}'`, t);
    }
    if (kw !== 'net' && t.text.includes('/'))
      this.fail(`'${t.text}' is a network: write 'net ${t.text}'`, t);
    return r;
  }

  private port(dir: Dir, kw: Token): FilterNode {
    const t = this.peek();
    if (t.type === 'op' && ['>', '>=', '<', '<='].includes(t.text)) {
      this.next();
      const v = this.next();
      const p = v.type === 'word' ? parsePortValue(v.text) : null;
      if (!p || p.lo !== p.hi) this.fail(`expected a port number (0-65535) at ${shown(v)}`, v);
      return { kind: 'port-cmp', dir, op: t.text as CmpOp, value: p.lo };
    }
    return this.listOrEq(
      kw,
      (v) => {
        const p = v.type === 'word' ? parsePortValue(v.text) : null;
        if (!p) this.fail(`expected a port number (0-65535) at ${shown(v)}`, v);
        return p;
      },
      (ranges) => ({ kind: 'port', dir, ranges }),
    );
  }

  private proto(t: Token): string {
    const p = t.type === 'word' ? parseProto(t.text) : null;
    if (!p) this.fail(`expected a protocol (tcp, udp, icmp, ...) at ${shown(t)}`, t);
    return p;
  }

  private state(t: Token): string {
    const s = t.type === 'word' ? t.text.toLowerCase() : '';
    if (!STATE_VALUES.includes(s)) {
      const hint = t.type === 'word' ? suggest(s, STATE_VALUES) : null;
      this.fail(
        `unknown state ${shown(t)}${hint ? ` (did you mean '${hint}'?)` : ''}; states are ${STATE_VALUES.join(', ')}`,
        t,
      );
    }
    return s;
  }

  private importId(t: Token): number {
    if (t.type !== 'word' || !/^\d{1,9}$/.test(t.text))
      this.fail(`expected an import number at ${shown(t)}`, t);
    return Number(t.text);
  }

  private time(): FilterNode {
    const op = this.cmpOp();
    const v = this.next();
    let text = v.text;
    let length = v.length;
    // `time >= 2017-01-27 16:30` unquoted: the time of day arrives as a second word
    const after = this.peek();
    if (
      v.type === 'word' &&
      after.type === 'word' &&
      /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(after.text)
    ) {
      this.next();
      text = `${v.text} ${after.text}`;
      length = after.offset + after.length - v.offset;
    }
    const ts = v.type === 'word' || v.type === 'string' ? parseTimeValue(text) : null;
    if (ts === null)
      throw new FilterError(
        `expected a time like "2017-01-27 16:30" at ${shown({ ...v, text })}`,
        v.offset,
        length,
        text,
      );
    return { kind: 'time', op, value: ts };
  }

  private label(): FilterNode {
    const t = this.peek();
    let op: '=' | '!=' | '~' = '=';
    if (t.type === 'op') {
      if (t.text === '~') op = '~';
      else if (t.text === '!=') op = '!=';
      else if (t.text !== '=' && t.text !== '==')
        this.fail(`'label' takes =, != or ~, not '${t.text}'`, t);
      this.next();
    }
    const v = this.next();
    if (v.type !== 'word' && v.type !== 'string')
      this.fail(`expected a label (in quotes) at ${shown(v)}`, v);
    return { kind: 'label', op, value: v.text };
  }
}

function hasFlags(n: FilterNode): boolean {
  if (n.kind === 'flags') return true;
  if (n.kind === 'and' || n.kind === 'or') return hasFlags(n.left) || hasFlags(n.right);
  return n.kind === 'not' && hasFlags(n.expr);
}

/**
 * `not n`. Where n holds a flags term the negation is pushed down to it as nfdump does (each
 * term negated, and/or swapped), so `not flags AR` is "neither A nor R" and
 * `not (flags S or port 53)` is "no SYN and not port 53", as nfdump answers them.
 */
function negate(n: FilterNode): FilterNode {
  if (!hasFlags(n)) return { kind: 'not', expr: n };
  switch (n.kind) {
    case 'flags':
      return { ...n, mode: n.mode === 'all' ? 'none' : 'all' };
    case 'and':
      return { kind: 'or', left: negate(n.left), right: negate(n.right) };
    case 'or':
      return { kind: 'and', left: negate(n.left), right: negate(n.right) };
    case 'not':
      return n.expr;
    default:
      return { kind: 'not', expr: n };
  }
}
