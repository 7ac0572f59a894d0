// "Follow a folder": the open case takes the new files of a folder as they appear, detecting after
// each batch. The folder is one the user granted (browser mode: `netsift serve --grant DIR`;
// desktop: chosen in the system's dialog): the page never names a path of its own.
import { useEffect, useState } from 'react';
import type { Severity } from '../../../../shared/model';
import { NOTIFY_SEVERITIES } from '../../../../shared/follow-notice';
import { api, chooseFolder, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import './follow.css';

export function FollowDialog({ onClose, onStarted }: { onClose(): void; onStarted(): void }) {
  const [folders, setFolders] = useState<string[] | null>(null);
  const [folder, setFolder] = useState<string | null>(null);
  const [newOnly, setNewOnly] = useState(false);
  const [notify, setNotify] = useState<Severity | 'off'>('high');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.grantedFolders().then(
      // the first is netsift's own cases folder (see PathGrants.folders): nothing to follow there
      (all) => {
        const granted = all.slice(1);
        setFolders(granted);
        if (granted.length === 1) setFolder(granted[0]);
      },
      (e) => setError(errorText(e)),
    );
  }, []);
  const choose = async () => {
    const p = await chooseFolder!();
    if (!p) return;
    setFolders((f) => [...new Set([...(f ?? []), p])]);
    setFolder(p);
  };
  const start = () => {
    if (!folder) return;
    setBusy(true);
    setError(null);
    api.followFolder({ path: folder, newOnly, notify: notify === 'off' ? null : notify }).then(
      () => onStarted(),
      (e) => {
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  return (
    <div className="modal" role="dialog" aria-label="Follow a folder">
      <div className="modal-body follow-dialog">
        <header className="pane-head">
          <h2>Follow a folder</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <p className="muted">
          New files in the folder (complete ones: renamed into place, or closed by their writer) are
          imported into this case as they appear, and detection runs after each batch.
        </p>
        {folders && folders.length === 0 && !chooseFolder && (
          <p className="muted" data-testid="no-granted-folders">
            No folder is granted to this page. Start netsift with{' '}
            <code>netsift serve --grant /path/to/capture-folder</code>.
          </p>
        )}
        <fieldset className="follow-folders" aria-label="Folder">
          {(folders ?? []).map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="follow-folder"
                checked={folder === f}
                onChange={() => setFolder(f)}
              />
              <code>{f}</code>
            </label>
          ))}
          {chooseFolder && (
            <button type="button" onClick={() => void choose()}>
              Choose folder…
            </button>
          )}
        </fieldset>
        <label className="row">
          <input type="checkbox" checked={newOnly} onChange={(e) => setNewOnly(e.target.checked)} />
          Only files that appear from now on (leave those there now)
        </label>
        <label className="row">
          Tell me about new incidents at or above
          <select
            aria-label="Notify at or above"
            value={notify}
            onChange={(e) => setNotify(e.target.value as Severity | 'off')}
          >
            {NOTIFY_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="off">never</option>
          </select>
        </label>
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!folder || busy} onClick={start}>
            {busy ? 'Starting…' : 'Follow'}
          </button>
        </div>
        {error && <ErrorBox error={error} />}
      </div>
    </div>
  );
}
