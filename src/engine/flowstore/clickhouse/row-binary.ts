// ClickHouse's RowBinary format, written from DuckDB result chunks: per row, per column, the value
// little-endian (integers), length-prefixed (strings), with a 0/1 byte before nullable values.
// No text escaping and no parsing on either side; the encoder fills one buffer per chunk.
import type { DuckDBValue } from '@duckdb/node-api';

export type BinType = 'Int64' | 'UInt32' | 'UInt16' | 'String' | 'UInt128BE';

export interface BinColumn {
  type: BinType;
  nullable: boolean;
}

const MAX_VARINT = 10;

/** Encodes `rows` rows of column-major values; UInt128BE takes two columns (high, low words). */
export function encodeChunk(cols: BinColumn[], values: DuckDBValue[][], rows: number): Buffer {
  // size first (strings measured once), then one allocation
  let size = 0;
  const strBytes: (Buffer | null)[][] = [];
  let vi = 0;
  for (const c of cols) {
    const v = values[vi];
    if (c.nullable) size += rows;
    if (c.type === 'String') {
      const bufs: (Buffer | null)[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const x = v[r];
        if (x === null) {
          if (!c.nullable) throw new Error('internal: NULL in a non-nullable String column');
          bufs[r] = null;
          continue;
        }
        const b = Buffer.from(String(x), 'utf8');
        bufs[r] = b;
        size += b.length + MAX_VARINT;
      }
      strBytes.push(bufs);
    } else {
      strBytes.push([]);
      const width = c.type === 'Int64' ? 8 : c.type === 'UInt32' ? 4 : c.type === 'UInt16' ? 2 : 16;
      size += rows * width;
    }
    vi += c.type === 'UInt128BE' ? 2 : 1;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    vi = 0;
    for (let ci = 0; ci < cols.length; ci++) {
      const c = cols[ci];
      const x = values[vi][r];
      if (c.nullable) {
        if (x === null) {
          out[o++] = 1;
          vi += c.type === 'UInt128BE' ? 2 : 1;
          continue;
        }
        out[o++] = 0;
      } else if (x === null) throw new Error(`internal: NULL in a non-nullable ${c.type} column`);
      switch (c.type) {
        case 'Int64':
          o = out.writeBigInt64LE(typeof x === 'bigint' ? x : BigInt(x as number), o);
          break;
        case 'UInt32':
          o = out.writeUInt32LE(Number(x), o);
          break;
        case 'UInt16':
          o = out.writeUInt16LE(Number(x), o);
          break;
        case 'String': {
          const b = strBytes[ci][r]!;
          let len = b.length;
          while (len >= 0x80) {
            out[o++] = (len & 0x7f) | 0x80;
            len >>>= 7;
          }
          out[o++] = len;
          o += b.copy(out, o);
          break;
        }
        case 'UInt128BE':
          // FixedString(16) holding the big-endian number: high word, then low word
          o = out.writeBigUInt64BE(x as bigint, o);
          o = out.writeBigUInt64BE(values[vi + 1][r] as bigint, o);
          break;
      }
      vi += c.type === 'UInt128BE' ? 2 : 1;
    }
  }
  return out.subarray(0, o);
}
