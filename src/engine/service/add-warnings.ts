// What to tell the analyst before files are added to the open case: captures of another time or
// another format usually belong in a case of their own (two captures years apart under one name
// made a two-bucket timeline and mixed incidents).
import type { CaseInfo, ImportFileCheck } from '../../shared/api';

/** A file starting further than this from the case's flows is "far apart". */
export const FAR_APART_MS = 24 * 3600 * 1000;

export function addWarnings(info: CaseInfo, files: ImportFileCheck[]): string[] {
  const out: string[] = [];
  const formats = new Set(info.imports.map((i) => i.format));
  const lo = info.firstTs ? Date.parse(info.firstTs) : null;
  const hi = info.lastTs ? Date.parse(info.lastTs) : null;
  for (const f of files) {
    if (f.error) continue;
    if (f.format && formats.size && !formats.has(f.format))
      out.push(
        `${f.name} is ${f.formatTitle ?? f.format}; this case holds ${[...formats].join(', ')}.`,
      );
    if (f.firstTs && lo != null && hi != null) {
      const t = Date.parse(f.firstTs);
      const gap = t > hi ? t - hi : t < lo ? lo - t : 0;
      if (gap > FAR_APART_MS)
        out.push(
          `${f.name} starts ${f.firstTs.slice(0, 10)}, ${far(gap)} ${t > hi ? 'after' : 'before'} this case's flows ` +
            `(${info.firstTs!.slice(0, 10)} to ${info.lastTs!.slice(0, 10)}).`,
        );
    }
  }
  return out;
}

function far(ms: number): string {
  const days = ms / 86_400_000;
  if (days >= 730) return `${Math.round(days / 365)} years`;
  if (days >= 60) return `${Math.round(days / 30)} months`;
  return `${Math.round(days)} days`;
}
