// A detector statement in stages: each stage's rows kept in a temp table for the next (dropped at
// the end, whatever happens). For a step that later steps read several times: DuckDB
// materialises such a CTE by itself, ClickHouse evaluates it again for every use (a join of the
// flows three times over, at 10M flows the difference between seconds and minutes).
import type { Binds, FlowSql } from '../flowstore/flow-sql';

export interface Staged {
  /** The statement whole (DuckDB runs it so, materialising what it reads twice itself). */
  whole: string;
  /** Temp tables in order, each with its SELECT. */
  stages: [name: string, select: string][];
  /** The statement over the stages' tables. */
  final: string;
}

/**
 * Rows of a staged statement: in stages where the engine evaluates a CTE again for every use
 * (ClickHouse), whole where it materialises it (DuckDB: copying into temp tables cost it 30% at
 * 10M flows, and memory).
 */
export async function stagedRows<T>(sql: FlowSql, q: Staged, binds?: Binds): Promise<T[]> {
  if (sql.d.materializesCtes) return sql.rows<T>(q.whole, binds);
  try {
    for (const [name, select] of q.stages) await sql.createTemp(name, select, binds);
    return await sql.rows<T>(q.final, binds);
  } finally {
    await sql.dropTemp(...q.stages.map(([name]) => name));
  }
}

interface Cte {
  name: string;
  body: string;
}

/** `-- ...` comments out (outside string literals): they may hold parentheses. */
function stripComments(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") {
      const j = sql.indexOf("'", i + 1);
      const end = j < 0 ? sql.length : j;
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

/** The CTEs of `WITH a AS (...), b AS (...) SELECT ...` and the statement after them. */
function splitCtes(sql: string): { ctes: Cte[]; tail: string } {
  const s = stripComments(sql);
  const head = /^\s*WITH\s+/i.exec(s);
  if (!head) throw new Error('internal: staged statement has no WITH');
  let i = head[0].length;
  const ctes: Cte[] = [];
  for (;;) {
    const m = /^([A-Za-z_]\w*)\s+AS\s+(?:NOT\s+MATERIALIZED\s+|MATERIALIZED\s+)?\(/i.exec(
      s.slice(i),
    );
    if (!m) break;
    const open = i + m[0].length - 1;
    let depth = 0;
    let j = open;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === "'") j = s.indexOf("'", j + 1);
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    ctes.push({ name: m[1], body: s.slice(open + 1, j) });
    i = j + 1;
    const comma = /^\s*,\s*/.exec(s.slice(i));
    if (!comma) break;
    i += comma[0].length;
  }
  return { ctes, tail: s.slice(i) };
}

/**
 * A CTE statement split at the named CTEs: each becomes a stage (its temp table `prefix_name`),
 * read by every later step as `name AS (SELECT * FROM prefix_name)`.
 */
export function stageCtes(sql: string, names: string[], prefix: string): Staged {
  const { ctes, tail } = splitCtes(sql);
  const table = (n: string) => `${prefix}_${n}`;
  const staged = new Set<string>();
  const list = (upTo: number) =>
    ctes
      .slice(0, upTo)
      .map((c) =>
        staged.has(c.name)
          ? `${c.name} AS (SELECT * FROM ${table(c.name)})`
          : `${c.name} AS (${c.body})`,
      )
      .join(',\n');
  const stages: [string, string][] = [];
  for (const n of names) {
    const at = ctes.findIndex((c) => c.name === n);
    if (at < 0) throw new Error(`internal: no CTE ${n} to stage`);
    stages.push([table(n), `WITH ${list(at + 1)}\nSELECT * FROM ${n}`]);
    staged.add(n);
  }
  return { whole: sql, stages, final: `WITH ${list(ctes.length)}\n${tail}` };
}
