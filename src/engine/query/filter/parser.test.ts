import { describe, expect, it } from 'vitest';
import { V4_MAPPED_BASE } from '../../util/ip';
import { filterToSql, checkFilter } from './index';
import { FilterError } from './filter-error';
import { parseFilter } from './parser';

const v4 = (s: string) => {
  const p = s.split('.').map(Number);
  return V4_MAPPED_BASE + BigInt(((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3]);
};

function err(text: string): FilterError {
  try {
    parseFilter(text);
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  throw new Error(`expected '${text}' to fail`);
}

describe('filter parser', () => {
  it('parses directed address, port, proto and state terms', () => {
    expect(parseFilter('src ip 10.0.0.5')).toEqual({
      kind: 'addr',
      dir: 'src',
      ranges: [{ lo: v4('10.0.0.5'), hi: v4('10.0.0.5') }],
    });
    expect(parseFilter('dst host 10.0.0.5')).toMatchObject({ kind: 'addr', dir: 'dst' });
    expect(parseFilter('ip 10.0.0.5')).toMatchObject({ kind: 'addr', dir: 'any' });
    expect(parseFilter('dst net 10.0.0.0/8')).toEqual({
      kind: 'addr',
      dir: 'dst',
      ranges: [{ lo: v4('10.0.0.0'), hi: v4('10.255.255.255') }],
    });
    expect(parseFilter('net 2001:db8::/32')).toEqual({
      kind: 'addr',
      dir: 'any',
      ranges: [{ lo: 0x20010db8n << 96n, hi: (0x20010db8n << 96n) | ((1n << 96n) - 1n) }],
    });
    expect(parseFilter('src port 22')).toEqual({
      kind: 'port',
      dir: 'src',
      ranges: [{ lo: 22, hi: 22 }],
    });
    expect(parseFilter('port in [22 3389, 1000-1024]')).toEqual({
      kind: 'port',
      dir: 'any',
      ranges: [
        { lo: 22, hi: 22 },
        { lo: 3389, hi: 3389 },
        { lo: 1000, hi: 1024 },
      ],
    });
    expect(parseFilter('dst port > 1024')).toEqual({
      kind: 'port-cmp',
      dir: 'dst',
      op: '>',
      value: 1024,
    });
    expect(parseFilter('proto TCP')).toEqual({ kind: 'proto', values: ['tcp'] });
    expect(parseFilter('proto in [6 17 58]')).toEqual({
      kind: 'proto',
      values: ['tcp', 'udp', 'icmp6'],
    });
    expect(parseFilter('State RESET')).toEqual({ kind: 'state', values: ['reset'] });
    expect(parseFilter('ip in [10.0.0.1 10.0.0.2]')).toMatchObject({
      kind: 'addr',
      dir: 'any',
      ranges: [{}, {}],
    });
  });

  it('parses sizes, packets, durations, labels, times and host kinds', () => {
    expect(parseFilter('bytes > 1000')).toEqual({
      kind: 'bytes',
      dir: 'any',
      op: '>',
      value: 1000,
    });
    expect(parseFilter('src bytes >= 1.5k')).toEqual({
      kind: 'bytes',
      dir: 'src',
      op: '>=',
      value: 1500,
    });
    expect(parseFilter('dst bytes < 2M')).toEqual({
      kind: 'bytes',
      dir: 'dst',
      op: '<',
      value: 2_000_000,
    });
    expect(parseFilter('packets == 3')).toEqual({ kind: 'packets', dir: 'any', op: '=', value: 3 });
    expect(parseFilter('duration > 1m')).toEqual({ kind: 'duration', op: '>', value: 60_000 });
    // nfdump's unit: milliseconds
    expect(parseFilter('duration >= 1500')).toEqual({ kind: 'duration', op: '>=', value: 1500 });
    expect(parseFilter('duration < 2.5s')).toEqual({ kind: 'duration', op: '<', value: 2500 });
    expect(parseFilter('bpp > 1k')).toEqual({ kind: 'rate', what: 'bpp', op: '>', value: 1000 });
    expect(parseFilter('BPS >= 10M')).toEqual({
      kind: 'rate',
      what: 'bps',
      op: '>=',
      value: 10_000_000,
    });
    expect(parseFilter('pps 5')).toEqual({ kind: 'rate', what: 'pps', op: '=', value: 5 });
    expect(parseFilter('label "Botnet"')).toEqual({ kind: 'label', op: '=', value: 'Botnet' });
    expect(parseFilter("label ~ 'scan'")).toEqual({ kind: 'label', op: '~', value: 'scan' });
    expect(parseFilter('time >= "2017-01-27 16:30"')).toEqual({
      kind: 'time',
      op: '>=',
      value: '2017-01-27 16:30:00.000',
    });
    expect(parseFilter('time < 2017-01-27 16:30:05')).toEqual({
      kind: 'time',
      op: '<',
      value: '2017-01-27 16:30:05.000',
    });
    expect(parseFilter('ts < "2017-01-27T18:30:00+02:00"')).toEqual({
      kind: 'time',
      op: '<',
      value: '2017-01-27 16:30:00.000',
    });
    expect(parseFilter('src internal and dst public')).toEqual({
      kind: 'and',
      left: { kind: 'host-kind', dir: 'src', which: 'internal' },
      right: { kind: 'host-kind', dir: 'dst', which: 'public' },
    });
    expect(parseFilter('import in [1, 2]')).toEqual({ kind: 'import', values: [1, 2] });
  });

  it('gives and precedence over or, honours not, ! and parentheses', () => {
    const t = parseFilter('proto udp or proto tcp and port 22');
    expect(t).toMatchObject({ kind: 'or', left: { kind: 'proto' }, right: { kind: 'and' } });
    const p = parseFilter('(proto udp || proto tcp) && !port 22');
    expect(p).toMatchObject({
      kind: 'and',
      left: { kind: 'or' },
      right: { kind: 'not', expr: { kind: 'port' } },
    });
    expect(parseFilter('NOT not any')).toEqual({
      kind: 'not',
      expr: { kind: 'not', expr: { kind: 'any' } },
    });
    expect(parseFilter('port != 22')).toEqual({
      kind: 'not',
      expr: { kind: 'port', dir: 'any', ranges: [{ lo: 22, hi: 22 }] },
    });
    expect(parseFilter('')).toEqual({ kind: 'any' });
    expect(parseFilter('10.0.0.5')).toMatchObject({ kind: 'addr', dir: 'any' });
    expect(parseFilter('src 10.0.0.0/24')).toMatchObject({ kind: 'addr', dir: 'src' });
  });

  it('parses the example from the issue', () => {
    const text =
      'src ip 10.0.0.5 and dst port in [22 3389] and state reset and bytes > 1000 and not dst net 10.0.0.0/8';
    const { sql, params } = filterToSql(text);
    expect(sql).toBe(
      '(((((src_ip = $1 AND coalesce(dst_port IN ($2, $3), false)) AND state = $4) AND (src_bytes + dst_bytes) > $5)' +
        ' AND (NOT (starts_with(dst_ip, $6)))))',
    );
    expect(params).toEqual(['10.0.0.5', 22, 3389, 'reset', 1000, '10.']);
    // prefixes that are not whole octets, and IPv6, compare the numeric columns
    expect(filterToSql('src net 10.0.0.4/30 or dst ip ::1')).toEqual({
      sql: '((src_num BETWEEN $1::UHUGEINT AND $2::UHUGEINT OR dst_num = $3::UHUGEINT))',
      params: [v4('10.0.0.4').toString(), v4('10.0.0.7').toString(), '1'],
    });
  });

  it('numbers parameters after an offset and prefixes an alias', () => {
    const { sql, params } = filterToSql('dst port 22 or label ~ "x"', 3, 'f');
    expect(sql).toBe(
      '((coalesce(f.dst_port = $4, false) OR coalesce(contains(lower(f.label), lower($5)), false)))',
    );
    expect(params).toEqual([22, 'x']);
  });

  it('never puts a value into the SQL text', () => {
    const { sql } = filterToSql(`label "x'; DROP TABLE flows; --" or proto evil`);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain('evil');
  });
});

describe('filter errors', () => {
  const cases: [string, RegExp, string][] = [
    ['src port abc', /expected a port number \(0-65535\) at 'abc'/, 'abc'],
    ['dst port 70000', /expected a port number/, '70000'],
    ['sorc ip 10.0.0.1', /unknown keyword 'sorc' \(did you mean 'src'\?\)/, 'sorc'],
    ['src ip 999.1.1.1', /invalid IP address '999.1.1.1'/, '999.1.1.1'],
    ['999.1.1.1', /invalid IP address '999.1.1.1'/, '999.1.1.1'],
    ['net 10.0.0.0/33', /invalid network '10.0.0.0\/33'/, '10.0.0.0/33'],
    ['ip 10.0.0.0/8', /is a network: write 'net 10.0.0.0\/8'/, '10.0.0.0/8'],
    ['state resett', /unknown state 'resett' \(did you mean 'reset'\?\)/, 'resett'],
    ['proto tcp and', /expected a filter term .* at end of filter/, ''],
    ['proto tcp port 22', /expected 'and' or 'or' before 'port'/, 'port'],
    ['(proto tcp', /missing '\)'/, ''],
    ['proto tcp)', /unbalanced '\)'/, ')'],
    ['port in [22 33', /missing '\]'/, ''],
    ['port in []', /empty list/, ']'],
    ['bytes > lots', /expected a number of bytes at 'lots'/, 'lots'],
    ['time > "yesterday"', /expected a time like/, 'yesterday'],
    ['time > "2017-02-30"', /expected a time like/, '2017-02-30'],
    [
      'src flurb',
      /expected ip, net, port, bytes, packets, as, country or host name after 'src' at 'flurb'/,
      'flurb',
    ],
    ['label "unterminated', /unterminated string/, '"unterminated'],
    ['proto tcp & port 1', /unexpected character '&'/, '&'],
    ['state > reset', /'state' takes = or != or 'in'/, '>'],
    ['flags SQ', /expected TCP flags \(letters of UAPRSF, or X for all\) at 'SQ'/, 'SQ'],
    ['flags', /expected TCP flags .* at end of filter/, ''],
    ['bpp > lots', /expected a number \(1500, 1.5k, 10M\) at 'lots'/, 'lots'],
    ['duration > 5d', /expected a duration in milliseconds \(or 2s, 1.5m, 1h\) at '5d'/, '5d'],
    ['flgs S', /unknown keyword 'flgs' \(did you mean 'flags'\?\)/, 'flgs'],
  ];
  it.each(cases)('%s', (text, message, token) => {
    const e = err(text);
    expect(e.message).toMatch(message);
    expect(e.token).toBe(token);
    // offset/length point at the token in the text
    if (token) expect(text.slice(e.offset, e.offset + e.length)).toContain(token);
    else expect(e.offset).toBe(text.length);
  });

  it('reports errors through checkFilter as plain data', () => {
    expect(checkFilter('src ip 10.0.0.5')).toEqual({ ok: true });
    expect(checkFilter('dst port in [22 abc]')).toEqual({
      ok: false,
      error: {
        message: "expected a port number (0-65535) at 'abc' (column 17)",
        offset: 16,
        length: 3,
        token: 'abc',
      },
    });
  });

  it('parses nfdump flags, and a negated flags term as "none of them"', () => {
    expect(parseFilter('flags SA')).toEqual({ kind: 'flags', mask: 'AS', mode: 'all' });
    expect(parseFilter('flags x')).toEqual({ kind: 'flags', mask: 'UAPRSF', mode: 'all' });
    expect(parseFilter('not flags AR')).toEqual({ kind: 'flags', mask: 'AR', mode: 'none' });
    expect(parseFilter('not not flags A')).toEqual({ kind: 'flags', mask: 'A', mode: 'all' });
    expect(parseFilter('!(flags S or port 53)')).toEqual({
      kind: 'and',
      left: { kind: 'flags', mask: 'S', mode: 'none' },
      right: { kind: 'not', expr: { kind: 'port', dir: 'any', ranges: [{ lo: 53, hi: 53 }] } },
    });
    // without flags inside, a negation stays a negation
    expect(parseFilter('not (port 53 or proto icmp)')).toMatchObject({
      kind: 'not',
      expr: { kind: 'or' },
    });
  });
});
