// contract: report. Exports of the open case's incidents (HTML, PDF, JSON, CSV) written under
// NETSIFT_HOME/exports (browser mode downloads them: GET /api/exports/<fileName>).
// Implemented by src/engine/service/report-service.ts.
import type { ExportedReport, ExportRequest } from '../triage-api';
import { methodsOf } from './method-list';

export interface ReportApi {
  exportReport(req: ExportRequest): Promise<ExportedReport>;
}

export const REPORT_METHODS = methodsOf<ReportApi>()(['exportReport']);
