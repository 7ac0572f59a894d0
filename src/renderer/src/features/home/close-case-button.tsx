// The workspace's Close: the case is closed (its figures kept for the case list) and Home shows.
import { useState } from 'react';
import { api, errorText } from '../../api/client';

/** `beforeClose` runs first (the workspace saves a view change still waiting), then the case closes. */
export function CloseCaseButton({
  onClosed,
  beforeClose,
}: {
  onClosed(): void;
  beforeClose?(): Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <button
      type="button"
      title={error ?? 'Close this case and go to Home'}
      className={error ? 'bad' : ''}
      onClick={() =>
        (beforeClose?.() ?? Promise.resolve())
          .then(() => api.closeCase())
          .then(onClosed, (e) => setError(errorText(e)))
      }
    >
      Close
    </button>
  );
}
