// Which processes hold a file open for writing, from Linux's /proc/<pid>/fd and fdinfo (what
// fuser and lsof read). A file a writer still holds is not complete yet, however long it has
// been quiet: Zeek keeps conn.log open between bursts, tcpdump -G its current pcap. Where /proc is
// not there (macOS, Windows) the answer is "not known" and the follower decides by size
// stability alone; processes of other users are invisible to a non-root follower (counted).
import fs from 'node:fs';

export interface WriterScan {
  /** false: no /proc here, so nothing is known about writers */
  known: boolean;
  /** path -> pids holding it open for writing (only the asked paths) */
  writers: Map<string, number[]>;
  /** processes whose open files could not be read (another user's, without root) */
  hidden: number;
}

function accessMode(pid: string, fd: string): number | null {
  try {
    const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    const m = /^flags:\s*([0-7]+)/m.exec(info);
    return m ? parseInt(m[1], 8) & 3 : null;
  } catch {
    return null; // the fd closed meanwhile
  }
}

/**
 * Scans every process once for the given paths (as the kernel names them: absolute, symlinks
 * resolved; a renamed file carries its new name). Our own process is left out.
 */
export function openWriters(paths: string[]): WriterScan {
  const out: WriterScan = { known: false, writers: new Map(), hidden: 0 };
  if (paths.length === 0) return { ...out, known: fs.existsSync('/proc/self/fd') };
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  if (!fs.existsSync('/proc/self/fd')) return out;
  out.known = true;
  const wanted = new Set(paths);
  const self = String(process.pid);
  for (const pid of pids) {
    if (pid === self) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') out.hidden++;
      continue; // exited meanwhile, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(target)) continue;
      const mode = accessMode(pid, fd);
      if (mode !== 1 && mode !== 2) continue; // read-only opens (readers, us) do not count
      const list = out.writers.get(target) ?? [];
      if (!list.includes(Number(pid))) list.push(Number(pid));
      out.writers.set(target, list);
    }
  }
  return out;
}

/** The name the kernel gives an open file of ours now (it follows renames; " (deleted)" when gone). */
export function nameOfOpenFile(fd: number): string | null {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}
