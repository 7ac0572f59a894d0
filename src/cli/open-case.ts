// Opening an existing case from the CLI: a missing file is an error, not a new empty case.
import fs from 'node:fs';
import { CaseStore, type OpenOptions } from '../engine/store/case-store';
import { NetsiftError } from '../engine/store/errors';

export async function openExistingCase(file: unknown, opts: OpenOptions = {}): Promise<CaseStore> {
  if (typeof file !== 'string' || !file) throw new NetsiftError('--case CASE.duckdb is required', 'usage');
  if (!fs.existsSync(file)) throw new NetsiftError(`${file}: no such case file`, 'input');
  return CaseStore.open(file, opts);
}
