import { describe, expect, it } from 'vitest';
import { Binder, inlineParams, stringLiteral } from './sql-params';

describe('values in ClickHouse SQL', () => {
  it('binds typed placeholders in order', () => {
    const b = new Binder();
    expect(`${b.str('a')} ${b.int(5)} ${b.float(0.5)} ${b.bind(7n, 'UInt64')}`).toBe(
      '{p1:String} {p2:Int64} {p3:Float64} {p4:UInt64}',
    );
    expect(b.params).toEqual({ p1: 'a', p2: 5, p3: 0.5, p4: '7' });
  });

  it('refuses values that are not what their type says', () => {
    const b = new Binder();
    expect(() => b.int(1.5)).toThrow(/not a whole number: 1.5/);
    expect(() => b.int(Number.MAX_SAFE_INTEGER + 2)).toThrow(/not a whole number/);
    expect(() => b.bind('1; DROP TABLE x', 'Int64')).toThrow(/not a whole number/);
    expect(() => b.float(Infinity)).toThrow(/not a finite number/);
  });

  it('writes literals for servers without parameters: strings escaped, numbers typed', () => {
    expect(stringLiteral("it's \\ here")).toBe("'it\\'s \\\\ here'");
    const b = new Binder();
    const sql = `SELECT ${b.str("x' OR '1'='1")}, ${b.int(-3)}, ${b.float(2.5)}, ${b.bind('18446744073709551615', 'UInt64')}`;
    expect(inlineParams(sql, b.params)).toBe(
      "SELECT 'x\\' OR \\'1\\'=\\'1', toInt64(-3), toFloat64(2.5), toUInt64(18446744073709551615)",
    );
  });

  it('leaves braces that are not placeholders alone and fails on a missing value', () => {
    expect(inlineParams("SELECT '{x}', {a:String}", { a: 'v' })).toBe("SELECT '{x}', 'v'");
    expect(() => inlineParams('SELECT {b:Int64}', {})).toThrow(/no value for \{b:Int64\}/);
  });
});
