// "Connect to ClickHouse": a case whose flows stay on a ClickHouse server (issue 19). The URL names
// the server without a password; the password is typed here (sent once, kept only in the
// engine's memory while the case is open) or read by the engine from a NETSIFT_* environment
// variable it was started with. Reconnect mode (from the workspace header): the open case's own
// server, only the password asked.
import { useState } from 'react';
import type { CaseInfo } from '../../../../shared/api';
import type { StoreConnectRequest } from '../../../../shared/store';
import { api, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import './home.css';

type PasswordFrom = 'typed' | 'env';

export function ConnectStoreDialog({
  reconnect,
  onConnected,
  onClose,
}: {
  /** The open case's server (reconnect: URL fixed, only the password asked). */
  reconnect?: { location: string; passwordEnv: string | null };
  onConnected(info: CaseInfo): void;
  onClose(): void;
}) {
  const [url, setUrl] = useState(reconnect?.location ?? '');
  const [from, setFrom] = useState<PasswordFrom>(reconnect?.passwordEnv ? 'env' : 'typed');
  const [password, setPassword] = useState('');
  const [env, setEnv] = useState(reconnect?.passwordEnv ?? 'NETSIFT_CLICKHOUSE_PASSWORD');
  const [tls, setTls] = useState(false);
  const [name, setName] = useState('');
  const [analyse, setAnalyse] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    const req: StoreConnectRequest = {
      url: url.trim(),
      ...(from === 'typed' ? { password } : { passwordEnv: env.trim() }),
      ...(reconnect ? {} : { tls, caseName: name.trim() || suggestName(url) }),
    };
    try {
      const info = await api.connectStore(req);
      setPassword('');
      // detection runs on the server as a job the workspace shows; a server that cannot run it
      // says so in the header instead
      if (!reconnect && analyse && info.flowStore?.detection)
        void api.rerunDetection().catch(() => undefined);
      onConnected(info);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Connect to ClickHouse">
      <form
        className="modal-body connect-store-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && url.trim()) void submit();
        }}
      >
        <header className="pane-head">
          <h2>{reconnect ? 'Connect to the case’s server' : 'Connect to ClickHouse'}</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <p className="muted">
          The flows stay on the server and every flow query runs there; incidents, alerts, notes and
          rules stay in a local case.
        </p>
        <label>
          Server
          <input
            aria-label="Server URL"
            placeholder="clickhouse://user@host:8123/database"
            value={url}
            autoFocus={!reconnect}
            readOnly={!!reconnect}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <fieldset className="row">
          <label>
            <input
              type="radio"
              name="pw-from"
              aria-label="Type the password"
              checked={from === 'typed'}
              onChange={() => setFrom('typed')}
            />{' '}
            Password
          </label>
          <input
            type="password"
            aria-label="Password"
            autoComplete="off"
            autoFocus={!!reconnect && from === 'typed'}
            disabled={from !== 'typed'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <label>
            <input
              type="radio"
              name="pw-from"
              aria-label="Read the password from a variable"
              checked={from === 'env'}
              onChange={() => setFrom('env')}
            />{' '}
            from the variable
          </label>
          <input
            aria-label="Password variable"
            disabled={from !== 'env'}
            value={env}
            onChange={(e) => setEnv(e.target.value)}
          />
        </fieldset>
        <p className="muted small">
          Never stored: a typed password lives in netsift’s memory until the case closes; a variable
          (NETSIFT_* only) is read from the environment netsift was started with, and the case
          remembers only its name.
        </p>
        {!reconnect && (
          <>
            <label className="row">
              <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} />
              TLS (HTTPS; the same as clickhouses:// in the URL)
            </label>
            <label>
              Case name
              <input
                aria-label="Case name"
                placeholder={suggestName(url) || 'name of the local case'}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </label>
            <label className="row">
              <input
                type="checkbox"
                checked={analyse}
                onChange={(e) => setAnalyse(e.target.checked)}
              />
              Run detection on the server now (ClickHouse 22.3 or later)
            </label>
          </>
        )}
        {error && <ErrorBox error={error} />}
        <div className="row end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !url.trim()}>
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A case name from the URL: host and database (e.g. "ch.example.org default"). */
function suggestName(url: string): string {
  const m = /^clickhouses?:\/\/(?:[^@/]*@)?([^:/?]+)(?::\d+)?\/?([^?]*)/i.exec(url.trim());
  return m ? `${m[1]} ${m[2] || 'default'}`.trim() : '';
}
