// Incremental detection while following (issue 20 item 2): each run covers the flows that arrived
// since the previous one, and gives the incidents a full run on the same flows would give (same
// keys, types, attackers, evidence and flow counts, scores).
//  - A detector with a finite lookback (Detector.lookback = L: an alert of window v depends on
//    windows v-L..v only; basic and iqr) is run again only on the windows the new flows touch and
//    the L after them (window-set.ts), over a copy of just the flows those need (windowed-run.ts);
//    its alerts of those windows replace the earlier ones, the others are kept from earlier runs.
//  - A detector whose figures are over the whole case ('all': baselines, populations, capture-wide
//    horizons, most of them) runs on the whole case again, on the session's own connection where
//    the shared tables they read (per target, per pair-window, address names) are kept between
//    runs and updated with the new flows only (kept-tables.ts). Honest, and the cost of a run still
//    grows with the case; the follower never queues runs: the next one starts when this one is
//    done and covers every batch that arrived meanwhile (follower.ts).
//  - Suppression and the incidents ensemble run over all the alerts (in memory, cheap). An
//    incident whose evidence is unchanged keeps its flow count plus the new flows its evidence
//    selects (the flows before the run are unchanged: ids only grow; a retention drop makes the
//    next run a full one).
//  - Incidents keep their ids under their keys and alerts under their identity (stable-ids.ts), so
//    the workspace keeps the analyst's selection while it follows; triage is by key and stays.
// The first run of a session, and the first after invalidate() (a retention drop deleted flows),
// is a full run.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import type { IncidentNotice } from '../../shared/follow';
import { SEVERITIES, type Severity } from '../../shared/model';
import { Job, type JobContext } from '../core/job';
import { NetsiftError } from '../core/errors';
import { selectorToSql } from '../query/selector';
import type { CaseStore } from '../store/case-store';
import { all, inTransaction, one, run } from '../store/sql';
import { buildIncidents } from '../incidents/build';
import { targets } from '../detect/shared-tables';
import type { AlertDraft } from '../detect/types';
import { readSite, refreshSuggestion } from '../site/site-model';
import { feedVersions } from './feed-versions';
import {
  ENSEMBLE_ID,
  planDetection,
  previousAlerts,
  victimsFromEvidence,
  type DetectionOptions,
  type DetectionResult,
  type DetectorRun,
} from './runner';
import { KeptTables } from './kept-tables';
import { alertIds, incidentIds, type StoredAlertIdentity } from './stable-ids';
import { suppress } from './suppress';
import { affectedWindows, mergeByWindow, neededWindows } from './window-set';
import { runOnWindows, type WindowedDetector } from './windowed-run';
import { writeAlerts, writeIncidents } from './write';

/** An incident that appeared, or whose severity rose, in a run (notifications take these). */
export type IncidentChange = IncidentNotice;

export interface IncrementalResult extends DetectionResult {
  mode: 'full' | 'incremental';
  /** flows that arrived since the previous run (all of them in a full run) */
  newFlows: number;
  /** windows the detectors with a finite lookback evaluated again, and the flows they read */
  windowsRechecked: number;
  windowFlows: number;
  /** detectors run on the whole case */
  wholeCase: string[];
  /** incidents new since the previous run (or the case as it was when following began), or raised */
  changes: IncidentChange[];
  /** every flow up to this id is in the result */
  coveredId: number;
}

interface Known {
  evidence: string;
  flowCount: number;
  victims: string[] | null;
  severity: Severity;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

export class IncrementalDetection {
  private readonly plan: ReturnType<typeof planDetection>;
  private covered = 0;
  private valid = false;
  /** alerts of the detectors with a finite lookback, as a full run would list them */
  private readonly windowed = new Map<string, AlertDraft[]>();
  /** the last run's incidents by key (null before the first run) */
  private known: Map<string, Known> | null = null;
  private runId: number | null = null;
  private runs = 0;
  private fullRuns = 0;
  /** the session's connection, holding the kept tables between runs */
  private conn: DuckDBConnection | null = null;
  private kept: KeptTables | null = null;

  constructor(
    private readonly store: CaseStore,
    private readonly opts: DetectionOptions = {},
  ) {
    this.plan = planDetection(opts);
  }

  /** The next run is a full one (flows were deleted: a retention drop). */
  invalidate(): void {
    this.valid = false;
    this.kept?.invalidate();
  }

  /** Ends the session: its connection and kept tables go (call before closing the case). */
  close(): void {
    this.conn?.closeSync();
    this.conn = null;
    this.kept = null;
  }

  get windowSeconds(): number {
    return this.plan.windowSeconds;
  }

  run(): Job<IncrementalResult> {
    return new Job('detect', (job) => this.work(job));
  }

  private async work(job: JobContext): Promise<IncrementalResult> {
    const t0 = performance.now();
    const started = new Date().toISOString();
    const ws = this.plan.windowSeconds;
    const us = Math.round(ws * 1e6);
    this.conn ??= await this.store.connect();
    this.kept ??= new KeptTables(this.conn, ws);
    const conn = this.conn;
    const tables = this.kept;
    job.onCancel(() => conn.interrupt());
    let wconn: DuckDBConnection | null = null;
    job.onCancel(() => wconn?.interrupt());
    const shared = new Map<string, Promise<void>>();
    const check = () => job.checkCancelled();
    try {
      const top = (await one<{ max_id: number; n: number }>(
        conn,
        'SELECT coalesce(max(id), 0) AS max_id, count(*) AS n FROM flows',
      ))!;
      const maxId = top.max_id;
      const incremental = this.valid && maxId >= this.covered;
      const since = incremental ? this.covered : 0;
      const newFlows = incremental
        ? ((
            await one<{ n: number }>(
              conn,
              'SELECT count(*) AS n FROM flows WHERE id > $1 AND id <= $2',
              [since, maxId],
            )
          )?.n ?? 0)
        : top.n;
      if (this.known === null) this.known = await this.storedIncidents(conn);
      // the windows the new flows fall in
      const touched = incremental
        ? (
            await all<{ w: number }>(
              conn,
              'SELECT DISTINCT epoch_us(ts) // $1::BIGINT AS w FROM flows WHERE id > $2 AND id <= $3',
              [us, since, maxId],
            )
          ).map((r) => r.w)
        : [];
      job.progress({ phase: 'kept tables', done: 0, total: null, unit: 'steps' });
      if (!incremental) tables.invalidate();
      const base = {
        store: this.store,
        windowSeconds: ws,
        params: {},
        internalNetworks: [],
        checkCancelled: check,
      };
      await tables.update(base, shared, maxId, touched);

      // the site as the runner reads it (a new import may bring a suggestion)
      job.progress({ phase: 'site', done: 0, total: null, unit: 'steps' });
      await targets({
        store: this.store,
        conn,
        sql: new DuckDbFlowSql(conn),
        windowSeconds: ws,
        params: {},
        internalNetworks: [],
        checkCancelled: check,
        shared,
      });
      await refreshSuggestion(this.store, conn);
      const site = await readSite(this.store, { withCoverage: false });
      await conn.run('ALTER TABLE alerts ADD COLUMN IF NOT EXISTS entity VARCHAR');
      const internalNetworks = site.internal;
      const windows =
        (
          await one<{ n: number }>(
            conn,
            'SELECT count(DISTINCT epoch_us(ts) // $us::BIGINT) AS n FROM flows',
            { us },
          )
        )?.n ?? 0;

      // 1. the detectors over the whole case (all of them in a full run)
      const total = this.plan.detectors.length + 2;
      const byDetector = new Map<string, AlertDraft[]>();
      const runs = new Map<string, DetectorRun>();
      const wholeCase: string[] = [];
      const windowedDets: (WindowedDetector & { lookback: number })[] = [];
      // kept once the run is written (a failed run leaves the state as it was)
      const nextWindowed = new Map<string, AlertDraft[]>();
      for (const [i, { det, params }] of this.plan.detectors.entries()) {
        check();
        const lookback = det.lookback ?? 'all';
        if (incremental && lookback !== 'all') {
          windowedDets.push({ det, params, lookback });
          continue;
        }
        job.progress({ phase: det.id, done: i, total, unit: 'steps', message: det.title });
        const t = performance.now();
        const out = await det.run({
          store: this.store,
          conn,
          sql: new DuckDbFlowSql(conn),
          windowSeconds: ws,
          params,
          internalNetworks,
          checkCancelled: check,
          shared,
        });
        for (const a of out) {
          if (!(a.score >= 0 && a.score <= 1))
            throw new NetsiftError(
              `detector ${det.id}: alert score ${a.score} outside [0,1]`,
              'internal',
            );
          a.detector = det.id;
        }
        byDetector.set(det.id, out);
        if (lookback !== 'all') nextWindowed.set(det.id, out);
        wholeCase.push(det.id);
        runs.set(det.id, {
          id: det.id,
          params,
          alerts: out.length,
          seconds: (performance.now() - t) / 1000,
        });
      }

      // 2. the detectors with a finite lookback, on the windows the new flows touch
      let windowsRechecked = 0;
      let windowFlows = 0;
      if (windowedDets.length) {
        job.progress({ phase: 'windows', done: wholeCase.length, total, unit: 'steps' });
        const lookbacks = [...new Set(windowedDets.map((d) => d.lookback))];
        for (const lookback of lookbacks) {
          const group = windowedDets.filter((d) => d.lookback === lookback);
          const affected = affectedWindows(touched, lookback);
          windowsRechecked = Math.max(windowsRechecked, touched.length ? affected.size : 0);
          const r = touched.length
            ? await runOnWindows(group, {
                store: this.store,
                windowSeconds: ws,
                internalNetworks,
                needed: neededWindows(affected, lookback),
                keep: affected,
                checkCancelled: check,
                onConnection: (c) => (wconn = c),
              })
            : null;
          wconn = null;
          windowFlows += r?.flows ?? 0;
          for (const { det, params } of group) {
            const merged = mergeByWindow(
              this.windowed.get(det.id) ?? [],
              r?.alerts.get(det.id) ?? [],
              affected,
              ws,
            );
            nextWindowed.set(det.id, merged);
            byDetector.set(det.id, merged);
            runs.set(det.id, {
              id: det.id,
              params,
              alerts: merged.length,
              seconds: r?.seconds.get(det.id) ?? 0,
            });
          }
        }
      }
      check();

      // 3. the ensemble over every alert, in the order a full run lists them
      const drafts = this.plan.detectors.flatMap((d) => byDetector.get(d.det.id) ?? []);
      if (this.opts.only?.length)
        drafts.push(
          ...(await previousAlerts(
            conn,
            this.plan.detectors.map((d) => d.det.id),
          )),
        );
      job.progress({ phase: 'incidents', done: total - 2, total, unit: 'steps' });
      const tInc = performance.now();
      const { kept, suppressed } = await suppress(this.store, drafts);
      const built = buildIncidents(kept, this.plan.ensemble);
      const storedIds = await all<{ id: number; key: string }>(
        conn,
        'SELECT id, key FROM incidents',
      );
      const ids = incidentIds(
        built.map((x) => x.key),
        storedIds,
      );
      const incidents = built.map((x, i) => ({ ...x, id: ids[i], flow_count: 0 }));
      const known = new Map<string, Known>();
      for (const x of incidents) {
        check();
        const evidence = JSON.stringify(x.evidence);
        const prev = incremental ? this.known.get(x.key) : undefined;
        const p = selectorToSql(x.evidence);
        const n = p.params.length;
        let added: number;
        if (prev && prev.evidence === evidence) {
          // the flows up to the previous run are as they were: count only the new ones
          added =
            newFlows === 0
              ? 0
              : ((
                  await one<{ n: number }>(
                    conn,
                    `SELECT count(*) AS n FROM flows WHERE id > $${n + 1} AND id <= $${n + 2} AND ${p.sql}`,
                    [...p.params, since, maxId],
                  )
                )?.n ?? 0);
          x.flow_count = prev.flowCount + added;
        } else {
          x.flow_count =
            (
              await one<{ n: number }>(
                conn,
                `SELECT count(*) AS n FROM flows WHERE id <= $${n + 1} AND ${p.sql}`,
                [...p.params, maxId],
              )
            )?.n ?? 0;
          added = -1;
        }
        let victims: string[] | null = null;
        if (x.attacker && x.victims.length === 0) {
          victims =
            added === 0 && prev?.victims
              ? prev.victims
              : await victimsFromEvidence(new DuckDbFlowSql(conn), x, kept);
          x.victims = victims;
        }
        known.set(x.key, { evidence, flowCount: x.flow_count, victims, severity: x.severity });
      }
      const incidentOf = new Array<number | null>(kept.length).fill(null);
      for (const x of incidents) for (const i of x.alerts) incidentOf[i] = x.id;
      const alertIdList = alertIds(
        kept,
        await all<StoredAlertIdentity>(
          conn,
          `SELECT id, detector, kind, entity, src_ip, dst_ip, window_start,
                  json_extract_string(features, '$[0].name') AS first_feature
           FROM alerts ORDER BY id`,
        ),
      );
      const incidentSeconds = (performance.now() - tInc) / 1000;
      const changes: IncidentChange[] = [];
      for (const x of incidents) {
        const before = this.known.get(x.key);
        if (before && rank(x.severity) <= rank(before.severity)) continue;
        changes.push({
          change: before ? 'raised' : 'new',
          id: x.id,
          key: x.key,
          type: x.type,
          severity: x.severity,
          previousSeverity: before?.severity ?? null,
          score: x.score,
          attacker: x.attacker,
          summary: x.summary,
          first_seen: x.first_seen,
          last_seen: x.last_seen,
        });
      }
      const versions = await feedVersions(conn);
      check();

      // 4. one transaction: the alerts and incidents replaced, the session's run row updated
      job.progress({ phase: 'write', done: total - 1, total, unit: 'steps' });
      this.runs++;
      if (!incremental) this.fullRuns++;
      const detectorRuns = this.plan.detectors.map((d) => runs.get(d.det.id)!);
      const seconds = () => (performance.now() - t0) / 1000;
      const runId = await inTransaction(conn, async () => {
        const latest =
          (await one<{ id: number }>(conn, 'SELECT coalesce(max(id), 0) AS id FROM analysis_runs'))
            ?.id ?? 0;
        // one row per following session; a run by someone else in between starts a new one
        const reuse = this.runId !== null && this.runId === latest;
        const id = reuse ? this.runId! : latest + 1;
        await run(conn, 'DELETE FROM alerts');
        await run(conn, 'DELETE FROM incidents');
        await writeAlerts(
          conn,
          id,
          kept,
          (i) => incidentOf[i],
          (i) => alertIdList[i],
        );
        await writeIncidents(conn, id, incidents);
        const timings = {
          windows,
          detectors: detectorRuns,
          incidents_seconds: incidentSeconds,
          seconds: seconds(),
          incremental: {
            mode: incremental ? 'incremental' : 'full',
            runs: this.runs,
            full_runs: this.fullRuns,
            new_flows: newFlows,
            windows_rechecked: windowsRechecked,
            window_flows: windowFlows,
            whole_case: wholeCase,
          },
        };
        const params = {
          window_seconds: ws,
          only: this.opts.only ?? null,
          detectors: Object.fromEntries(this.plan.detectors.map((d) => [d.det.id, d.params])),
          [ENSEMBLE_ID]: this.plan.ensemble,
          site: { internal: site.internal, source: site.source, note: site.note },
          incremental: true,
        };
        if (reuse)
          await run(
            conn,
            `UPDATE analysis_runs SET finished = now()::TIMESTAMP, params = $2::JSON, feed_versions = $3::JSON,
               timings = $4::JSON, suppressed_alerts = $5 WHERE id = $1`,
            [
              id,
              JSON.stringify(params),
              JSON.stringify(versions),
              JSON.stringify(timings),
              suppressed,
            ],
          );
        else
          await run(
            conn,
            `INSERT INTO analysis_runs VALUES ($1, $2::TIMESTAMP, now()::TIMESTAMP, $3, $4::JSON, $5::JSON, $6::JSON, $7)`,
            [
              id,
              started,
              ws,
              JSON.stringify(params),
              JSON.stringify(versions),
              JSON.stringify(timings),
              suppressed,
            ],
          );
        return id;
      });
      this.runId = runId;
      for (const [id, list] of nextWindowed) this.windowed.set(id, list);
      this.covered = maxId;
      this.valid = true;
      this.known = known;
      job.progress({ phase: 'done', done: total, total, unit: 'steps' });
      return {
        runId,
        windowSeconds: ws,
        windows,
        alerts: kept.length,
        incidents: incidents.length,
        suppressed,
        detectors: detectorRuns,
        feedVersions: versions,
        seconds: seconds(),
        mode: incremental ? 'incremental' : 'full',
        newFlows,
        windowsRechecked,
        windowFlows,
        wholeCase,
        changes,
        coveredId: maxId,
      };
    } catch (e) {
      // a failed or cancelled run may leave the kept tables half updated: start again from scratch
      this.close();
      throw e;
    }
  }

  /** The case's incidents as the session found them: what counts as new is measured from them. */
  private async storedIncidents(conn: DuckDBConnection): Promise<Map<string, Known>> {
    const rows = await all<{ key: string; severity: Severity }>(
      conn,
      'SELECT key, severity FROM incidents',
    );
    return new Map(
      rows.map((r) => [r.key, { evidence: '', flowCount: 0, victims: null, severity: r.severity }]),
    );
  }
}
