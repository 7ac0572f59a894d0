import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { ordinalsToLines } from './line-map';
import { LineCounter, scanFile } from './scan-file';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

function count(chunks: string[]) {
  const c = new LineCounter();
  for (const ch of chunks) c.push(Buffer.from(ch));
  c.finish();
  return { lines: c.lines, blank: c.blankLines, at: c.blankLineNumbers };
}

describe('LineCounter', () => {
  it('counts lines, blank lines (LF and CRLF) and a last line without newline', () => {
    expect(count(['a\n\nb\r\n\r\nc'])).toEqual({ lines: 5, blank: 2, at: [2, 4] });
    expect(count(['a\n'])).toEqual({ lines: 1, blank: 0, at: [] });
    expect(count([''])).toEqual({ lines: 0, blank: 0, at: [] });
    expect(count(['  \n'])).toEqual({ lines: 1, blank: 0, at: [] }); // whitespace is data (a reject)
  });

  it('gives the same answer wherever the chunks break', () => {
    const text = 'x,1\r\n\r\n\ny,2\r\n\rz\n\r';
    const whole = count([text]);
    for (let i = 0; i <= text.length; i++)
      for (let j = i; j <= text.length; j++)
        expect(count([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole);
  });
});

describe('scanFile', () => {
  it('hashes the stored bytes and counts the lines of the decompressed text', async () => {
    const text = 'a\nb\n\nc\n';
    const gz = tmp.file('x.gz');
    fs.writeFileSync(gz, zlib.gzipSync(text));
    const s = await scanFile(gz, { gzip: true });
    expect(s).toMatchObject({
      lines: 4,
      blankLines: 1,
      blankLineNumbers: [3],
      bytes: fs.statSync(gz).size,
    });
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ordinalsToLines', () => {
  it('maps the k-th accepted record past skipped lines', () => {
    expect(ordinalsToLines([0, 1, 2], [1])).toEqual([2, 3, 4]);
    expect(ordinalsToLines([1, 0], [3, 2])).toEqual([4, 1]);
    expect(ordinalsToLines([0, 1, 2, 3], [2, 4, 6, 6])).toEqual([1, 3, 5, 7]);
  });
});
