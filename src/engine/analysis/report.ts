// The report of a case's latest detection run (src/shared/report.ts), as `netsift analyze --out`
// writes it; reusable by report export.
import type { AnalysisReport, ReportAlert, ReportSummary, StageTiming } from '../../shared/report';
import type { ImportRecord, Incident } from '../../shared/model';
import { NETSIFT_VERSION } from '../../shared/version';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import type { FeedVersion } from './feed-versions';
import type { DetectorRun } from './runner';
import type { FlowStore } from '../flowstore/flow-store';

interface RunRow {
  id: number;
  window_seconds: number;
  params: string;
  feed_versions: string | null;
  timings: string | null;
  suppressed_alerts: number | null;
}

export interface BuildReportOptions {
  /** Seconds per stage measured by the caller (import, detect, ...); detection's own otherwise. */
  stages?: StageTiming[];
  /** Leave the alert list out (summary and incidents only). */
  withoutAlerts?: boolean;
  /**
   * The flows' figures when they are not in the case (a ClickHouse store, contract: store): its
   * flow count and span, imports and rejected lines.
   */
  flows?: FlowFigures;
}

export interface FlowFigures {
  n: number;
  first: string | null;
  last: string | null;
  imports: ImportRecord[];
  rejects: number;
}

/** A flow store's figures for the report (analyze/detect --store). */
export async function flowFigures(store: FlowStore): Promise<FlowFigures> {
  const [span, imports] = await Promise.all([store.span(), store.imports()]);
  return {
    n: span.n,
    first: span.first,
    last: span.last,
    imports,
    rejects: imports.reduce((s, i) => s + (i.rows_rejected ?? 0), 0),
  };
}

export async function buildReport(
  store: CaseStore,
  opts: BuildReportOptions = {},
): Promise<AnalysisReport> {
  const run = await store.one<RunRow>('SELECT * FROM analysis_runs ORDER BY id DESC LIMIT 1');
  if (!run)
    throw new NetsiftError(
      `${store.path}: no detection has run on this case yet (netsift detect --case ...)`,
      'case',
    );
  const timings = JSON.parse(run.timings ?? '{}') as {
    windows?: number;
    detectors?: DetectorRun[];
    seconds?: number;
  };
  const feeds = JSON.parse(run.feed_versions ?? '[]') as FeedVersion[];
  const flows =
    opts.flows ??
    (await store.one<{ n: number; first: string | null; last: string | null }>(
      'SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM flows',
    ));
  const rejects =
    opts.flows?.rejects ??
    (await store.one<{ n: number }>('SELECT count(*) AS n FROM rejects'))?.n ??
    0;
  const imports =
    opts.flows?.imports ??
    (await store.all<ImportRecord>(
      'SELECT id, path, size, sha256, format, data_lines, rows_read, rows_rejected, started, finished, tz, first_ts, last_ts FROM imports ORDER BY id',
    ));
  const incidents = (
    await store.all<Incident & { evidence: string }>(
      `SELECT id, key, type, severity, score, attacker, victims, ips, first_seen, last_seen, detectors, alert_count,
            flow_count, summary, evidence FROM incidents ORDER BY id`,
    )
  ).map((x) => ({
    ...x,
    first_seen: iso(x.first_seen),
    last_seen: iso(x.last_seen),
    evidence: JSON.parse(x.evidence),
  }));
  const alerts = opts.withoutAlerts
    ? []
    : (
        await store.all<ReportAlert & { features: string; evidence: string }>(
          `SELECT id, detector, severity, score, src_ip, dst_ip, window_start, window_end, features, flow_count, evidence,
                summary, incident_id FROM alerts ORDER BY id`,
        )
      ).map((a) => ({ ...a, features: JSON.parse(a.features), evidence: JSON.parse(a.evidence) }));
  const alertCount = opts.withoutAlerts
    ? ((await store.one<{ n: number }>('SELECT count(*) AS n FROM alerts'))?.n ?? 0)
    : alerts.length;
  const summary: ReportSummary = {
    netsift_version: NETSIFT_VERSION,
    generated_at: new Date().toISOString(),
    case_path: store.path === ':memory:' ? null : store.path,
    flows: flows?.n ?? 0,
    rejects,
    first_ts: flows?.first ?? null,
    last_ts: flows?.last ?? null,
    window_seconds: run.window_seconds,
    windows: timings.windows ?? 0,
    alerts: alertCount,
    incidents: incidents.length,
    imports,
    timings: opts.stages ?? [{ stage: 'detect', seconds: timings.seconds ?? 0 }],
    detectors: (timings.detectors ?? []).map((d) => ({
      id: d.id,
      params: d.params,
      alerts: d.alerts,
      seconds: d.seconds,
    })),
    feed_versions: feeds.map((f) => ({
      feed_id: f.feed_id,
      version: f.version,
      entries: f.entries,
      sha256: f.sha256 ?? '',
      fetched_at: f.fetched_at ?? '',
    })),
    suppressed_alerts: run.suppressed_alerts ?? 0,
    site: await runSite(store, run.params),
  };
  return { summary, incidents, alerts };
}

/** The site the run used (recorded in its parameters) and the case's latest suggestion. */
async function runSite(store: CaseStore, params: string): Promise<ReportSummary['site']> {
  const used = (
    JSON.parse(params) as { site?: { internal: string[]; source: string; note: string | null } }
  ).site;
  const meta = await store.getSetting<{ suggestion?: { networks: string[] } | null }>('site', {});
  return {
    internal: used?.internal ?? (await store.internalNetworks()),
    source: used?.source ?? 'default',
    note: used?.note ?? null,
    suggestion: meta.suggestion?.networks ?? null,
  };
}

/** Timestamps come back as ISO already; this keeps the type honest if a driver returns text. */
function iso(v: string): string {
  return v.endsWith('Z') ? v : new Date(v).toISOString();
}
