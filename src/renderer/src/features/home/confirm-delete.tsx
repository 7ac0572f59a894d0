// "Delete this case?" before anything is removed: what goes (the file, its triage and notes, its
// uploads) or, for a case outside netsift's folder, that only the list entry goes.
import { useState } from 'react';
import type { RecentCase } from '../../../../shared/api';
import { fmtBytes, fmtCount } from '../../util/format';

export function ConfirmDelete({
  target,
  onCancel,
  onConfirm,
}: {
  target: RecentCase;
  onCancel(): void;
  onConfirm(): Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="modal" role="dialog" aria-label={`Delete ${target.name}`}>
      <div className="modal-body confirm-dialog">
        <h2>
          {target.managed
            ? `Delete the case ${target.name}?`
            : `Remove ${target.name} from the list?`}
        </h2>
        {target.managed ? (
          <p>
            This deletes the case file ({fmtBytes(target.bytes)}
            {target.flows != null ? `, ${fmtCount(target.flows)} flows` : ''}) with its incidents,
            triage, notes and allow rules, and the uploaded files only it used. It cannot be undone.
          </p>
        ) : (
          <p>
            The case file stays where it is (<code>{target.path}</code>); it only leaves netsift's
            list.
          </p>
        )}
        {target.open && <p className="warn">It is the open case: it will be closed first.</p>}
        <div className="row end">
          <button type="button" autoFocus onClick={onCancel}>
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void onConfirm().finally(() => setBusy(false));
            }}
          >
            {target.managed ? 'Delete case' : 'Remove from list'}
          </button>
        </div>
      </div>
    </div>
  );
}
