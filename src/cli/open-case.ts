// Opening an existing case from the CLI: a missing file is an error, not a new empty case.
// Commands that only read (report, allow --list, triage without changes, eval --label-column)
// open it read-only, so a case the user may not write (a colleague's file, a write-protected
// share) still reports; commands that change it say plainly that they cannot.
import fs from 'node:fs';
import { CaseStore, NetsiftError, type OpenOptions } from '../engine/index';

function checkExists(file: unknown): string {
  if (typeof file !== 'string' || !file)
    throw new NetsiftError('--case CASE.duckdb is required', 'usage');
  if (!fs.existsSync(file)) throw new NetsiftError(`${file}: no such case file`, 'input');
  return file;
}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** For a command that changes the case (read-write). */
export async function openExistingCase(file: unknown, opts: OpenOptions = {}): Promise<CaseStore> {
  const f = checkExists(file);
  if (opts.readOnly) return openCaseToRead(f, opts);
  if (!writable(f))
    throw new NetsiftError(
      `${f}: the case file is read-only (no write permission), and this command changes the case; ` +
        `copy the case somewhere writable to change it (reports work on it as it is)`,
      'case',
    );
  return CaseStore.open(f, opts);
}

/**
 * For a command that only reads: read-only. A case that first needs an upgrade, or the numbering
 * an interrupted import left, is finished in one read-write open when the user may write it.
 */
export async function openCaseToRead(
  file: unknown,
  opts: Omit<OpenOptions, 'readOnly'> = {},
): Promise<CaseStore> {
  const f = checkExists(file);
  try {
    return await CaseStore.open(f, { ...opts, readOnly: true });
  } catch (e) {
    const unfinished =
      e instanceof NetsiftError &&
      /needs an upgrade but was opened read-only|open the case read-write once/.test(e.message);
    if (!unfinished || !writable(f)) throw e;
  }
  (await CaseStore.open(f, opts)).close();
  return CaseStore.open(f, { ...opts, readOnly: true });
}
