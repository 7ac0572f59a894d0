// The report JSON written by `netsift analyze --out` and `netsift report --out x.json`.
import type { Alert, ImportRecord, Incident } from './model';

export interface StageTiming {
  stage: string;
  seconds: number;
}

export interface ReportSummary {
  netsift_version: string;
  generated_at: string;
  case_path: string | null;
  flows: number;
  rejects: number;
  first_ts: string | null;
  last_ts: string | null;
  window_seconds: number;
  windows: number;
  alerts: number;
  incidents: number;
  imports: ImportRecord[];
  timings: StageTiming[];
  detectors: { id: string; params: Record<string, unknown>; alerts: number; seconds: number }[];
  feed_versions: { feed_id: string; version: string; entries: number; sha256: string; fetched_at: string }[];
  suppressed_alerts?: number;
  /** The site model the run used (src/shared/site.ts): internal networks, who set them, the suggestion. */
  site?: { internal: string[]; source: string; note: string | null; suggestion: string[] | null };
}

export interface ReportAlert extends Omit<Alert, 'id'> {
  id: number;
}

export interface AnalysisReport {
  summary: ReportSummary;
  incidents: Incident[];
  alerts: ReportAlert[];
}
