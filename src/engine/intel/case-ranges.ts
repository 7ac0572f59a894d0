// Copies the match set into the case's intel_ranges (so the case records exactly which versions it
// matched and a report can name them). A stored feed version is read by DuckDB straight from its
// entries file (hex numbers), leaving out the few entries the guard rails or the allow-list
// changed and adding what is left of them: 100k ranges without 500k driver calls or a 5 MB
// string built in JavaScript. A store that already holds the same set (same key, same row
// count) is left alone: re-running detection with no feed change copies nothing.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CaseStore } from '../store/case-store';
import { inTransaction, literal, one } from '../store/sql';
import type { MatchRange, MatchSet } from './match-set';

/** Lines `entry \t lo \t hi` (decimal) split by DuckDB. */
const INSERT_LINES = `
INSERT INTO intel_ranges
SELECT $1, $2, p[1], p[2]::UHUGEINT, p[3]::UHUGEINT
FROM (SELECT string_split(unnest(string_split($3, chr(10))), chr(9)) AS p)`;

/** Hex text (as feed-store writes it, up to 32 digits) to UHUGEINT; DuckDB casts 0x.. to 64 bits. */
const hex = (x: string) => `CASE WHEN length(${x}) <= 16 THEN ('0x' || ${x})::UBIGINT::UHUGEINT
  ELSE ('0x' || left(${x}, length(${x}) - 16))::UBIGINT::UHUGEINT * 18446744073709551616::UHUGEINT
       + ('0x' || right(${x}, 16))::UBIGINT::UHUGEINT END`;

function insertFileSql(file: string): string {
  return `
INSERT INTO intel_ranges
SELECT $1, $2, entry, lo, hi FROM (
  SELECT entry, ${hex('lo')} AS lo, ${hex('hi')} AS hi
  FROM read_csv(${literal(file)}, delim = '\t', header = false, quote = '', escape = '',
                auto_detect = false, null_padding = true,
                columns = {'entry': 'VARCHAR', 'lo': 'VARCHAR', 'hi': 'VARCHAR', 'note': 'VARCHAR'})
) f
WHERE NOT EXISTS (
  SELECT 1 FROM (SELECT TRY_CAST(p[1] AS UHUGEINT) AS lo, TRY_CAST(p[2] AS UHUGEINT) AS hi
                 FROM (SELECT string_split(unnest(string_split($3, chr(10))), chr(9)) AS p)) d
  WHERE d.lo = f.lo AND d.hi = f.hi)`;
}

const copied = new WeakMap<CaseStore, string>();

async function insertLines(conn: DuckDBConnection, ranges: MatchRange[]): Promise<void> {
  const byFeed = new Map<string, { id: string; version: string; lines: string[] }>();
  for (const r of ranges) {
    const key = `${r.feed_id}\n${r.feed_version}`;
    let f = byFeed.get(key);
    if (!f) byFeed.set(key, (f = { id: r.feed_id, version: r.feed_version, lines: [] }));
    // entries are validated addresses, never with tabs or newlines (feed-store keeps them in TSV)
    const entry = /[\t\n]/.test(r.entry) ? r.entry.replace(/[\t\n]/g, ' ') : r.entry;
    f.lines.push(`${entry}\t${r.lo}\t${r.hi}`);
  }
  for (const f of byFeed.values())
    await conn.run(INSERT_LINES, [f.id, f.version, f.lines.join('\n')]);
}

async function count(conn: DuckDBConnection): Promise<number | undefined> {
  return (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM intel_ranges'))?.n;
}

/** How the set got into the case: read from the feed files, from memory, or already there. */
export type CopyPath = 'files' | 'memory' | 'unchanged';

export async function copyRangesToCase(
  store: CaseStore,
  conn: DuckDBConnection,
  set: MatchSet,
): Promise<CopyPath> {
  if (copied.get(store) === set.key && (await count(conn)) === set.ranges.length)
    return 'unchanged';
  copied.delete(store);
  const fromFiles = new Set(set.files.map((f) => `${f.feed_id}\n${f.feed_version}`));
  const viaFiles = async () => {
    await conn.run('DELETE FROM intel_ranges');
    for (const f of set.files) {
      const dropped = f.dropped.map((d) => `${d.lo}\t${d.hi}`).join('\n');
      await conn.run(insertFileSql(f.file), [f.feed_id, f.feed_version, dropped]);
      await insertLines(conn, f.pieces);
    }
    await insertLines(
      conn,
      set.ranges.filter((r) => !fromFiles.has(`${r.feed_id}\n${r.feed_version}`)),
    );
    // the files are what the set was read from; any disagreement means they changed under us
    if ((await count(conn)) !== set.ranges.length) throw new Error('feed files changed');
  };
  let path: CopyPath = 'files';
  try {
    await inTransaction(conn, viaFiles);
  } catch (e) {
    if (/interrupt/i.test(String(e))) throw e; // cancelled: nothing to retry
    // a version pruned or rewritten mid-run: copy the ranges held in memory instead
    await inTransaction(conn, async () => {
      await conn.run('DELETE FROM intel_ranges');
      await insertLines(conn, set.ranges);
    });
    path = 'memory';
  }
  copied.set(store, set.key);
  return path;
}
