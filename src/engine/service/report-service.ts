// contract: report (src/shared/contracts/report.ts). Reports of the open case: exportReport
// writes under NETSIFT_HOME/exports (browser mode downloads it from there); the desktop app's
// File > Export writes where the analyst chose (exportTo) and prints the HTML to PDF itself
// (html). Those two are not in the contract: the page never names where a report goes.
import type { ReportApi } from '../../shared/contracts/report';
import type { ExportedReport, ExportRequest } from '../../shared/triage-api';
import type { CaseSession } from './case-session';
import * as triageOps from './triage-ops';

export class ReportService implements ReportApi {
  constructor(private readonly s: CaseSession) {}

  async exportReport(req: ExportRequest): Promise<ExportedReport> {
    const info = await this.s.caseInfo();
    return triageOps.exportToHome(this.s.requireStore(), info?.name ?? 'case', req, this.flows());
  }

  /** The case's server when its flows are there (connected; else a clear error saying so). */
  private flows() {
    return this.s.server?.connected() ?? null;
  }

  /** The desktop app's File > Export: the analyst chose the file. */
  exportTo(out: string, req: ExportRequest): Promise<ExportedReport> {
    return triageOps.exportReportTo(this.s.requireStore(), out, req, this.flows());
  }

  /** The HTML report (Electron prints it with webContents.printToPDF). */
  html(req: Omit<ExportRequest, 'format'>): Promise<string> {
    return triageOps.reportHtml(this.s.requireStore(), req, this.flows());
  }
}
