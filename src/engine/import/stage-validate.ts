// Validation of a filled staging table (stage_flows) and the INSERT that moves its good rows into
// flows: shared by the staged import path (stage-write.ts) and live imports that stage chunks of a
// growing file (src/engine/follow/), so a line is judged the same whether its file was imported
// whole or followed while it grew.
import type { DuckDBConnection } from '@duckdb/node-api';
import { all, one } from '../store/sql';
import type { TimeWindow } from './time-window';
import {
  RAW_MAX,
  RAW_SQL,
  quadNumSql,
  quadPartsSql,
  reasonSql,
  type ReasonOptions,
} from './validate-sql';
import { numberBadLines } from './write-step';
import { importIpv6 } from './zone-id';

export interface StageValidation {
  /** rows of stage_flows that are not flows (in stage_bad, with line, raw text and reason) */
  bad: number;
  /** every address is a dotted quad (no IPv6): the insert numbers them from their text */
  quads: boolean;
}

export interface ValidateOptions {
  timeWindow?: TimeWindow;
  /** The format's ordinal -> line mapping, when stage lines are ordinals (see LoadResult). */
  lineOf?: (ordinals: number[]) => Promise<number[]>;
  /** For stages filled by a direct read: unsigned counts, the source's field names. */
  reason?: Pick<ReasonOptions, 'unsigned' | 'names'>;
  checkCancelled?: () => void;
  lap?: (name: string) => void;
}

/**
 * Judges every row of stage_flows. Addresses are validated and numbered once per distinct address,
 * not once per row: IPv4 in SQL, the few IPv6 addresses (those with ':') in TypeScript. Leaves
 * temp tables stage_addr (ip, num) and stage_bad (ord, line, raw, reason) on the connection.
 */
export async function validateStage(
  conn: DuckDBConnection,
  opts: ValidateOptions = {},
): Promise<StageValidation> {
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_addr AS
    SELECT ip, ip4_num(ip) AS num FROM (SELECT src_ip AS ip FROM stage_flows UNION SELECT dst_ip FROM stage_flows)
    WHERE ip IS NOT NULL`);
  const v6 = await all<{ ip: string }>(
    conn,
    "SELECT ip FROM stage_addr WHERE num IS NULL AND contains(ip, ':')",
  );
  const parsed = v6.map((r) => ({ ip: r.ip, num: importIpv6(r.ip) })).filter((r) => r.num !== null);
  if (parsed.length) {
    await conn.run('CREATE OR REPLACE TEMP TABLE stage_v6 (ip VARCHAR, num UHUGEINT)');
    const app = await conn.createAppender('stage_v6', 'main', 'temp');
    for (const r of parsed) {
      app.appendVarchar(r.ip);
      app.appendUHugeInt(r.num!);
      app.endRow();
    }
    app.closeSync();
    await conn.run('UPDATE stage_addr SET num = v.num FROM stage_v6 v WHERE stage_addr.ip = v.ip');
  }
  opts.checkCancelled?.();

  opts.lap?.('addresses');
  await conn.run(
    'CREATE OR REPLACE TEMP TABLE stage_badaddr AS SELECT ip FROM stage_addr WHERE num IS NULL',
  );
  const badAddr =
    (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM stage_badaddr'))!.n > 0;
  // Two steps so the raw text is rebuilt only for the failing rows, not for every row.
  const reason = reasonSql((c) => (badAddr ? `s.${c} IN (SELECT ip FROM stage_badaddr)` : null), {
    window: opts.timeWindow,
    ...opts.reason,
  });
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_bad0 AS
    SELECT ord, reason FROM (SELECT s.rowid AS ord, ${reason} AS reason FROM stage_flows s)
    WHERE reason IS NOT NULL`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE stage_bad AS
    SELECT b.ord, s.line, left(${RAW_SQL}, ${RAW_MAX}) AS raw, b.reason
    FROM stage_bad0 b JOIN stage_flows s ON s.rowid = b.ord`);
  const bad = (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM stage_bad'))!.n;
  if (bad > 0 && opts.lineOf) await numberBadLines(conn, opts.lineOf);
  opts.checkCancelled?.();
  return { bad, quads: parsed.length === 0 };
}

/**
 * INSERT of the good rows of stage_flows into flows, ids $1 + 1.. in stage order, import $2.
 * With no bad rows the stage rowid is the order; otherwise the survivors are numbered (a sort,
 * paid only when some rows failed validation). With no IPv6 among the addresses they are all
 * dotted quads, and the one-pass regex numbers them cheaper per row than two joins would.
 */
export function insertStagedFlowsSql(v: StageValidation): string {
  const rid = v.quads ? 's.rid' : 's.rowid';
  const idExpr = v.bad === 0 ? `${rid} + 1` : `row_number() OVER (ORDER BY ${rid})`;
  const keep = v.bad === 0 ? '' : `WHERE ${rid} NOT IN (SELECT ord FROM stage_bad)`;
  const numbers = v.quads ? `${quadNumSql('s.sp')}, ${quadNumSql('s.dp')}` : 'sa.num, da.num';
  const from = v.quads
    ? `FROM (SELECT *, rowid AS rid, ${quadPartsSql('src_ip', 'sp')}, ${quadPartsSql('dst_ip', 'dp')}
         FROM stage_flows) s`
    : 'FROM stage_flows s JOIN stage_addr sa ON sa.ip = s.src_ip JOIN stage_addr da ON da.ip = s.dst_ip';
  return `INSERT INTO flows (id, import_id, ts, ts_end, proto, state, state_raw, src_ip, src_port, dst_ip, dst_port,
       src_bytes, dst_bytes, src_pkts, dst_pkts, label, src_num, dst_num)
     SELECT $1::BIGINT + ${idExpr}, $2, s.ts, s.ts_end, s.proto, s.state, nullif(s.state_raw, s.state), s.src_ip, s.src_port::INTEGER,
       s.dst_ip, s.dst_port::INTEGER, coalesce(s.src_bytes, 0), coalesce(s.dst_bytes, 0), s.src_pkts, s.dst_pkts,
       s.label, ${numbers}
     ${from} ${keep}`;
}
