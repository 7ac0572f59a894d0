// Gathers everything a report shows from the case, once: the analyze report (latest detection
// run), the analyst's triage, top evidence flows and timelines per incident.
import type { Flow, Incident } from '../../shared/model';
import type { FlowRow } from '../../shared/query';
import { buildReport } from '../analysis/analyze';
import { flowFigures } from '../analysis/report';
import type { FlowStore } from '../flowstore/flow-store';
import { MAX_PAGE } from '../query/flows';
import { timeline } from '../query';
import { selectorToSql } from '../query/selector';
import type { CaseStore } from '../store/case-store';
import { STATE_RAW_SQL } from '../store/schema';
import { listAllowRules } from '../triage/allow-rules';
import { findIncident } from '../triage/incident-lookup';
import { allTriage, auditTrail } from '../triage/triage-store';
import { loadReportContext } from '../context/report-context';
import type { TimePoint } from './charts-svg';
import type { ReportBundle, TriagedReport } from './types';

export interface ReportSelection {
  /** Incident ids or keys; absent or empty = all incidents. */
  incidents?: (number | string)[];
  title?: string;
  /** Evidence flows shown per incident in HTML/PDF (the CSV has them all). */
  topFlows?: number;
}

/**
 * `flows`: where the case's flows are when it does not hold them (a ClickHouse store): the flow
 * count, span and imports, evidence flows and timelines are read there; the rest from the case.
 */
export async function loadTriagedReport(
  store: CaseStore,
  sel: ReportSelection = {},
  flows?: FlowStore | null,
): Promise<TriagedReport> {
  const base = await buildReport(store, flows ? { flows: await flowFigures(flows) } : {});
  let incidents = base.incidents;
  if (sel.incidents?.length) {
    const chosen = await Promise.all(sel.incidents.map((x) => findIncident(store, x)));
    const ids = new Set(chosen.map((i) => i.id));
    incidents = base.incidents.filter((i) => ids.has(i.id));
  }
  const ids = new Set(incidents.map((i) => i.id));
  const triage = await allTriage(store);
  const keys = new Set(incidents.map((i) => i.key));
  return {
    ...base,
    incidents,
    alerts: sel.incidents?.length
      ? base.alerts.filter((a) => a.incident_id != null && ids.has(a.incident_id))
      : base.alerts,
    triage: Object.fromEntries([...triage].filter(([k]) => keys.has(k))),
    allow_rules: await listAllowRules(store),
    audit: (await auditTrail(store)).filter((a) => keys.has(a.key)),
    address_context: await loadReportContext(store, incidents),
  };
}

const asFlow = (r: FlowRow): Flow => ({
  id: r.id,
  ts: r.ts,
  ts_end: r.ts_end,
  proto: r.proto,
  state: r.state,
  state_raw: r.state_raw,
  src_ip: r.src_ip,
  src_port: r.src_port,
  dst_ip: r.dst_ip,
  dst_port: r.dst_port,
  src_bytes: r.src_bytes,
  dst_bytes: r.dst_bytes,
  src_pkts: r.src_pkts,
  dst_pkts: r.dst_pkts,
  label: r.label,
  import_id: r.import_id,
});

async function topEvidence(
  store: CaseStore,
  inc: Incident,
  limit: number,
  flows?: FlowStore | null,
): Promise<Flow[]> {
  if (flows) {
    // the same order as below: bytes both ways, then time, then id
    const page = await flows.queryFlows({
      selector: inc.evidence,
      sort: [
        { column: 'bytes', dir: 'desc' },
        { column: 'ts', dir: 'asc' },
      ],
      offset: 0,
      limit: Math.min(MAX_PAGE, Math.max(1, Math.floor(limit))),
    });
    return page.rows.map(asFlow);
  }
  const p = selectorToSql(inc.evidence);
  return store.all<Flow>(
    `SELECT id, ts, ts_end, proto, state, ${STATE_RAW_SQL}, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes,
            src_pkts, dst_pkts, label, import_id
       FROM flows WHERE ${p.sql}
      ORDER BY src_bytes + dst_bytes DESC, ts, id LIMIT ${Math.max(1, Math.floor(limit))}`,
    p.params,
  );
}

async function points(
  store: CaseStore,
  inc?: Incident,
  flows?: FlowStore | null,
): Promise<TimePoint[]> {
  const req = { selector: inc?.evidence, maxBuckets: 120 };
  const t = flows ? await flows.timeline(req) : await timeline(store, req);
  return t.buckets.map((b) => ({ t: b.t, flows: b.flows }));
}

export async function loadReportBundle(
  store: CaseStore,
  sel: ReportSelection = {},
  flows?: FlowStore | null,
): Promise<ReportBundle> {
  const report = await loadTriagedReport(store, sel, flows);
  const evidence: Record<number, Flow[]> = {};
  const timelines: Record<number, TimePoint[]> = { 0: await points(store, undefined, flows) };
  for (const inc of report.incidents) {
    evidence[inc.id] = await topEvidence(store, inc, sel.topFlows ?? 25, flows);
    timelines[inc.id] = await points(store, inc, flows);
  }
  const name =
    store.path === ':memory:'
      ? 'case'
      : store.path
          .split(/[\\/]/)
          .pop()!
          .replace(/\.duckdb$/, '');
  return {
    title: sel.title ?? `netsift incident report: ${name}`,
    report,
    incidents: report.incidents,
    evidence,
    timelines,
  };
}
