// The header's word on following: the folder, how far behind ("2 min behind"), the flows so far,
// whether the incidents are current, and Stop. Ended sessions say how they ended until closed.
import { useState } from 'react';
import type { FollowView } from '../../../../shared/follow';
import { api, errorText } from '../../api/client';
import { fmtCount } from '../../util/format';
import './follow.css';

function detectionWords(v: FollowView): string {
  const d = v.status.detection;
  if (!d) return '';
  if (d.error) return `detection failed: ${d.error}`;
  if (d.running) return d.runs ? 'detecting new flows…' : 'first detection…';
  if (d.behindSeconds >= 1) return 'detection waiting';
  return d.runs ? `incidents current (${fmtCount(d.incidents ?? 0)})` : '';
}

export function FollowStatusBar({
  view,
  onStopped,
  onDismiss,
}: {
  view: FollowView;
  onStopped(): void;
  onDismiss(): void;
}) {
  const [stopping, setStopping] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const s = view.status;
  const name = view.folder.split(/[\\/]/).filter(Boolean).pop() ?? view.folder;
  const live = s.state === 'following' || s.state === 'starting' || s.state === 'stopping';
  const files = s.files;
  const detail = [
    `Following ${view.folder}`,
    files ? `${fmtCount(files.imported)} files imported` : '',
    files?.failed.length ? `${files.failed.length} not imported: ${files.failed[0].error}` : '',
    `${fmtCount(s.flows)} flows, ${fmtCount(s.rejects)} rejected lines`,
    s.lag.newestFlow ? `newest flow ${s.lag.newestFlow}` : '',
    view.notify ? `notifies at ${view.notify} and above` : 'no notifications',
    ...s.events.slice(-5),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      className={`follow-status ${live ? 'live' : 'ended'}`}
      data-testid="follow-status"
      data-state={s.state}
      title={detail}
    >
      <span className="dot" aria-hidden="true" />
      {live ? (
        <>
          <span>
            Following <b>{name}</b>
          </span>
          <span data-testid="follow-lag">{s.lag.text}</span>
          <span className="muted">{fmtCount(s.flows)} flows</span>
          <span className="muted" data-testid="follow-detection">
            {detectionWords(view)}
          </span>
          {view.notify && <span className="muted">notifies at {view.notify} and above</span>}
          <span className="grow" />
          <button
            type="button"
            disabled={stopping || s.state === 'stopping'}
            onClick={() => {
              setStopping(true);
              api.stopFollow().then(
                () => {
                  setStopping(false);
                  onStopped();
                },
                (e) => {
                  setStopping(false);
                  setError(errorText(e));
                },
              );
            }}
          >
            {stopping || s.state === 'stopping' ? 'Stopping…' : 'Stop'}
          </button>
        </>
      ) : (
        <>
          <span>
            {s.state === 'failed' ? 'Following failed' : 'Stopped following'} <b>{name}</b>
            {s.error ? `: ${s.error}` : s.stopReason ? ` (${s.stopReason})` : ''}
          </span>
          <span className="muted">{fmtCount(s.flows)} flows imported</span>
          <span className="grow" />
          <button type="button" aria-label="Dismiss" className="close" onClick={onDismiss}>
            ×
          </button>
        </>
      )}
      {error && <span className="bad">{error}</span>}
    </span>
  );
}
