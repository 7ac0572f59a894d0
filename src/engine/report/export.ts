// One entry point for every report format, chosen by the output file's extension.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { writeEvidenceCsv } from './csv';
import { writeStoreEvidenceCsv } from './store-evidence';
import type { FlowStore } from '../flowstore/flow-store';
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

/**
 * Writes the report; a partial file never replaces a good one (write to .partial, then rename).
 * `flows`: the case's flow store when its flows are not in it (a ClickHouse server, connected).
 */
export async function exportReport(
  store: CaseStore,
  out: string,
  sel: ReportSelection = {},
  flows?: FlowStore | null,
): Promise<ExportResult> {
  const format = formatOf(out);
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs)))
    throw new NetsiftError(`${abs}: folder ${path.dirname(abs)} does not exist`, 'usage');
  const tmp = `${abs}.partial`;
  let incidents = 0;
  let written: number | undefined;
  if (format === 'json') {
    const report = await loadTriagedReport(store, sel, flows);
    incidents = report.incidents.length;
    fs.writeFileSync(tmp, JSON.stringify(report, null, 2));
    fs.renameSync(tmp, abs);
  } else if (format === 'csv') {
    const report = await loadTriagedReport(store, sel, flows);
    incidents = report.incidents.length;
    written = flows
      ? await writeStoreEvidenceCsv(flows, report.incidents, abs)
      : await writeEvidenceCsv(store, report.incidents, abs);
  } else {
    const bundle = await loadReportBundle(store, sel, flows);
    incidents = bundle.incidents.length;
    const html = await renderHtml(bundle);
    if (format === 'html') {
      fs.writeFileSync(tmp, html);
      fs.renameSync(tmp, abs);
    } else await htmlToPdf(html, abs);
  }
  return { out: abs, format, incidents, flows: written, bytes: fs.statSync(abs).size };
}
