// One streamed pass over the file while DuckDB reads it: sha256 of the stored bytes (duplicate
// detection) and the line count of the text (decompressed when gzip), so that
// `rows read + rows rejected = data lines` is checked against a count DuckDB did not make.
import { createHash, type Hash } from 'node:crypto';
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
  const bytes = opts.gzip
    ? await scanGzip(file, hash, counter, opts)
    : await scanPlain(file, hash, counter, opts);
  counter.finish();
  return {
    sha256: hash.digest('hex'),
    bytes,
    lines: counter.lines,
    blankLines: counter.blankLines,
    blankLineNumbers: counter.blankLineNumbers,
  };
}

type ScanOpts = { signal?: AbortSignal; onBytes?: (n: number) => void };

/**
 * Plain text: one buffer, read into again and again. A stream hands out a fresh 1 MB buffer per
 * chunk, and the kernel zeroes every page of each: at 10M flows (765 MB) that was 24k page faults
 * and 1.6 CPU-s for this pass, against 3.6k and 1.0 CPU-s now, while DuckDB needs both cores.
 */
async function scanPlain(
  file: string,
  hash: Hash,
  counter: LineCounter,
  opts: ScanOpts,
): Promise<number> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let bytes = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return bytes;
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      hash.update(chunk);
      counter.push(chunk);
      bytes += bytesRead;
      opts.onBytes?.(bytes);
    }
  } finally {
    await fh.close();
  }
}

/** Gzip: the stored bytes are hashed, the decompressed text is counted. */
async function scanGzip(
  file: string,
  hash: Hash,
  counter: LineCounter,
  opts: ScanOpts,
): Promise<number> {
  let bytes = 0;
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20, signal: opts.signal });
  input.on('data', (chunk) => {
    const b = chunk as Buffer;
    hash.update(b);
    bytes += b.length;
    opts.onBytes?.(bytes);
  });
  const text = input.pipe(zlib.createGunzip());
  await new Promise<void>((resolve, reject) => {
    input.on('error', reject);
    text.on('error', reject);
    text.on('data', (chunk: Buffer) => counter.push(chunk));
    text.on('end', () => resolve());
  });
  return bytes;
}
