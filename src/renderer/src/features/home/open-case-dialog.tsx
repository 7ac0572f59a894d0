// Browser mode's "Open case…": every case netsift knows, and a case file by path in one of the
// folders `netsift serve --grant` allowed (the server refuses any other path).
import { useState } from 'react';
import type { RecentCase } from '../../../../shared/api';
import { api, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount } from '../../util/format';

export function OpenCaseDialog({
  cases,
  onOpened,
  onClose,
}: {
  cases: RecentCase[];
  onOpened(): void;
  onClose(): void;
}) {
  const folders = useAsync(() => api.grantedFolders(), []);
  const [filter, setFilter] = useState('');
  const [p, setP] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = (ref: string) => api.openCase(ref).then(onOpened, (e) => setError(errorText(e)));
  const shown = cases.filter((c) => c.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div className="modal" role="dialog" aria-label="Open case">
      <div className="modal-body open-case-dialog">
        <header className="pane-head">
          <h2>Open case</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <input
          aria-label="Find a case"
          placeholder="find a case by name"
          value={filter}
          autoFocus
          onChange={(e) => setFilter(e.target.value)}
        />
        <ul className="case-pick">
          {shown.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" onClick={() => void open(c.id)}>
                {c.name}
              </button>{' '}
              <span className="muted">{c.flows != null ? `${fmtCount(c.flows)} flows` : ''}</span>
            </li>
          ))}
          {!shown.length && <li className="muted">No case matches.</li>}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (p.trim()) void open(p.trim());
          }}
        >
          <input
            aria-label="Case file path"
            placeholder="or a case file in a granted folder: /data/case.duckdb"
            value={p}
            onChange={(e) => setP(e.target.value)}
          />
          <button type="submit" disabled={!p.trim()}>
            Open
          </button>
        </form>
        <p className="muted">
          Folders this server may open: {folders.value?.join(', ') ?? '…'} (more with{' '}
          <code>netsift serve --grant DIR</code>).
        </p>
        {error && <ErrorBox error={error} />}
      </div>
    </div>
  );
}
