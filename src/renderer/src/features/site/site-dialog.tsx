// The case's site model: which networks are the analyst's own. Shows the networks in use, who set
// them and how much of the capture they hold, the suggestion read from the flows with its
// evidence, and changes them; a change re-runs detection (scans, exfiltration, beacons, the
// INT/PUB marks and filters all read the networks).
import { useState } from 'react';
import type { SiteChange, SiteModel, SiteSuggestion } from '../../../../shared/site';
import { api, errorText } from '../../api/client';
import { ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount } from '../../util/format';
import './site.css';

const SOURCE: Record<SiteModel['source'], string> = {
  default: "netsift's defaults (RFC 1918, ULA)",
  analyst: 'set by the analyst',
  suggested: 'suggested from the data',
};

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** The analyst's text (commas, spaces or lines) as a list; the engine checks each entry. */
function parseList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function Suggestion({ s, onUse }: { s: SiteSuggestion; onUse(): void }) {
  return (
    <section aria-label="Suggested networks">
      <div className="row tight">
        <h3>Suggested from the data</h3>
        <span className="muted">
          {pct(s.coverage)} of {fmtCount(s.flows)} flows have one of these on a side
        </span>
        <button type="button" onClick={onUse}>
          Use suggestion
        </button>
      </div>
      <table className="site-evidence">
        <thead>
          <tr>
            <th>network</th>
            <th className="r">addresses</th>
            <th className="r">flows</th>
            <th className="r">as source</th>
            <th className="r">as destination</th>
            <th>busiest</th>
          </tr>
        </thead>
        <tbody>
          {s.prefixes.map((p) => (
            <tr key={p.network}>
              <td>{p.network}</td>
              <td className="r">{fmtCount(p.hosts)}</td>
              <td className="r">{pct(p.share)}</td>
              <td className="r">{fmtCount(p.asSource)}</td>
              <td className="r">{fmtCount(p.asDestination)}</td>
              <td className="muted">{p.top.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * `onChanged` runs when the dialog closes after the networks changed: every pane shows marks and
 * incidents of the old networks until it reloads (the workspace reloads the page; the view state
 * is kept in the case).
 */
export function SiteDialog({ onClose, onChanged }: { onClose(): void; onChanged(): void }) {
  const site = useAsync(() => api.site(), []);
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<SiteChange | null>(null);
  const model = done?.site ?? site.value;
  const value = text ?? model?.internal.join(', ') ?? '';

  const apply = async (internal: string[] | null) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.setSite(internal);
      setDone(r);
      setText(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Site: internal networks">
      <div className="modal-body site-dialog">
        <header className="pane-head">
          <h2>Site: internal networks</h2>
          <button
            type="button"
            className="close"
            aria-label="Close dialog"
            onClick={done ? onChanged : onClose}
          >
            ×
          </button>
        </header>
        {site.loading && !model && <Loading what="the site model" />}
        {site.error && <ErrorBox error={site.error} retry={site.reload} />}
        {model && (
          <>
            <p data-testid="site-current">
              <strong>{model.internal.join(', ')}</strong>{' '}
              <span className="muted">({SOURCE[model.source]})</span>
            </p>
            {model.coverage && (
              <p className="muted">
                {pct(model.coverage.share)} of the flows have an internal address on a side;{' '}
                {fmtCount(model.coverage.hosts)} internal{' '}
                {model.coverage.hosts === 1 ? 'address' : 'addresses'}.
              </p>
            )}
            {model.note && <p className="site-note">{model.note}</p>}
            <p className="muted">
              Every detector reads these networks: scans count for internal sources, outside sources
              probing the site are summarised as background, exfiltration and beacons go from inside
              to outside. Saving re-runs detection.
            </p>
            <form
              className="site-form"
              onSubmit={(e) => {
                e.preventDefault();
                void apply(parseList(value));
              }}
            >
              <label>
                Internal networks
                <textarea
                  aria-label="Internal networks"
                  rows={2}
                  value={value}
                  placeholder="147.32.0.0/16, 10.0.0.0/8, fd00::/8"
                  onChange={(e) => setText(e.target.value)}
                />
              </label>
              <div className="row">
                <button
                  type="submit"
                  className="primary"
                  disabled={busy || parseList(value).length === 0}
                >
                  {busy ? 'Re-running detection…' : 'Save and re-run detection'}
                </button>
                <button
                  type="button"
                  disabled={busy || model.source === 'default'}
                  onClick={() => void apply(null)}
                >
                  Back to defaults
                </button>
              </div>
            </form>
            {done && (
              <p className="rerun-result" data-testid="site-rerun">
                {done.rerun
                  ? `Saved; detection re-run: ${fmtCount(done.rerun.incidents)} incidents, ${fmtCount(done.rerun.alerts)} alerts in ${done.rerun.seconds.toFixed(1)} s.`
                  : 'Saved; detection has not run on this case yet.'}
              </p>
            )}
            {error && <ErrorBox error={error} />}
            {model.suggestion && (
              <Suggestion
                s={model.suggestion}
                onUse={() => setText(model.suggestion!.networks.join(', '))}
              />
            )}
          </>
        )}
      </div>
    </div>
  );
}
