// Shapes the triage, allow-rule, report-export and save-as methods of the service contract
// (src/shared/api.ts) carry. Kept apart from triage.ts, which is the engine's storage model.
import type { AllowRule } from './triage';

export const EXPORT_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  /** Incident ids or keys; absent or empty = every incident. */
  incidentIds?: (number | string)[];
  format: ExportFormat;
  title?: string;
}

export interface ExportedReport {
  /** Where the server (or the desktop app) wrote the file. */
  path: string;
  /** Base name, for the download route GET /api/exports/<fileName> in browser mode. */
  fileName: string;
  format: ExportFormat;
  incidents: number;
  /** Evidence flows written (CSV only). */
  flows: number | null;
  bytes: number;
}

export interface AllowRuleAdded {
  rule: AllowRule;
  rules: AllowRule[];
  /** Rules apply at the next detection run; says so. */
  hint: string;
}

export interface DetectionRerun {
  alerts: number;
  incidents: number;
  /** Alerts the allow rules suppressed in this run. */
  suppressed: number;
  seconds: number;
}
