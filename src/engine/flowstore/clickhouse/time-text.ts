// Timestamp text (selectors, brushed ranges, filter values) -> microseconds since the epoch, UTC,
// without going through Date (which keeps milliseconds only). Zone-less text is UTC, as in the
// case's flows table; an explicit offset is applied (netsift itself writes `Z` or none).
import { NetsiftError } from '../../core/errors';

const RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

export function timeTextToUs(text: string): number {
  const m = RE.exec(text.trim());
  if (!m) throw new NetsiftError(`not a timestamp: '${text}'`, 'usage');
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(
    Number,
  );
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(ms)) throw new NetsiftError(`not a timestamp: '${text}'`, 'usage');
  if (m[8] && m[8].toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(m[8])!;
    const off = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    ms += z[1] === '+' ? -off : off;
  }
  const micros = m[7] ? Number(m[7].padEnd(6, '0').slice(0, 6)) : 0;
  return ms * 1000 + micros;
}

/** Microseconds -> ISO 8601 UTC as the DuckDB side returns it (Date precision: milliseconds). */
export function usToIso(us: number | string | null): string | null {
  if (us === null || us === undefined) return null;
  const n = Number(us);
  return new Date(Math.floor(n / 1000)).toISOString();
}
