// When a file in a followed folder is complete, by its name, and how a growing text file of each
// format is cut into chunks that read like the whole file.
//
// Writers that rename into place: nfcapd writes nfcapd.current.<pid> and, at each -t rotation,
// closes it and renames it to nfcapd.YYYYMMDDhhmm (nfcapd.YYYYMMDDhhmmss below one minute); Zeek
// rotates conn.log to conn.<date>.log after closing it; many tools write NAME.tmp / NAME.part and
// rename. A final name of such a writer is complete the moment it appears. Any other file is
// complete once its size and mtime have not changed for the settle time and no process holds it
// open for writing (open-writers.ts).
import path from 'node:path';

/** Names of files still being written (or not data): never imported from a followed folder. */
const IN_PROGRESS: RegExp[] = [
  /^\./, // hidden: editors' and rsync's temporary files (.name.XXXXXX)
  /^nfcapd\.current\./, // nfcapd's file of the running interval
  /\.(tmp|temp|part|partial|partial\.\w+|crdownload|swp|lock)$/i,
  /~$/,
  /^\.?nfstat$/, // nfcapd's statistics file
];

/** Final names that their writer gives only to a closed file (renamed into place). */
const RENAMED_INTO_PLACE: RegExp[] = [
  /^nfcapd\.\d{12}(\d\d)?$/, // nfcapd -t rotation (seconds below one-minute intervals)
  /^nfcapd\.\d{12}(\d\d)?\.\d+$/, // nfcapd with -Z or ident suffixes in some versions
];

export type NameClass = 'in-progress' | 'renamed-into-place' | 'settle';

export function classifyName(file: string): NameClass {
  const name = path.basename(file);
  if (IN_PROGRESS.some((r) => r.test(name))) return 'in-progress';
  if (RENAMED_INTO_PLACE.some((r) => r.test(name))) return 'renamed-into-place';
  return 'settle';
}

/**
 * How a text format's file begins, for following it while it grows: every chunk of new lines is
 * read as a file of its own, made of the file's header lines and then the new lines, so the
 * format's own reader judges each line as it would in the whole file.
 * - none: every line is data (seed CSV, Zeek JSON lines)
 * - first-line: the first non-blank line names the columns (CSV with a header, Argus, nfdump CSV)
 * - hash-lines: the leading lines that start with '#' (Zeek TSV: #separator ... #types)
 * `trailer`: a line from which the rest of the file is not data (nfdump's Summary block), so later
 * chunks are not read as flows.
 */
export interface TailRule {
  header: 'none' | 'first-line' | 'hash-lines';
  trailer?: (line: string) => boolean;
}

export const TAIL_RULES: Record<string, TailRule> = {
  seed: { header: 'none' },
  'zeek-json': { header: 'none' },
  zeek: { header: 'hash-lines' },
  'zeek-csv': { header: 'first-line' },
  'csv-mapped': { header: 'first-line' },
  argus: { header: 'first-line' },
  cicflowmeter: { header: 'first-line' },
  'nfdump-csv': {
    header: 'first-line',
    trailer: (l) => /^(Summary|No matching flows)$/.test(l.replace(/\r$/, '').trim()),
  },
};

/**
 * Number of header lines at the start of `lines` (complete lines, without their newline), or null
 * when the header may not be complete yet (no data line after it so far).
 */
export function headerLineCount(rule: TailRule, lines: string[]): number | null {
  if (rule.header === 'none') return lines.length > 0 ? 0 : null;
  if (rule.header === 'hash-lines') {
    const i = lines.findIndex((l) => !l.startsWith('#'));
    return i > 0 ? i : i === 0 ? 0 : null;
  }
  const first = lines.findIndex((l) => l.replace(/\r$/, '').trim() !== '');
  if (first < 0) return null;
  // the header and at least one line after it: the header line is then surely complete
  return lines.length > first + 1 ? first + 1 : null;
}
