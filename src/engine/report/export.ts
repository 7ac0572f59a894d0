// One entry point for every report format, chosen by the output file's extension.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { writeEvidenceCsv } from './csv';
import { renderHtml } from './html';
import { loadReportBundle, loadTriagedReport, type ReportSelection } from './load';
import { formatOf, type ReportFormat } from './format';
import { htmlToPdf } from './pdf';

export { formatOf, REPORT_FORMATS, type ReportFormat } from './format';

export interface ExportResult {
  out: string;
  format: ReportFormat;
  incidents: number;
  /** Evidence flows written (CSV only). */
  flows?: number;
  bytes: number;
}

/** Writes the report; a partial file never replaces a good one (write to .partial, then rename). */
export async function exportReport(store: CaseStore, out: string, sel: ReportSelection = {}): Promise<ExportResult> {
  const format = formatOf(out);
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs))) throw new NetsiftError(`${abs}: folder ${path.dirname(abs)} does not exist`, 'usage');
  const tmp = `${abs}.partial`;
  let incidents = 0;
  let flows: number | undefined;
  if (format === 'json') {
    const report = await loadTriagedReport(store, sel);
    incidents = report.incidents.length;
    fs.writeFileSync(tmp, JSON.stringify(report, null, 2));
    fs.renameSync(tmp, abs);
  } else if (format === 'csv') {
    const report = await loadTriagedReport(store, sel);
    incidents = report.incidents.length;
    flows = await writeEvidenceCsv(store, report.incidents, abs);
  } else {
    const bundle = await loadReportBundle(store, sel);
    incidents = bundle.incidents.length;
    const html = await renderHtml(bundle);
    if (format === 'html') {
      fs.writeFileSync(tmp, html);
      fs.renameSync(tmp, abs);
    } else await htmlToPdf(html, abs);
  }
  return { out: abs, format, incidents, flows, bytes: fs.statSync(abs).size };
}
