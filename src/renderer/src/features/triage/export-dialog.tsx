// Export a report (HTML, PDF, JSON, CSV) of one incident or of all. The engine writes the file
// (under the app's exports folder); in the browser the file comes back as a download.
import { useState } from 'react';
import type { Incident } from '../../../../shared/model';
import type { ExportedReport, ExportFormat } from '../../../../shared/triage-api';
import { EXPORT_FORMATS } from '../../../../shared/triage-api';
import { api, downloadExport, errorText, transport } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { fmtBytes, fmtCount } from '../../util/format';
import './triage.css';

const FORMAT_LABEL: Record<ExportFormat, string> = {
  html: 'HTML (self-contained)',
  pdf: 'PDF',
  json: 'JSON (machine-readable)',
  csv: 'CSV (evidence flows)',
};

export function ExportDialog({ incident, onClose }: { incident: Incident | null; onClose(): void }) {
  const [scope, setScope] = useState<'incident' | 'all'>(incident ? 'incident' : 'all');
  const [format, setFormat] = useState<ExportFormat>('html');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ExportedReport | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api.exportReport({ format, incidentIds: scope === 'incident' && incident ? [incident.key] : undefined });
      setResult(r);
      // hand the file to the browser's downloads at once; the link below stays for a second try
      if (transport === 'http') await downloadExport(r.fileName);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Export report">
      <div className="modal-body export-dialog">
        <header className="pane-head">
          <h2>Export report</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <fieldset>
            <legend>Incidents</legend>
            <label>
              <input type="radio" name="scope" checked={scope === 'incident'} disabled={!incident} onChange={() => setScope('incident')} /> This
              incident{incident ? ` (${incident.type}, ${incident.attacker ?? incident.victims[0] ?? ''})` : ''}
            </label>
            <label>
              <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} /> All incidents
            </label>
          </fieldset>
          <fieldset>
            <legend>Format</legend>
            {EXPORT_FORMATS.map((f) => (
              <label key={f}>
                <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} /> {FORMAT_LABEL[f]}
              </label>
            ))}
          </fieldset>
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Exporting…' : 'Export'}
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </form>
        {error && <ErrorBox error={error} />}
        {result && (
          <div className="export-result" role="status" data-testid="export-result" data-path={result.path} data-file={result.fileName}>
            Wrote {result.format.toUpperCase()} report of {fmtCount(result.incidents)} incident{result.incidents === 1 ? '' : 's'}
            {result.flows != null ? ` (${fmtCount(result.flows)} flows)` : ''}, {fmtBytes(result.bytes)}:
            <div>
              <code>{result.path}</code>
            </div>
            {transport === 'http' && (
              <a
                href={`/api/exports/${encodeURIComponent(result.fileName)}`}
                download={result.fileName}
                onClick={(e) => {
                  e.preventDefault(); // the real link takes a one-use ticket (api/http-client.ts)
                  downloadExport(result.fileName).catch((err) => setError(errorText(err)));
                }}
              >
                Download {result.fileName}
              </a>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
