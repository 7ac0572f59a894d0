// Tokens of the filter language. A "word" is any run of characters that can make up a keyword,
// number, address, CIDR, port range or bare timestamp (letters, digits, `. : / - _`), so IPv6
// addresses and `10.0.0.0/8` arrive as one token and the parser decides what they mean. `*` is a
// word character too, for the suffix form of a host name (`host name *.example.com`).
import { FilterError } from './filter-error';

export type TokenType =
  'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'eof';

export interface Token {
  type: TokenType;
  /** Text as typed (for strings: the unquoted value). */
  text: string;
  offset: number;
  /** Length in the source, quotes included. */
  length: number;
}

const WORD = /[A-Za-z0-9_.:/*-]/;
const OPS = ['==', '!=', '>=', '<=', '&&', '||', '=', '>', '<', '!', '~'];

export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const single: Partial<Record<string, TokenType>> = {
      '(': 'lparen',
      ')': 'rparen',
      '[': 'lbracket',
      ']': 'rbracket',
      ',': 'comma',
    };
    const t = single[c];
    if (t) {
      out.push({ type: t, text: c, offset: i, length: 1 });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        value += src[j];
        j++;
      }
      if (j >= src.length)
        throw new FilterError(
          `unterminated string starting at ${src.slice(i, i + 20)}`,
          i,
          src.length - i,
          src.slice(i),
        );
      out.push({ type: 'string', text: value, offset: i, length: j + 1 - i });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ type: 'op', text: op, offset: i, length: op.length });
      i += op.length;
      continue;
    }
    if (WORD.test(c)) {
      let j = i;
      while (j < src.length && WORD.test(src[j])) j++;
      out.push({ type: 'word', text: src.slice(i, j), offset: i, length: j - i });
      i = j;
      continue;
    }
    throw new FilterError(`unexpected character '${c}'`, i, 1, c);
  }
  out.push({ type: 'eof', text: '', offset: src.length, length: 0 });
  return out;
}
