// Reads the first bytes of a file (decompressed when gzip) for sniffing, and explains in plain
// words why a file that no format claims is not a flow file.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FileSample } from './types';

const SAMPLE_BYTES = 64 * 1024;
const SAMPLE_LINES = 50;

export function isGzipMagic(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export async function readSample(file: string): Promise<FileSample> {
  const fh = await fs.promises.open(file, 'r');
  let raw: Buffer;
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    raw = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const gzip = isGzipMagic(raw);
  const head = gzip ? gunzipHead(raw) : raw;
  return { path: file, name: path.basename(file), gzip, head, lines: sampleLines(head) };
}

/** Decompresses what it can of a gzip prefix (the rest of the stream is not there yet). */
function gunzipHead(raw: Buffer): Buffer {
  try {
    return zlib
      .gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH })
      .subarray(0, SAMPLE_BYTES * 4);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Complete lines of the head (the last, possibly cut, line is dropped unless it is the only one). */
function sampleLines(head: Buffer): string[] {
  const text = head.toString('utf8');
  const parts = text.split('\n');
  if (parts.length > 1) parts.pop();
  return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).slice(0, SAMPLE_LINES);
}

/** True when the head looks like binary data rather than text. */
export function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 8192);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i];
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) odd++;
  }
  return odd / n > 0.05;
}

/** Why no format claimed the file, in words an analyst understands. */
export function explainUnknown(sample: FileSample, size: number): string {
  if (size === 0 || (sample.gzip && sample.head.length === 0 && size < 64)) return 'empty file';
  if (looksBinary(sample.head)) return 'binary data, not a flow file';
  const data = sample.lines.filter((l) => l.trim() !== '');
  if (data.length === 0) return 'empty file (only blank lines)';
  const first = data[0].trimStart().toLowerCase();
  if (
    first.startsWith('<!doctype html') ||
    first.startsWith('<html') ||
    /<(head|body|title)\b/.test(first)
  )
    return 'looks like HTML, not a flow file';
  if (first.startsWith('<?xml') || first.startsWith('<')) return 'looks like XML, not a flow file';
  if (first.startsWith('{') || first.startsWith('['))
    return 'looks like JSON, but not a flow format netsift knows';
  // never quote the line: a file that is not a flow file may hold anything (a password hash, a
  // key), and this message travels to the page and into logs. Its shape is enough to go on.
  return `not a flow format netsift recognises (first line: ${lineShape(data[0])}); try --format seed or --format csv with --map`;
}

/** "7 fields separated by ':'" or "one field of 40 characters": the shape of a line, not its text. */
export function lineShape(line: string): string {
  let best = '';
  let most = 0;
  for (const sep of [',', '\t', ';', '|', ':', ' ']) {
    const n = line.split(sep).length - 1;
    if (n > most) {
      best = sep;
      most = n;
    }
  }
  if (!most) return `one field of ${line.length} characters`;
  const name = best === '\t' ? 'tabs' : best === ' ' ? 'spaces' : `'${best}'`;
  return `${most + 1} fields separated by ${name}`;
}
