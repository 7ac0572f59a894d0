// The case never grows past the retention the analyst set while following (--retain 24h, by data
// time; --max-flows N). Two answers when a batch passes it:
// - drop: the oldest detection windows go (whole windows, so no detector ever sees half of one).
//   Before their flows are deleted, the alerts and incidents that reach into them are copied into
//   retention_alerts / retention_incidents (as JSON rows, so later schema changes of alerts do not
//   break the copy): a later detection run works on the flows kept, and the archive still says
//   what the dropped windows held. Each import records how many of its flows were dropped
//   (details.retention_dropped), and retention_drops logs every drop. Flows only: rejects and
//   imports rows stay. DuckDB reuses the freed space; the file does not shrink.
// - stop: the batch that would pass the limit is not written (rolled back inside its transaction,
//   or taken out again for a whole-file import) and following stops with a message.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RetentionRequest } from '../../shared/follow';
import { inTransaction, one } from '../store/sql';

export interface DropResult {
  cutoff: string;
  flows: number;
  /** alerts and incidents newly archived by this drop */
  alerts: number;
  incidents: number;
  /** what the archive holds now */
  archivedAlerts: number;
  archivedIncidents: number;
  reason: string;
}

/** An alert is the same alert in a later run when these are: it is archived once. */
const ALERT_KEY = `concat_ws('|', a.detector, coalesce(a.kind, ''), coalesce(a.src_ip, ''), coalesce(a.dst_ip, ''),
  a.window_start::VARCHAR, a.window_end::VARCHAR)`;

export async function ensureRetentionTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS retention_drops (
    dropped_at TIMESTAMP NOT NULL, cutoff TIMESTAMP NOT NULL, flows BIGINT NOT NULL, reason VARCHAR NOT NULL, imports JSON)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS retention_alerts (
    archived TIMESTAMP NOT NULL, cutoff TIMESTAMP NOT NULL, run_id INTEGER NOT NULL, alert_id BIGINT NOT NULL,
    alert_key VARCHAR NOT NULL, alert JSON NOT NULL)`);
  await conn.run(`CREATE TABLE IF NOT EXISTS retention_incidents (
    archived TIMESTAMP NOT NULL, cutoff TIMESTAMP NOT NULL, run_id INTEGER NOT NULL, incident_key VARCHAR NOT NULL,
    incident JSON NOT NULL)`);
}

function durationText(s: number): string {
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** Why the case (as `conn` sees it, inside a batch's transaction or after it) is over the limits; null: within. */
export async function overLimit(
  conn: DuckDBConnection,
  r: RetentionRequest,
): Promise<string | null> {
  const x = (await one<{ n: number; span: number | null }>(
    conn,
    'SELECT count(*) AS n, (epoch_us(max(ts)) - epoch_us(min(ts))) / 1e6 AS span FROM flows',
  ))!;
  if (r.maxFlows !== undefined && x.n > r.maxFlows)
    return `the case would hold ${x.n.toLocaleString('en-US')} flows, over --max-flows ${r.maxFlows.toLocaleString('en-US')}`;
  if (r.seconds !== undefined && x.span !== null && x.span > r.seconds)
    return `the case would span ${durationText(Math.round(x.span))} of data time, over --retain ${durationText(r.seconds)}`;
  return null;
}

/**
 * The first window start to keep (epoch microseconds), or null when nothing needs to go. Time:
 * windows that start before the newest flow minus the retention go. Count: the newest whole
 * windows holding at most maxFlows are kept (at least the newest window).
 */
async function keepFrom(
  conn: DuckDBConnection,
  r: RetentionRequest,
  us: number,
): Promise<number | null> {
  let cut: number | null = null;
  if (r.seconds !== undefined) {
    const t = (await one<{ c: number | null; oldest: number | null }>(
      conn,
      `SELECT ceil((epoch_us(max(ts)) - $1::BIGINT) / $2::DOUBLE)::BIGINT * $2::BIGINT AS c,
         epoch_us(min(ts)) AS oldest FROM flows`,
      [Math.round(r.seconds * 1e6), us],
    ))!;
    if (t.c !== null && t.oldest !== null && t.oldest < t.c) cut = t.c;
  }
  if (r.maxFlows !== undefined) {
    const n = (await one<{ n: number }>(conn, 'SELECT count(*) AS n FROM flows'))!.n;
    if (n > r.maxFlows) {
      const k = (await one<{ w: number | null; newest: number }>(
        conn,
        `WITH w AS (SELECT epoch_us(ts) // $1::BIGINT AS w, count(*) AS n FROM flows GROUP BY 1),
              c AS (SELECT w, sum(n) OVER (ORDER BY w DESC) AS cum FROM w)
         SELECT (SELECT min(w) FROM c WHERE cum <= $2) AS w, (SELECT max(w) FROM w) AS newest`,
        [us, r.maxFlows],
      ))!;
      const c = (k.w ?? k.newest) * us;
      cut = cut === null ? c : Math.max(cut, c);
    }
  }
  return cut;
}

/** Drops the oldest windows past the limits (in one transaction); null when within them. */
export async function dropOldWindows(
  conn: DuckDBConnection,
  r: RetentionRequest,
  windowSeconds: number,
): Promise<DropResult | null> {
  const us = windowSeconds * 1_000_000;
  await ensureRetentionTables(conn);
  return inTransaction(conn, async () => {
    const cut = await keepFrom(conn, r, us);
    if (cut === null) return null;
    const cutoff = (await one<{ t: string }>(
      conn,
      'SELECT make_timestamp($1::BIGINT)::VARCHAR AS t',
      [cut],
    ))!.t;
    const reason =
      r.maxFlows !== undefined && r.seconds !== undefined
        ? `--retain ${durationText(r.seconds)} / --max-flows ${r.maxFlows}`
        : r.maxFlows !== undefined
          ? `--max-flows ${r.maxFlows}`
          : `--retain ${durationText(r.seconds!)}`;
    const at = 'now()::TIMESTAMP';
    const alerts = await conn.run(
      `INSERT INTO retention_alerts
       SELECT ${at}, $1::TIMESTAMP, a.run_id, a.id, ${ALERT_KEY}, to_json(a) FROM alerts a
       WHERE a.window_start < $1::TIMESTAMP
         AND NOT EXISTS (SELECT 1 FROM retention_alerts x WHERE x.alert_key = ${ALERT_KEY})`,
      [cutoff],
    );
    // an incident is kept as the latest run saw it: one row per key
    const before = (await one<{ n: number }>(
      conn,
      'SELECT count(*) AS n FROM retention_incidents',
    ))!.n;
    await conn.run(
      `DELETE FROM retention_incidents WHERE incident_key IN
         (SELECT key FROM incidents WHERE first_seen < $1::TIMESTAMP)`,
      [cutoff],
    );
    await conn.run(
      `INSERT INTO retention_incidents
       SELECT ${at}, $1::TIMESTAMP, i.run_id, i.key, to_json(i) FROM incidents i
       WHERE i.first_seen < $1::TIMESTAMP`,
      [cutoff],
    );
    const archive = (await one<{ a: number; i: number }>(
      conn,
      'SELECT (SELECT count(*) FROM retention_alerts) AS a, (SELECT count(*) FROM retention_incidents) AS i',
    ))!;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE retention_counts AS
       SELECT import_id, count(*) AS n FROM flows WHERE ts < $1::TIMESTAMP GROUP BY import_id`,
      [cutoff],
    );
    await conn.run(
      `UPDATE imports SET details = json_merge_patch(coalesce(details, '{}'::JSON),
         json_object('retention_dropped', coalesce(TRY_CAST(json_extract(details, '$.retention_dropped') AS BIGINT), 0) + c.n))
       FROM retention_counts c WHERE imports.id = c.import_id`,
    );
    const del = await conn.run('DELETE FROM flows WHERE ts < $1::TIMESTAMP', [cutoff]);
    await conn.run(
      `INSERT INTO retention_drops SELECT ${at}, $1::TIMESTAMP, $2, $3,
         (SELECT coalesce(json_group_object(import_id::VARCHAR, n), '{}'::JSON) FROM retention_counts)`,
      [cutoff, del.rowsChanged, reason],
    );
    await conn.run('DROP TABLE retention_counts');
    return {
      cutoff,
      flows: del.rowsChanged,
      alerts: alerts.rowsChanged,
      incidents: archive.i - before,
      archivedAlerts: archive.a,
      archivedIncidents: archive.i,
      reason,
    };
  });
}
