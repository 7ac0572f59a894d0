// Turns the paths an analyst gave (files and folders) into the list of files to import: a folder
// (a day of Zeek logs, an nfcapd directory tree) stands for every regular file below it, in name
// order, skipping hidden files and the usual non-flow companions.
import fs from 'node:fs';
import path from 'node:path';
import { NetsiftError } from '../core/errors';

const SKIP = /^(\.|README|LICENSE)|\.(md|txt|json\.sig|sha256|pdf|html?)$|^nfcapd\.current\./i;

export function expandInputs(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const entries = fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (SKIP.test(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      out.push(p); // the pipeline reports "file not found" with the path
      continue;
    }
    if (st.isDirectory()) {
      const before = out.length;
      walk(p);
      if (out.length === before)
        throw new NetsiftError(`${path.resolve(p)}: folder holds no files to import`, 'input');
    } else out.push(p);
  }
  return out;
}
