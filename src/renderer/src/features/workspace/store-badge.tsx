// The header's word on where the flows live when they are not in the case file (contract: store):
// the server, its version, and when not connected (a reopened case waits for its password) a
// Connect… button; when the server cannot run detection, the badge says so.
import { useState } from 'react';
import type { CaseInfo } from '../../../../shared/api';
import { ConnectStoreDialog } from '../home/connect-store-dialog';

export function StoreBadge({ info, onInfo }: { info: CaseInfo; onInfo(info: CaseInfo): void }) {
  const [connecting, setConnecting] = useState(false);
  const s = info.flowStore;
  if (!s) return null;
  // host:port/db in the header; the full URL (user, options) in the tooltip
  const where = s.location.replace(/^clickhouses?:\/\/([^@]*@)?/, '');
  const title =
    `The flows are on ${s.location}${s.serverVersion ? ` (ClickHouse ${s.serverVersion})` : ''} (table ${s.table}${s.readOnly ? ', mapped, read-only' : ''}); ` +
    'every flow query runs there. Incidents, alerts, notes and rules are in the local case.' +
    (s.connected && !s.detection
      ? `\nDetection needs ClickHouse 22.3 or later; this server is ${s.serverVersion}.`
      : '') +
    (s.error ? `\nLast error: ${s.error}` : '');
  return (
    <span
      className={`store-badge${s.connected ? '' : ' warn'}`}
      title={title}
      data-testid="flow-store"
      data-location={s.location}
    >
      flows on ClickHouse {where}
      {s.connected ? (
        <span className="muted">· {s.serverVersion}</span>
      ) : (
        <>
          {' '}
          · not connected{' '}
          <button type="button" onClick={() => setConnecting(true)}>
            Connect…
          </button>
        </>
      )}
      {s.connected && !s.detection && <span className="muted"> · no detection there</span>}
      {connecting && (
        <ConnectStoreDialog
          reconnect={{ location: s.location, passwordEnv: s.passwordEnv }}
          onConnected={(next) => {
            setConnecting(false);
            onInfo(next);
          }}
          onClose={() => setConnecting(false)}
        />
      )}
    </span>
  );
}
