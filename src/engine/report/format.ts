import { NetsiftError } from '../core/errors';

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report format from the output file's extension. */
export function formatOf(out: string): ReportFormat {
  const dot = out.lastIndexOf('.');
  const ext = dot >= 0 ? out.slice(dot + 1).toLowerCase() : '';
  if (!(REPORT_FORMATS as readonly string[]).includes(ext))
    throw new NetsiftError(`${out}: report format from the extension must be one of .${REPORT_FORMATS.join(', .')}`, 'usage');
  return ext as ReportFormat;
}
