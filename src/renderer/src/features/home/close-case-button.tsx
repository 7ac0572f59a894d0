// The workspace's Close: the case is closed (its figures kept for the case list) and Home shows.
import { useState } from 'react';
import { api, errorText } from '../../api/client';

export function CloseCaseButton({ onClosed }: { onClosed(): void }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <button
      type="button"
      title={error ?? 'Close this case and go to Home'}
      className={error ? 'bad' : ''}
      onClick={() => api.closeCase().then(onClosed, (e) => setError(errorText(e)))}
    >
      Close
    </button>
  );
}
