import type { ReportContext } from '../../shared/context';
import type { Flow, Incident } from '../../shared/model';
import type { AnalysisReport } from '../../shared/report';
import type { AllowRule, AuditEntry, IncidentTriage } from '../../shared/triage';
import type { TimePoint } from './charts-svg';

/** The full machine-readable report: the analyze schema plus the analyst's triage. */
export interface TriagedReport extends AnalysisReport {
  triage: Record<string, IncidentTriage>;
  allow_rules: AllowRule[];
  audit: AuditEntry[];
  /** Country/AS data sources and the incidents' hosts, names from DNS, Zeek context logs. */
  address_context?: ReportContext;
}

/** Everything the HTML/PDF renderer needs, loaded once from the case. */
export interface ReportBundle {
  title: string;
  report: TriagedReport;
  /** Incidents included in this report, in report order. */
  incidents: Incident[];
  /** Top evidence flows per incident id. */
  evidence: Record<number, Flow[]>;
  /** Flows over time per incident id, and for the whole case under key 0. */
  timelines: Record<number, TimePoint[]>;
}
