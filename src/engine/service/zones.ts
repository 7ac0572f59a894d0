// Time zones at import: the analyst's choice checked, and how each import's timestamps were placed
// in time (CaseZone), for the import summary and the workspace header.
import type { CaseZone, ImportFileState } from '../../shared/api';
import type { ImportRecord } from '../../shared/model';
import { NetsiftError } from '../core/errors';

/** The chosen zone as an IANA name, or null for "as the format says" (UTC where it says nothing). */
export function checkTz(tz: unknown): string | null {
  if (tz == null || tz === '') return null;
  if (typeof tz !== 'string')
    throw new NetsiftError('a time zone is an IANA name such as Europe/Berlin', 'usage');
  try {
    // the same ICU names DuckDB knows; a bad one throws RangeError
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new NetsiftError(
      `time zone "${tz}" is not one netsift knows; use an IANA name such as Europe/Berlin or UTC`,
      'usage',
    );
  }
  return tz;
}

/** Groups files by zone and how it was decided, in first-seen order. */
function group(items: { zone: string; source: CaseZone['source']; file: string }[]): CaseZone[] {
  const out: CaseZone[] = [];
  for (const it of items) {
    const z = out.find((x) => x.zone === it.zone && x.source === it.source);
    if (z) z.files.push(it.file);
    else out.push({ zone: it.zone, source: it.source, files: [it.file] });
  }
  return out;
}

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** A case's zones: what the service recorded per import (ZONES_KEY); 'unknown' for the others. */
export function caseZones(
  imports: ImportRecord[],
  recorded: Record<string, { source: CaseZone['source'] }>,
): CaseZone[] {
  return group(
    imports.map((i) => ({
      zone: i.tz || 'UTC',
      source: recorded[String(i.id)]?.source ?? 'unknown',
      file: base(i.path),
    })),
  );
}

/** The zones of one import job's files that were imported. */
export function jobZones(files: ImportFileState[]): CaseZone[] {
  return group(
    files
      // a file taken as something other than flows (no zone looked at, no flows) has none to show
      .filter((f) => f.status === 'done' && (f.zone !== null || (f.flows ?? 0) > 0))
      .map((f) => ({ zone: f.tz, source: f.zone ?? 'unknown', file: f.name })),
  );
}
