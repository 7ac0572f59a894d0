// What kind of input a path is, before any format looks at it: only regular files are read (a
// named pipe would be drained by the first reader and block the second; a device never ends), and
// only UTF-8 (or ASCII) text or binary captures: UTF-16 text would reach DuckDB's CSV reader as
// NUL-riddled bytes and fail with a parser error far from the cause.
import type fs from 'node:fs';
import { NetsiftError } from '../core/errors';

/** Refuses anything but a regular file, naming what it is. Called on stat(), before any open(). */
export function refuseNonFile(abs: string, st: fs.Stats): void {
  if (st.isFile()) return;
  if (st.isFIFO())
    throw new NetsiftError(
      `${abs}: is a named pipe (FIFO), not a file; netsift reads a file twice (import and checksum), ` +
        `so save the stream first, e.g. cat ${abs} > flows.csv`,
      'input',
    );
  const kind = st.isCharacterDevice()
    ? 'a character device'
    : st.isBlockDevice()
      ? 'a block device'
      : st.isSocket()
        ? 'a socket'
        : 'not a regular file';
  throw new NetsiftError(`${abs}: is ${kind}, not a file; import a flow file`, 'input');
}

/**
 * UTF-16 text by its byte order mark, or without one by its pattern: ASCII text in UTF-16 has a
 * NUL in every other byte. Returns the byte order, or null.
 */
export function utf16Kind(head: Buffer): 'LE' | 'BE' | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'LE';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'BE';
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 16) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.9 && evenNul < pairs * 0.05) return 'LE';
  if (evenNul > pairs * 0.9 && oddNul < pairs * 0.05) return 'BE';
  return null;
}

export function refuseUtf16(abs: string, head: Buffer): void {
  const kind = utf16Kind(head);
  if (kind)
    throw new NetsiftError(
      `${abs}: UTF-16 ${kind} text; netsift reads UTF-8: convert it first, e.g. ` +
        `iconv -f UTF-16 -t UTF-8 ${abs} > flows-utf8.csv`,
      'input',
    );
}
