// `a.x AS x, a.y AS y`: columns of one of several joined tables under their own names. Needed
// where another joined table has a column of the same name: ClickHouse then names the selected
// `a.x` (and `a.*`'s x) "a.x", where DuckDB keeps "x"; a later `x` or a row's field would miss it.
export function pick(alias: string, cols: readonly string[]): string {
  return cols.map((c) => `${alias}.${c} AS ${c}`).join(', ');
}
