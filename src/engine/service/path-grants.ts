// Where a page may point the engine on disk. The renderer (over HTTP or IPC) names files to open,
// import, create or copy to, and any page that reaches the service could otherwise make the
// process read or write anywhere it can. A path is accepted only when it lies in:
//  - the app's own folders under NETSIFT_HOME (cases it keeps, files uploaded to it);
//  - what the user granted: files or folders chosen in a native dialog or dropped on the window
//    (Electron main records them), or given on the command line (`serve --case X`, `--grant DIR`).
// Everything else is refused with code 'forbidden' before the path is looked at, so the answer
// does not even tell whether the file exists. Links are resolved first: a symlink inside a granted
// folder cannot lead out of it.
import fs from 'node:fs';
import path from 'node:path';
import { NetsiftError } from '../core/errors';

/** What a path is for: a case to open, create or copy to, or a file to read (import, feed). */
export type PathUse = 'case' | 'read';

/** One of the app's own folders and what it may be used for. */
export interface AppDir {
  dir: string;
  use: PathUse;
}

export class PathGrants {
  /** Real paths of single granted files (a case given with --case, a file chosen in a dialog). */
  private readonly files = new Set<string>();
  /** Real paths of granted folders: everything below them is granted too. */
  private readonly dirs = new Set<string>();

  /**
   * `appDirs` are always granted, each for its use (NETSIFT_HOME/cases for cases, /uploads for
   * reading); read on every check, as NETSIFT_HOME may change (tests).
   */
  constructor(private readonly appDirs: () => AppDir[]) {}

  /** Grants a file or a folder (whichever it is; a missing path is granted as a file to create). */
  grant(p: string): string {
    const real = realPath(p);
    let dir = false;
    try {
      dir = fs.statSync(real).isDirectory();
    } catch {
      // not there yet: a case file the user named (serve --case NEW.duckdb)
    }
    (dir ? this.dirs : this.files).add(real);
    return real;
  }

  /** Folders a person may name paths in: the app's cases folder, then those granted (Home shows them). */
  folders(): string[] {
    const app = this.appDirs().filter((a) => a.use === 'case');
    return [...app.map((a) => realPath(a.dir)), ...this.dirs];
  }

  /** Whether `p` is granted for `use`, without throwing. */
  allows(p: string, use: PathUse = 'read'): boolean {
    try {
      this.check(p, 'path', use);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A folder to follow (issue 20): a granted folder itself, or one below a granted folder (check
   * refuses the granted folder itself, which is no file to open). Its real path, or 'forbidden'.
   */
  checkFolder(p: unknown, what = 'folder'): string {
    if (typeof p === 'string' && p !== '' && !p.includes('\0') && this.dirs.has(realPath(p)))
      return realPath(p);
    return this.check(p, what, 'read');
  }

  /**
   * The absolute, link-free path of `p` when it is granted; otherwise a 'forbidden' error that
   * names the path as given and nothing about the file.
   */
  check(p: unknown, what = 'path', use: PathUse = 'read'): string {
    if (typeof p !== 'string' || p === '' || p.includes('\0'))
      throw new NetsiftError(`${what}: not a path`, 'usage');
    const real = realPath(p);
    if (this.files.has(real)) return real;
    const app = this.appDirs()
      .filter((a) => a.use === use)
      .map((a) => realPath(a.dir));
    for (const d of [...app, ...this.dirs]) if (inside(real, d)) return real;
    throw new NetsiftError(
      `${p}: forbidden: netsift opens only files chosen in a file dialog, uploaded, kept under its own folder, or in a folder granted with --grant`,
      'forbidden',
    );
  }
}

/** `p` made absolute with every link resolved; a part that does not exist yet is kept as named. */
export function realPath(p: string, depth = 0): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest);
    } catch {
      // a dangling link would be followed when the file is created: resolve it by hand
      const link = readLink(cur);
      if (link !== null && depth < 32)
        return path.join(realPath(path.resolve(path.dirname(cur), link), depth + 1), ...rest);
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

function readLink(p: string): string | null {
  try {
    return fs.lstatSync(p).isSymbolicLink() ? fs.readlinkSync(p) : null;
  } catch {
    return null;
  }
}

/** Strictly below `dir` (the folder itself is not a file to open). */
function inside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
