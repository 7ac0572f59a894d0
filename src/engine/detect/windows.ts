// Tumbling windows as SQL: a window is floor(epoch(ts) / S); its start and end come back as
// TIMESTAMPs so rows arrive as ISO strings. S is bound as the named parameter $ws.

/** Window index of a timestamp column (BIGINT). Needs the named parameter $ws. */
export function windowIndex(col = 'ts'): string {
  return `floor(epoch(${col}) / $ws)::BIGINT`;
}

/** TIMESTAMP at which window `w` starts. */
export function windowStart(w: string): string {
  return `make_timestamp((${w} * $ws * 1000000)::BIGINT)`;
}

/** TIMESTAMP at which window `w` ends (exclusive). */
export function windowEnd(w: string): string {
  return `make_timestamp(((${w} + 1) * $ws * 1000000)::BIGINT)`;
}

/** An exclusive end just after `ts` (evidence `to` is exclusive; flows carry microseconds). */
export function justAfter(col: string): string {
  return `(${col} + INTERVAL 1 MICROSECOND)`;
}

/** Keeps only the named parameters the statement uses (DuckDB refuses unused named binds). */
export function usedParams<T extends Record<string, unknown>>(sql: string, params: T): Partial<T> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql))) as Partial<T>;
}
