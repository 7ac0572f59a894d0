// nfcapd capture files (binary, written by nfcapd/sfcapd/nfpcapd), read by running the installed
// nfdump (`nfdump -r FILE -o csv`, TZ=UTC so its times are UTC) into a temporary CSV that the
// nfdump CSV loader reads. The nfdump version goes into the import details. Line numbers of rejects
// are lines of nfdump's CSV output (record n is line n + 1). A folder of nfcapd files is expanded
// into its files before import (see expand-inputs.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NetsiftError } from '../../core/errors';
import { readSample } from '../sample';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../types';
import { loadNfdumpCsv, nfdumpStyle } from './nfdump';

/** nfcapd file magic (0xA50C little-endian) and layout version 1 or 2. */
export function isNfcapd(head: Buffer): boolean {
  return (
    head.length >= 4 &&
    head[0] === 0x0c &&
    head[1] === 0xa5 &&
    (head[2] === 1 || head[2] === 2) &&
    head[3] === 0
  );
}

/** The nfdump binary: $NETSIFT_NFDUMP, else the first nfdump on PATH, else null. */
export function findNfdump(): string | null {
  const env = process.env.NETSIFT_NFDUMP;
  if (env) return fs.existsSync(env) ? env : null;
  for (const dir of (process.env.PATH ?? '/usr/bin:/usr/local/bin').split(path.delimiter)) {
    const p = path.join(dir, 'nfdump');
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

export function nfdumpVersion(bin: string): string {
  const r = spawnSync(bin, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const m = /Version:\s*(\S+)/.exec(text);
  return m ? m[1] : text.split('\n')[0] || 'unknown';
}

/** Lines and blank lines of nfdump's output (it is a temporary file we wrote, not the scanned input). */
function countLines(file: string): { lines: number; blank: number[] } {
  const b = fs.readFileSync(file);
  let n = 0;
  let start = 0;
  const blank: number[] = [];
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) {
    n++;
    if (i === start || (i === start + 1 && b[start] === 13)) blank.push(n);
    start = i + 1;
  }
  if (start < b.length) n++;
  return { lines: n, blank };
}

export const nfcapdFormat: FormatImporter = {
  id: 'nfcapd',
  title: 'nfcapd capture file (read with the installed nfdump)',
  sniff(sample: FileSample): number {
    return !sample.gzip && isNfcapd(sample.head) ? 0.95 : 0;
  },
  async load(ctx: LoadContext): Promise<LoadResult> {
    const bin = findNfdump();
    if (!bin)
      throw new NetsiftError(
        `${ctx.path}: an nfcapd capture file, but nfdump is not installed (apt-get install nfdump); ` +
          'or export it elsewhere with "nfdump -r FILE -o csv > flows.csv" and import the CSV',
      );
    const version = nfdumpVersion(bin);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-nfdump-'));
    const csv = path.join(dir, 'flows.csv');
    try {
      const out = fs.openSync(csv, 'w');
      let stderr = '';
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn(bin, ['-r', ctx.path, '-o', 'csv'], {
          env: { ...process.env, TZ: 'UTC' },
          stdio: ['ignore', out, 'pipe'],
        });
        ctx.job.onCancel(() => child.kill());
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (c) => resolve(c ?? -1));
      });
      fs.closeSync(out);
      ctx.job.checkCancelled();
      if (code !== 0)
        throw new NetsiftError(
          `${ctx.path}: nfdump ${version} could not read the file: ${stderr.trim().split('\n')[0] || `exit ${code}`}`,
        );
      const sample = await readSample(csv);
      if (!nfdumpStyle(sample.lines[0]?.split(',') ?? []))
        throw new NetsiftError(
          `${ctx.path}: nfdump ${version} printed no CSV header (first line: "${(sample.lines[0] ?? '').slice(0, 80)}")`,
        );
      const counted = countLines(csv);
      const res = await loadNfdumpCsv(
        { ...ctx, path: csv, sample, tz: 'UTC' },
        { totalLines: counted.lines - counted.blank.length, blankLines: counted.blank },
      );
      return {
        dataLines: res.dataLines,
        // no flows at all: "no flows in the capture", not "header only" (nfdump's CSV header)
        ...(res.dataLines === 0 ? { binary: true } : {}),
        lineOf: res.lineOf,
        details: {
          ...res.details,
          nfdump: { path: bin, version, command: 'nfdump -r FILE -o csv (TZ=UTC)' },
        },
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
