// Save the case under a new name; the app then works on the copy (triage, rules, view state and
// all came along, so it reopens where the analyst left).
import { useState } from 'react';
import type { CaseInfo } from '../../../../shared/api';
import { api, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import './triage.css';

export function SaveAsDialog({ info, onClose, onSaved }: { info: CaseInfo; onClose(): void; onSaved(info: CaseInfo): void }) {
  // a name keeps the copy with netsift's cases; a path must lie in a folder the user granted
  const [dest, setDest] = useState(`${info.name}-copy`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="modal" role="dialog" aria-label="Save case as">
      <div className="modal-body export-dialog">
        <header className="pane-head">
          <h2>Save case as</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <p className="muted">
          Copies {info.path} to a new case and continues there. A name keeps it with netsift&apos;s cases; a path must be in a folder
          you granted (a dialog, or <code>netsift serve --grant</code>).
        </p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            api.saveCaseAs(dest.trim()).then(onSaved, (err) => {
              setError(errorText(err));
              setBusy(false);
            });
          }}
        >
          <input aria-label="New case name or path" value={dest} onChange={(e) => setDest(e.target.value)} />
          <button type="submit" className="primary" disabled={busy || !dest.trim()}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </form>
        {error && <ErrorBox error={error} />}
      </div>
    </div>
  );
}
