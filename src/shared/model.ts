// Domain types shared by the engine, the doors (CLI, server, Electron) and the renderer.
// Plain data only: everything here must survive JSON (timestamps are ISO 8601 UTC strings).
import type { ImportContextSummary } from './context';

/** Normalised connection state; every importer maps its source's states onto these. */
export const FLOW_STATES = [
  'new',
  'connecting',
  'established',
  'closing',
  'closed',
  'reset',
  'other',
] as const;
export type FlowState = (typeof FLOW_STATES)[number];

export interface Flow {
  id: number;
  ts: string;
  ts_end: string | null;
  proto: string;
  state: FlowState;
  state_raw: string | null;
  src_ip: string;
  src_port: number | null;
  dst_ip: string;
  dst_port: number | null;
  src_bytes: number;
  dst_bytes: number;
  src_pkts: number | null;
  dst_pkts: number | null;
  label: string | null;
  import_id: number;
}

export interface ImportRecord {
  id: number;
  path: string;
  size: number;
  sha256: string;
  format: string;
  /** Lines of data in the file (header and comment lines excluded). */
  data_lines: number;
  rows_read: number;
  rows_rejected: number;
  started: string;
  finished: string;
  /** Zone applied to timestamps that carry none ('UTC' unless the analyst set one). */
  tz: string;
  first_ts: string | null;
  last_ts: string | null;
}

export interface RejectRecord {
  import_id: number;
  line: number;
  raw: string;
  reason: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * A structured selection of flows. Every alert and incident carries one as its evidence;
 * the engine turns it into bound SQL (src/engine/query/selector.ts). All present fields are ANDed;
 * list fields match any of their values.
 */
export interface FlowSelector {
  from?: string; // inclusive, ISO 8601
  to?: string; // exclusive, ISO 8601
  srcIps?: string[];
  dstIps?: string[];
  /** Either side equals one of these IPs. */
  anyIps?: string[];
  srcPorts?: number[];
  dstPorts?: number[];
  protos?: string[];
  states?: FlowState[];
  importIds?: number[];
  /** Only flows that carried no bytes either way (src_bytes = 0 and dst_bytes = 0). */
  zeroBytes?: boolean;
  /** Union of several selectors (ORed), each itself ANDed; combined with the fields above by AND. */
  anyOf?: FlowSelector[];
}

/** One feature that drove an alert: its value, the threshold it crossed, and in which direction. */
export interface Feature {
  name: string;
  value: number;
  threshold?: number;
  direction?: 'above' | 'below';
  /** Human note, e.g. "Q3 + 3*IQR across 212 pairs". */
  note?: string;
}

export interface Alert {
  id: number;
  detector: string;
  severity: Severity;
  score: number; // 0..1
  src_ip: string | null;
  dst_ip: string | null;
  window_start: string;
  window_end: string;
  features: Feature[];
  flow_count: number;
  evidence: FlowSelector;
  summary: string;
  incident_id: number | null;
}

export interface Incident {
  id: number;
  /** Stable identity across re-runs (type + acting entity), so triage survives re-detection. */
  key: string;
  type: string;
  severity: Severity;
  score: number;
  attacker: string | null;
  victims: string[];
  ips: string[];
  first_seen: string;
  last_seen: string;
  detectors: string[];
  alert_count: number;
  flow_count: number;
  summary: string;
  evidence: FlowSelector;
}

/** Progress of a long job (import, detection, feed refresh). */
export interface JobProgress {
  jobId: string;
  kind: string;
  phase: string;
  done: number;
  total: number | null;
  unit: 'bytes' | 'rows' | 'steps' | 'feeds';
  /** units per second over the job so far */
  rate: number | null;
  etaSeconds: number | null;
  message?: string;
}

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One file of an import job: its record (when it was imported) or the error that stopped it. */
export interface ImportFileSummary {
  path: string;
  /** Set when the file was imported (rejects included); absent when it failed. */
  record?: ImportRecord;
  /** First few rejected lines, for the summary (all of them are in the case's rejects table). */
  rejectSamples: RejectRecord[];
  /** Blank lines skipped (not data: neither a flow nor a reject). */
  blankLines?: number;
  seconds: number;
  /** Why the file was not imported (the case is unchanged for this file). */
  error?: string;
  /** Imported, but the input was incomplete (e.g. a capture cut mid-packet); the CLI exits 3. */
  warnings?: string[];
}

/** Result of importFiles (added by the import pipeline, issue 2). */
export interface ImportSummary {
  files: ImportFileSummary[];
  /** Address context the import added: Zeek dns/http/ssl logs, names from DNS, country/AS. */
  context?: ImportContextSummary;
  flows: number;
  rejects: number;
  dataLines: number;
  failed: number;
  seconds: number;
}
