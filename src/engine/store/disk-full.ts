// "No space left on device", said so: DuckDB reports a full disk as a failed write or commit deep in
// its message, and the import used to pass it on as "could not read the file" or an internal error.
// This names the device (file system and mount point, from /proc/self/mountinfo where there is one)
// and the case that was being written.
import fs from 'node:fs';
import path from 'node:path';
import { NetsiftError } from '../core/errors';

export function isDiskFull(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return (
    (e as NodeJS.ErrnoException)?.code === 'ENOSPC' ||
    /no space left on device|ENOSPC|disk is full|not enough space/i.test(msg)
  );
}

/** "tmpfs at /mnt/cases" for the file system holding `file` (Linux), else its folder. */
export function deviceOf(file: string): string {
  let dir = path.dirname(path.resolve(file));
  try {
    dir = fs.realpathSync(dir);
  } catch {
    // keep the path as given
  }
  let best: { mount: string; source: string; type: string } | null = null;
  try {
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      // id parent major:minor root mountpoint options [optional...] - type source superoptions
      const [pre, post] = line.split(' - ');
      if (!post) continue;
      const mount = pre.split(' ')[4].replace(/\\040/g, ' ');
      const [type, source] = post.split(' ');
      const inside = dir === mount || dir.startsWith(mount === '/' ? '/' : `${mount}/`);
      if (inside && (!best || mount.length >= best.mount.length)) best = { mount, source, type };
    }
  } catch {
    // not Linux: no mount table to read
  }
  if (!best) return `the disk holding ${dir}`;
  const src =
    best.source && best.source !== best.type ? `${best.source} (${best.type})` : best.type;
  return `${src} at ${best.mount}`;
}

/** The file DuckDB failed to write, when its message names one (the WAL, a spill file). */
function writtenFile(e: unknown): string | null {
  const msg = e instanceof Error ? e.message : String(e);
  return /write file "([^"]+)"/i.exec(msg)?.[1] ?? null;
}

/** The analyst's message for a full disk while writing `casePath`; `outcome` says what became of the work. */
export function diskFullError(casePath: string, e: unknown, outcome: string): NetsiftError {
  const file = writtenFile(e) ?? casePath;
  return new NetsiftError(
    `no space left on ${deviceOf(file)} while writing ${casePath}; ${outcome}`,
    'case',
  );
}

const MB = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/**
 * Refuses (before a commit) work that would leave the case needing more room than the disk has:
 * `need` bytes free next to the case. Where free space cannot be read, nothing is refused.
 */
export function ensureRoom(casePath: string, need: number, outcome: string): void {
  let free: number;
  try {
    const s = fs.statfsSync(path.dirname(path.resolve(casePath)));
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free >= need) return;
  throw new NetsiftError(
    `no space left on ${deviceOf(casePath)} while writing ${casePath}: about ${MB(need)} needed, ` +
      `${MB(free)} free; ${outcome}`,
    'case',
  );
}
