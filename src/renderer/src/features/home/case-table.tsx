// The case list on Home: name (opens it), flows, span, last opened, size; rename in place and
// delete with confirmation. Cases are named by their id, never by a path the page makes up.
import { useState } from 'react';
import type { RecentCase } from '../../../../shared/api';
import { api, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { fmtBytes, fmtCount, fmtSpan, fmtTs } from '../../util/format';
import { ConfirmDelete } from './confirm-delete';

export function CaseTable({
  cases,
  busy,
  onOpen,
  onChanged,
}: {
  cases: RecentCase[];
  busy: boolean;
  onOpen(c: RecentCase): void;
  onChanged(list: RecentCase[]): void;
}) {
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<RecentCase | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rename = (id: string, name: string) =>
    api.renameCase(id, name).then(
      (list) => {
        setRenaming(null);
        setError(null);
        onChanged(list);
      },
      (e) => setError(errorText(e)),
    );
  return (
    <>
      {error && <ErrorBox error={error} retry={() => setError(null)} />}
      <table className="mini cases" data-testid="case-list">
        <thead>
          <tr>
            <th>Case</th>
            <th className="num">Flows</th>
            <th>Span (UTC)</th>
            <th>Last opened</th>
            <th className="num">Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id} data-case={c.name} className={c.open ? 'open' : ''}>
              <td>
                {renaming?.id === c.id ? (
                  <form
                    className="rename"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void rename(c.id, renaming.name);
                    }}
                  >
                    <input
                      aria-label={`New name for ${c.name}`}
                      autoFocus
                      value={renaming.name}
                      onChange={(e) => setRenaming({ id: c.id, name: e.target.value })}
                    />
                    <button type="submit" disabled={!renaming.name.trim()}>
                      Rename
                    </button>
                    <button type="button" onClick={() => setRenaming(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <>
                    <button
                      type="button"
                      className="link case-open"
                      disabled={busy}
                      onClick={() => onOpen(c)}
                      title={c.path}
                    >
                      {c.name}
                    </button>
                    {c.open && <span className="chip">open</span>}
                    {!c.managed && (
                      <span className="muted" title={c.path}>
                        {' '}
                        (elsewhere)
                      </span>
                    )}
                  </>
                )}
              </td>
              <td className="num">
                {c.flows == null ? <span className="muted">–</span> : fmtCount(c.flows)}
              </td>
              <td>
                {c.firstTs ? (
                  <>
                    {fmtTs(c.firstTs, false)}{' '}
                    <span className="muted">({fmtSpan(c.firstTs, c.lastTs) || '0 ms'})</span>
                  </>
                ) : (
                  <span className="muted">–</span>
                )}
              </td>
              <td>
                {c.openedAt ? fmtTs(c.openedAt, false) : <span className="muted">never</span>}
              </td>
              <td className="num">{fmtBytes(c.bytes)}</td>
              <td className="actions">
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  onClick={() => setRenaming({ id: c.id, name: c.name })}
                  aria-label={`Rename ${c.name}`}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="link danger"
                  disabled={busy}
                  onClick={() => setDeleting(c)}
                  aria-label={`Delete ${c.name}`}
                >
                  {c.managed ? 'Delete' : 'Remove from list'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDelete
          target={deleting}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            api.deleteCase(deleting.id).then(
              (list) => {
                setDeleting(null);
                onChanged(list);
              },
              (e) => {
                setDeleting(null);
                setError(errorText(e));
              },
            )
          }
        />
      )}
    </>
  );
}
