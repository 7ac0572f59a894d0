// Empty, loading and error states: a pane never goes blank.
import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return <div className="pane-state" role="status">Loading {what}…</div>;
}

export function ErrorBox({ error, retry }: { error: string; retry?: () => void }) {
  return (
    <div className="pane-state error" role="alert">
      <span>{error}</span>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="pane-state empty">{children}</div>;
}
