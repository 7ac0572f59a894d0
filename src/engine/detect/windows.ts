import type { DetectDialect } from '../flowstore/dialect-detect';

// Tumbling windows, in SQL (through the run's dialect) and in TypeScript. In SQL a window is floor(epoch(ts) / S), or
// epoch_us(ts) // (S in microseconds, windowMicros) for integer keys; its start and end come back
// as TIMESTAMPs so rows arrive as ISO strings. S is bound as the named parameter $ws. A detector
// that reads window keys back turns them into its evidence's times with windowSpan, and an
// evidence `to` after a last flow's time with isoJustAfter (evidence ends are exclusive).

/** Window index of a timestamp column (BIGINT). Needs the named parameter $ws. */
export function windowIndex(d: DetectDialect, col = 'ts'): string {
  return `floor(${d.epoch(col)} / $ws)::BIGINT`;
}

/** TIMESTAMP at which window `w` starts. */
export function windowStart(d: DetectDialect, w: string): string {
  return d.tsFromUs(`${w} * $ws * 1000000`);
}

/** TIMESTAMP at which window `w` ends (exclusive). */
export function windowEnd(d: DetectDialect, w: string): string {
  return d.tsFromUs(`(${w} + 1) * $ws * 1000000`);
}

/** An exclusive end just after `ts` (evidence `to` is exclusive; flows carry microseconds). */
export function justAfter(d: DetectDialect, col: string): string {
  return d.plusMicro(col);
}

/** Integer window key of a timestamp column: epoch microseconds // $us (windowMicros). */
export function windowKey(d: DetectDialect, col = 'ts', us = '$us::BIGINT'): string {
  return d.intDiv(d.epochUs(col), us);
}

/** Keeps only the named parameters the statement uses (DuckDB refuses unused named binds). */
export function usedParams<T extends Record<string, unknown>>(sql: string, params: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)),
  ) as Partial<T>;
}

/** A window length in microseconds, as bound for integer window keys (epoch_us(ts) // $us). */
export function windowMicros(windowSeconds: number): number {
  return Math.round(windowSeconds * 1e6);
}

/**
 * Windows firstW..lastW (keys, inclusive) as ISO times: from the start of the first to the end
 * of the last (exclusive), the span an alert's evidence selects.
 */
export function windowSpan(
  firstW: number,
  lastW: number,
  windowSeconds: number,
): { from: string; to: string } {
  return {
    from: new Date(firstW * windowSeconds * 1000).toISOString(),
    to: new Date((lastW + 1) * windowSeconds * 1000).toISOString(),
  };
}

/** An exclusive end just after an ISO time: a millisecond later (flows carry microseconds). */
export function isoJustAfter(iso: string): string {
  return new Date(Date.parse(iso) + 1).toISOString();
}
