// One streamed pass over the file while DuckDB reads it: sha256 of the stored bytes (duplicate
// detection) and the line count of the text (decompressed when gzip), so that
// `rows read + rows rejected = data lines` is checked against a count DuckDB did not make.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { FileScan } from './types';

const NL = 0x0a;
const CR = 0x0d;

/** Counts lines and blank lines across chunks; a chunk boundary may fall anywhere. */
export class LineCounter {
  lines = 0;
  blankLines = 0;
  readonly blankLineNumbers: number[] = [];
  /** Bytes seen on the current (unfinished) line, capped at 2: 0 empty, 1 just "\r", 2 more. */
  private cur = 0;
  private curIsCr = false;

  push(buf: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      const end = nl < 0 ? buf.length : nl;
      const len = end - start;
      if (len > 0) {
        if (this.cur === 0 && len === 1 && buf[start] === CR) {
          this.cur = 1;
          this.curIsCr = true;
        } else {
          this.cur = 2;
          this.curIsCr = false;
        }
      }
      if (nl < 0) return;
      this.endLine();
      start = nl + 1;
    }
  }

  private endLine(): void {
    this.lines++;
    if (this.cur === 0 || (this.cur === 1 && this.curIsCr)) {
      this.blankLines++;
      this.blankLineNumbers.push(this.lines);
    }
    this.cur = 0;
    this.curIsCr = false;
  }

  /** A last line without a newline still counts (a truncated last line is a line). */
  finish(): void {
    if (this.cur > 0) {
      this.lines++;
      if (this.curIsCr) {
        this.blankLines++;
        this.blankLineNumbers.push(this.lines);
      }
    }
    this.cur = 0;
  }
}

export async function scanFile(
  file: string,
  opts: { gzip: boolean; signal?: AbortSignal; onBytes?: (n: number) => void },
): Promise<FileScan> {
  const hash = createHash('sha256');
  const counter = new LineCounter();
  let bytes = 0;
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20, signal: opts.signal });
  input.on('data', (chunk) => {
    const b = chunk as Buffer;
    hash.update(b);
    bytes += b.length;
    opts.onBytes?.(bytes);
  });
  const text: NodeJS.ReadableStream = opts.gzip ? input.pipe(zlib.createGunzip()) : input;
  await new Promise<void>((resolve, reject) => {
    input.on('error', reject);
    text.on('error', reject);
    text.on('data', (chunk: Buffer) => counter.push(chunk));
    text.on('end', () => resolve());
  });
  counter.finish();
  return {
    sha256: hash.digest('hex'),
    bytes,
    lines: counter.lines,
    blankLines: counter.blankLines,
    blankLineNumbers: counter.blankLineNumbers,
  };
}
