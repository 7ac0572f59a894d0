// Runs the detectors over a case as one job: one analysis_runs row, each detector on the job's
// own connection (cancel interrupts the running query), then suppression, the incidents
// ensemble and the write of alerts + incidents in one transaction. The case shows the latest run:
// its alerts and incidents replace the previous ones, and a failed or cancelled run leaves the
// previous results as they were (nothing is written before the final transaction).
import { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { all, inTransaction, one } from '../store/sql';
import { buildIncidents, type IncidentDraft } from '../incidents/build';
import { mergeSelectors } from '../incidents/evidence';
import { INCIDENT_PARAMS, type IncidentParams } from '../incidents/params';
import { resolveParams } from '../detect/params';
import { DETECTORS } from '../detect/registry';
import { feedVersions, type FeedVersion } from './feed-versions';
import { suppress } from './suppress';
import type { AlertDraft, Detector, ParamValue } from '../detect/types';
import { writeAlerts, writeIncidents } from './write';
import { readSite, refreshSuggestion } from '../site/site-model';
import { addressNames, targets, windowPairs } from '../detect/shared-tables';
import { flowsSignatureOn, writePairRollup } from '../query/rollup/pair-rollup';
import { isCancellation } from '../query/cancel';
import { capMemory, memoryBytes } from '../store/memory-cap';

/**
 * DuckDB's memory while detectors run: their aggregates spill to the case's temp folder beyond
 * it instead of growing the process (issue 16: at 10M flows detection peaked at 1.9 GB; with this
 * cap under 1 GB; the process adds about 400 MB of its own on top).
 */
export const DETECT_MEMORY_LIMIT = '512MB';
import type { FlowStore } from '../flowstore/flow-store';
import type { FlowSql } from '../flowstore/flow-sql';
import { DuckDbFlowSql } from '../flowstore/duckdb-flow-sql';
import { selectorWhere } from '../flowstore/selector-sql';
import { caseStoreLink } from '../flowstore/case-link';
import { evidenceCount } from '../detect/evidence-count';

export interface DetectionOptions {
  windowSeconds?: number;
  /** Detector ids to run (all when absent). */
  only?: string[];
  /** Per detector id (and 'incidents' for the ensemble): parameter overrides. */
  params?: Record<string, Record<string, unknown>>;
  /** The detector list (the registry by default; tests pass their own). */
  detectors?: Detector[];
  /**
   * Called after each detector with the incidents its alerts and those before it make (suppressed
   * alerts left out), so a door can show incidents while the rest still run (issue 16). Nothing is
   * written until the run ends: these are a preview; the run's result is what the case keeps. A
   * partial run (`only`) previews its own detectors' alerts; the others' join at the end.
   */
  onIncidents?: (so: IncidentsSoFar) => void;
  /** DuckDB memory limit for the run (DETECT_MEMORY_LIMIT by default; a lower case limit stays). */
  memoryLimit?: string;
  /**
   * Where the flows are, when not in the case: a ClickHouse store runs every flow statement on
   * the server (the case keeps alerts, incidents and the run); only rows detectors select and
   * evidence counts come back.
   */
  flowStore?: FlowStore;
}

export interface IncidentsSoFar {
  incidents: IncidentDraft[];
  /** Detector ids that have finished, in run order. */
  done: string[];
  /** Detector ids still to run. */
  left: string[];
  /** Seconds since the run started. */
  seconds: number;
}

export interface DetectorRun {
  id: string;
  params: Record<string, ParamValue>;
  alerts: number;
  seconds: number;
}

export interface DetectionResult {
  runId: number;
  windowSeconds: number;
  windows: number;
  alerts: number;
  incidents: number;
  suppressed: number;
  detectors: DetectorRun[];
  feedVersions: FeedVersion[];
  seconds: number;
}

export const ENSEMBLE_ID = 'incidents';

/** Checks the options before any work (unknown detector or parameter = usage error). */
export function planDetection(opts: DetectionOptions): {
  detectors: { det: Detector; params: Record<string, ParamValue> }[];
  ensemble: IncidentParams;
  windowSeconds: number;
} {
  const all = opts.detectors ?? DETECTORS;
  const ids = new Set(all.map((d) => d.id));
  for (const id of opts.only ?? [])
    if (!ids.has(id))
      throw new NetsiftError(`unknown detector "${id}" (known: ${[...ids].join(', ')})`, 'usage');
  for (const id of Object.keys(opts.params ?? {}))
    if (!ids.has(id) && id !== ENSEMBLE_ID)
      throw new NetsiftError(
        `parameters for unknown detector "${id}" (known: ${[...ids].join(', ')}, ${ENSEMBLE_ID})`,
        'usage',
      );
  if (opts.memoryLimit !== undefined && !(memoryBytes(opts.memoryLimit) >= 2 ** 20))
    throw new NetsiftError(
      `memory limit must be a size such as 512MB or 2GB (got "${opts.memoryLimit}")`,
      'usage',
    );
  const windowSeconds = opts.windowSeconds ?? 10;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400)
    throw new NetsiftError(
      `window must be a whole number of seconds between 1 and 86400 (got ${windowSeconds})`,
      'usage',
    );
  const chosen = opts.only?.length ? all.filter((d) => opts.only!.includes(d.id)) : all;
  return {
    detectors: chosen.map((det) => ({
      det,
      params: resolveParams(det.id, det.params, opts.params?.[det.id]),
    })),
    ensemble: resolveParams(ENSEMBLE_ID, INCIDENT_PARAMS, opts.params?.[ENSEMBLE_ID]),
    windowSeconds,
  };
}

/**
 * Victims of an actor's incident whose alerts name no single destination (a horizontal scan of
 * 500 hosts): the destinations of the flows behind its typed alerts, busiest first, at most 100.
 */
export async function victimsFromEvidence(
  sql: FlowSql,
  x: IncidentDraft,
  alerts: AlertDraft[],
): Promise<string[]> {
  const typed = x.alerts.map((i) => alerts[i]).filter((a) => a.kind === x.type);
  if (typed.length === 0) return [];
  const p = selectorWhere(sql.d, mergeSelectors(typed.map((a) => a.evidence)));
  const rows = await sql.rows<{ dst_ip: string }>(
    `SELECT dst_ip FROM ${sql.flows} WHERE ${p.sql} AND src_ip = $attacker AND dst_ip <> src_ip
     GROUP BY dst_ip ORDER BY count(*) DESC, dst_ip LIMIT 100`,
    { ...p.binds, attacker: x.attacker! },
  );
  return rows.map((r) => r.dst_ip).sort();
}

export function runDetection(store: CaseStore, opts: DetectionOptions = {}): Job<DetectionResult> {
  const plan = planDetection(opts);
  return new Job('detect', async (job) => {
    const t0 = performance.now();
    const started = new Date().toISOString();
    // a case whose flows are on a server holds none itself: detecting on it would only wipe its
    // incidents
    const link = opts.flowStore ? null : await caseStoreLink(store);
    if (link)
      throw new NetsiftError(
        `${store.path}: its flows are on ${link.url}; detection runs there (netsift detect --case CASE, which connects to it)`,
        'usage',
      );
    const uncap = await capMemory(store, opts.memoryLimit ?? DETECT_MEMORY_LIMIT);
    const conn = await store.connect().catch(async (e: unknown) => {
      await uncap();
      throw e;
    });
    // the flows' side: the case's own connection, or a session on the server (opened below, once
    // the site's internal networks are known: they name the address classes there)
    const server = opts.flowStore && opts.flowStore.info.kind !== 'duckdb' ? opts.flowStore : null;
    let sql: FlowSql | null = server ? null : new DuckDbFlowSql(conn);
    job.onCancel(() => {
      conn.interrupt();
      sql?.interrupt();
    });
    const shared = new Map<string, Promise<void>>(); // temp tables die with the connection
    try {
      // the site first: a new import may bring a suggestion that replaces networks holding none of
      // the capture's hosts (site-model.ts), and every detector reads the networks. The suggestion
      // reads the per-target table the detectors share (it does not depend on the networks; the
      // address classes, which do, are built after)
      job.progress({ phase: 'site', done: 0, total: null, unit: 'steps' });
      const siteCtx = {
        store,
        conn,
        sql: sql!, // the case's own (only used when the flows are in the case)
        windowSeconds: plan.windowSeconds,
        params: {},
        internalNetworks: [],
        checkCancelled: () => job.checkCancelled(),
        shared,
      };
      // what the flows are as the run starts: the pair rollup written at its end describes them
      // only if nothing was added or removed meanwhile (query/rollup/pair-rollup.ts); flows on a
      // server keep none
      const signature = opts.only?.length || server ? null : await flowsSignatureOn(conn);
      // (a server's flows give no suggestion yet: the case's site is used as it is)
      if (!server) {
        await targets(siteCtx);
        await refreshSuggestion(store, conn);
      }
      const site = await readSite(store, { withCoverage: false });
      if (server) sql = await server.openDetection(site.internal);
      const fsql = sql!;
      // cases made before schema 1 gained alerts.entity (pre-release, edited in place) get it here
      await conn.run('ALTER TABLE alerts ADD COLUMN IF NOT EXISTS entity VARCHAR');
      const internalNetworks = site.internal;
      const windows =
        // integer window keys, as the detectors' own (a float division per flow costs more at 10M)
        (
          await fsql.rows<{ n: number }>(
            `SELECT count(DISTINCT ${fsql.d.intDiv(fsql.d.epochUs('ts'), '$us::BIGINT')}) AS n FROM ${fsql.flows}`,
            { us: plan.windowSeconds * 1_000_000 },
          )
        )[0]?.n ?? 0;
      const drafts: AlertDraft[] = [];
      const runs: DetectorRun[] = [];
      const total = plan.detectors.length + 2;
      for (const [i, { det, params }] of plan.detectors.entries()) {
        job.checkCancelled();
        job.progress({ phase: det.id, done: i, total, unit: 'steps', message: det.title });
        const t = performance.now();
        const out = await det.run({
          store,
          conn,
          windowSeconds: plan.windowSeconds,
          params,
          internalNetworks,
          checkCancelled: () => job.checkCancelled(),
          shared,
          sql: fsql,
        });
        for (const a of out) {
          if (!(a.score >= 0 && a.score <= 1))
            throw new NetsiftError(
              `detector ${det.id}: alert score ${a.score} outside [0,1]`,
              'internal',
            );
          a.detector = det.id;
        }
        drafts.push(...out);
        runs.push({
          id: det.id,
          params,
          alerts: out.length,
          seconds: (performance.now() - t) / 1000,
        });
        if (opts.onIncidents && out.length) {
          const { kept } = await suppress(store, drafts);
          try {
            opts.onIncidents({
              incidents: buildIncidents(kept, plan.ensemble),
              done: runs.map((r) => r.id),
              left: plan.detectors.slice(i + 1).map((d) => d.det.id),
              seconds: (performance.now() - t0) / 1000,
            });
          } catch {
            // a preview that cannot be shown must not fail the run
          }
        }
      }
      job.checkCancelled();
      // A partial run (`only`, e.g. blacklist after a feed refresh) keeps the other detectors'
      // latest alerts, so the incidents are rebuilt from everything the case knows.
      if (opts.only?.length)
        drafts.push(
          ...(await previousAlerts(
            conn,
            plan.detectors.map((d) => d.det.id),
          )),
        );
      job.progress({ phase: 'incidents', done: plan.detectors.length, total, unit: 'steps' });
      const { kept, suppressed } = await suppress(store, drafts);
      const tInc = performance.now();
      const incidents = buildIncidents(kept, plan.ensemble).map((x, i) => ({
        ...x,
        id: i + 1,
        flow_count: 0,
      }));
      for (const x of incidents) {
        job.checkCancelled();
        x.flow_count = await evidenceCount(fsql, x.evidence);
        if (x.attacker && x.victims.length === 0)
          x.victims = await victimsFromEvidence(fsql, x, kept);
      }
      const incidentOf = new Array<number | null>(kept.length).fill(null);
      for (const x of incidents) for (const i of x.alerts) incidentOf[i] = x.id;
      const incidentSeconds = (performance.now() - tInc) / 1000;
      // blacklist refreshes intel_ranges during its run, so read the versions afterwards
      const versions = await feedVersions(conn);
      job.checkCancelled();
      job.progress({ phase: 'write', done: plan.detectors.length + 1, total, unit: 'steps' });
      const runId = await inTransaction(conn, async () => {
        const id =
          (
            await one<{ id: number }>(
              conn,
              'SELECT coalesce(max(id), 0) + 1 AS id FROM analysis_runs',
            )
          )?.id ?? 1;
        await conn.run('DELETE FROM alerts');
        await conn.run('DELETE FROM incidents');
        await writeAlerts(conn, id, kept, (i) => incidentOf[i]);
        await writeIncidents(conn, id, incidents);
        const timings = {
          windows,
          detectors: runs,
          incidents_seconds: incidentSeconds,
          seconds: (performance.now() - t0) / 1000,
        };
        const params = {
          window_seconds: plan.windowSeconds,
          only: opts.only ?? null,
          detectors: Object.fromEntries(plan.detectors.map((d) => [d.det.id, d.params])),
          [ENSEMBLE_ID]: plan.ensemble,
          site: { internal: site.internal, source: site.source, note: site.note },
        };
        await conn.run(
          `INSERT INTO analysis_runs VALUES ($1, $2::TIMESTAMP, now()::TIMESTAMP, $3, $4::JSON, $5::JSON, $6::JSON, $7)`,
          [
            id,
            started,
            plan.windowSeconds,
            JSON.stringify(params),
            JSON.stringify(versions),
            JSON.stringify(timings),
            suppressed,
          ],
        );
        return id;
      });
      // the workspace's rollups (query/rollup/), once the incidents are in the case: seconds at
      // 10M flows that the first incidents no longer wait for. Written in a transaction of their
      // own: until it commits, the previous run's rollups stay, as true of the flows as before
      // (they describe the flows, not the incidents); a cancel here leaves them
      if (signature) {
        job.progress({ phase: 'rollup', done: total - 1, total, unit: 'steps' });
        await inTransaction(conn, async () => {
          if (signature !== (await flowsSignatureOn(conn))) return;
          await windowPairs(siteCtx);
          await addressNames(siteCtx);
          await writePairRollup(conn, Math.round(plan.windowSeconds * 1e6), signature);
        }).catch((e: unknown) => {
          if (!isCancellation(e)) throw e;
        });
      }
      job.progress({ phase: 'done', done: total, total, unit: 'steps' });
      return {
        runId,
        windowSeconds: plan.windowSeconds,
        windows,
        alerts: kept.length,
        incidents: incidents.length,
        suppressed,
        detectors: runs,
        feedVersions: versions,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      await sql?.close().catch(() => undefined);
      conn.closeSync();
      await uncap();
    }
  });
}

interface StoredAlert extends Omit<AlertDraft, 'features' | 'evidence' | 'kind' | 'entity'> {
  features: string;
  evidence: string;
  kind: string | null;
  entity: string | null;
}

/** The case's current alerts of detectors other than `ran`, as drafts for the ensemble. */
export async function previousAlerts(
  conn: Parameters<typeof all>[0],
  ran: string[],
): Promise<AlertDraft[]> {
  const rows = await all<StoredAlert>(
    conn,
    `SELECT detector, severity, score, src_ip, dst_ip, window_start, window_end, features, flow_count, evidence,
            summary, kind, entity FROM alerts WHERE NOT list_contains($1::JSON::VARCHAR[], detector) ORDER BY id`,
    [JSON.stringify(ran)],
  );
  return rows.map((r) => ({
    ...r,
    features: JSON.parse(r.features),
    evidence: JSON.parse(r.evidence),
    kind: (r.kind ?? undefined) as AlertDraft['kind'],
    entity: r.entity ?? undefined,
  }));
}
