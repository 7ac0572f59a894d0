// The plausible time window of an import: a flow stamped outside it (year 0001, 9999, the epoch of
// an unset clock, DuckDB's largest timestamp) is a reject with its line, not a flow that stretches
// the timeline's buckets over centuries. The analyst widens it per import (`--time-window`);
// it never goes past 0001-01-01..9999-12-31, which DuckDB, JavaScript dates and ISO text all hold.
import { NetsiftError } from '../core/errors';

/** Both ends inclusive, UTC calendar days `YYYY-MM-DD`. */
export interface TimeWindow {
  from: string;
  to: string;
}

export const DEFAULT_TIME_WINDOW: TimeWindow = { from: '1990-01-01', to: '2100-12-31' };

const DAY_RE = /^(\d{4})(?:-(\d{2})-(\d{2}))?$/;

/** `YYYY` or `YYYY-MM-DD` as a day; a bare year is its first day (`end`: its last day). */
function day(text: string, end: boolean, what: string): string {
  const m = DAY_RE.exec(text.trim());
  const bad = () =>
    new NetsiftError(
      `--time-window: ${what} "${text}" is not a year (YYYY) or a date (YYYY-MM-DD) between 0001 and 9999`,
      'usage',
    );
  if (!m || m[1] === '0000') throw bad();
  if (!m[2]) return end ? `${m[1]}-12-31` : `${m[1]}-01-01`;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) throw bad();
  return iso;
}

/** Checks a window (from the CLI, the app or a test) and returns it normalised to days. */
export function checkTimeWindow(w: { from: string; to: string }): TimeWindow {
  const out = { from: day(w.from, false, 'start'), to: day(w.to, true, 'end') };
  if (out.from > out.to)
    throw new NetsiftError(
      `--time-window: the start ${out.from} is after the end ${out.to}`,
      'usage',
    );
  return out;
}

/** `FROM..TO` (years or dates, e.g. `1990..2100`, `2017-07-03..2017-07-07`). */
export function parseTimeWindow(text: string): TimeWindow {
  const parts = text.split('..');
  if (parts.length !== 2)
    throw new NetsiftError(
      `--time-window ${text}: expected FROM..TO, e.g. 1990..2100 or 2017-07-03..2017-07-07`,
      'usage',
    );
  return checkTimeWindow({ from: parts[0], to: parts[1] });
}

/**
 * SQL that is true when TIMESTAMP expression `x` lies outside the window. The bounds are literals
 * made here from checked digits (this runs inside the direct path's insert filter, whose bound
 * parameters belong to the format's read).
 */
export function outsideSql(x: string, w: TimeWindow): string {
  return `(${x} NOT BETWEEN TIMESTAMP '${w.from} 00:00:00' AND TIMESTAMP '${w.to} 23:59:59.999999')`;
}

/** How the window reads in a reject. */
export function windowText(w: TimeWindow): string {
  return `${w.from}..${w.to}`;
}
