// The files an import request names: uploads by id, granted paths (a folder stands for its
// files). Every path is checked against the grants before anything looks at it.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportRequest, ImportSource } from '../../shared/api';
import { NetsiftError } from '../core/errors';
import { expandInputs } from '../import/expand-inputs';
import type { ImportInput } from './import-job';
import type { PathGrants } from './path-grants';
import type { UploadStore } from './uploads';

/** One file to import, where it came from, and the upload it is (null for a path). */
export type SourceFile = ImportInput & {
  source: ImportSource;
  upload: string | null;
  from: number;
};

export function resolveSources(
  req: ImportRequest,
  grants: PathGrants,
  uploads: UploadStore,
): SourceFile[] {
  if (!req || typeof req !== 'object' || !Array.isArray(req.sources) || !req.sources.length)
    throw new NetsiftError('no files to import', 'usage');
  const out: SourceFile[] = [];
  for (const [from, s] of (req.sources as unknown[]).entries()) {
    if (s && typeof s === 'object' && 'upload' in s) {
      const id = (s as { upload: unknown }).upload;
      const file = uploads.file(id);
      out.push({
        path: file,
        name: path.basename(file),
        bytes: fileSize(file),
        source: { upload: String(id) },
        upload: String(id),
        from,
      });
    } else if (s && typeof s === 'object' && 'path' in s) {
      const given = (s as { path: unknown }).path;
      const p = grants.check(given, 'file to import');
      if (!fs.existsSync(p)) throw new NetsiftError(`${String(given)}: no such file`, 'input');
      for (const f of expandInputs([p])) {
        const real = grants.check(f, 'file to import');
        out.push({
          path: real,
          name: path.basename(real),
          bytes: fileSize(real),
          source: { path: real },
          upload: uploads.idOf(real),
          from,
        });
      }
    } else throw new NetsiftError('each source is {path} or {upload}', 'usage');
  }
  return out;
}

export function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

/** What the analyst picked, in a word: the file or folder when one, else how many. */
export function sourcesTitle(req: ImportRequest, inputs: ImportInput[]): string {
  if (req.sources.length !== 1) return `${req.sources.length} files`;
  const s = req.sources[0];
  return 'path' in s && typeof s.path === 'string' ? path.basename(s.path) : inputs[0].name;
}
