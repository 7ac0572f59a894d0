// Temporary folders netsift makes for itself (the case of `netsift analyze` without --case) carry
// owner.json: the pid of the process that made them and when that process started. A process
// killed with SIGKILL cannot remove its folder, so every netsift that makes one first deletes the
// folders whose process is gone: a pid that no longer runs, or runs a newer program (the pid was
// reused: its start time differs). A folder whose process still runs is never touched, nor one
// without owner.json (not ours to judge).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const OWNER = 'owner.json';

interface Owner {
  pid: number;
  /** The process's start time as the OS reports it (Linux: /proc/<pid>/stat field 22), or null. */
  started: string | null;
}

/** A fresh folder under the system temp folder, marked as this process's. */
export function makeOwnedTempDir(prefix: string, root = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(root, prefix));
  const owner: Owner = { pid: process.pid, started: processStart(process.pid) };
  fs.writeFileSync(path.join(dir, OWNER), JSON.stringify(owner));
  return dir;
}

/** Deletes the `prefix` folders under `root` whose owning process is gone; returns them. */
export function sweepStaleTempDirs(prefix: string, root = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => n.startsWith(prefix));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(root, name);
    let owner: Owner;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER), 'utf8')) as Owner;
    } catch {
      continue; // no marker: made by an older netsift, or being made right now
    }
    if (typeof owner.pid !== 'number' || ownerRuns(owner)) continue;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // another sweeper got there first, or it is not ours to delete after all
    }
  }
  return removed;
}

function ownerRuns(owner: Owner): boolean {
  if (owner.pid === process.pid) return owner.started === processStart(process.pid);
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the pid runs, as another user
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStart(owner.pid);
  return now === null || owner.started === null || now === owner.started;
}

/** Start time of a process in clock ticks since boot (Linux); null where /proc is not there. */
export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 of the whole line
  } catch {
    return null;
  }
}
