// Where each row of a quoted CSV starts, when some quoted value holds a line break. DuckDB's CSV
// reader then numbers rows, not lines (its reject `line` is a row number), and keeps no number at
// all for the rows it accepts; the file's physical lines no longer match its records one to one.
// This pass (run only for such files) follows the quotes as the reader does: a line break inside
// an odd number of '"' continues the row ("" is an escaped quote: it toggles twice).
import fs from 'node:fs';
import zlib from 'node:zlib';

const NL = 0x0a;
const QUOTE = 0x22;

export interface QuotedRows {
  /** 1-based physical line where each row starts; index r is DuckDB's row r + 1. */
  start: number[];
  /** Physical lines each row spans (1 for an ordinary row). */
  span: number[];
}

async function* chunks(file: string, gzip: boolean): AsyncGenerator<Buffer> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzip ? input.pipe(zlib.createGunzip()) : input;
  if (gzip) input.on('error', (e) => stream.destroy(e));
  for await (const c of stream) yield c as Buffer;
}

export async function quotedRows(file: string, gzip: boolean): Promise<QuotedRows> {
  const start: number[] = [];
  const span: number[] = [];
  let line = 1; // current physical line
  let rowStart = 1;
  let inQuotes = false;
  let bytesOnLine = false; // the current physical line has bytes (a last line without "\n" counts)
  for await (const buf of chunks(file, gzip)) {
    let i = 0;
    let nl = buf.indexOf(NL, 0);
    let q = buf.indexOf(QUOTE, 0);
    for (;;) {
      if (q >= 0 && (nl < 0 || q < nl)) {
        inQuotes = !inQuotes;
        bytesOnLine = true;
        i = q + 1;
        q = buf.indexOf(QUOTE, i);
        continue;
      }
      if (nl < 0) {
        if (i < buf.length) bytesOnLine = true;
        break;
      }
      if (!inQuotes) {
        start.push(rowStart);
        span.push(line - rowStart + 1);
        rowStart = line + 1;
      }
      line++;
      bytesOnLine = false;
      i = nl + 1;
      nl = buf.indexOf(NL, i);
    }
  }
  // a last row without a final line break (or a quote left open to the end) is a row too
  const last = bytesOnLine ? line : line - 1;
  if (last >= rowStart) {
    start.push(rowStart);
    span.push(last - rowStart + 1);
  }
  return { start, span };
}
