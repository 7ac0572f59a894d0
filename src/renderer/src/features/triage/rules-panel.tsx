// The case's allow rules: list, remove, and re-run detection so they take effect (it says how many
// alerts they suppressed).
import { useState } from 'react';
import type { AllowRule } from '../../../../shared/triage';
import type { DetectionRerun } from '../../../../shared/triage-api';
import { api, errorText } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtTs } from '../../util/format';
import './triage.css';

function ruleText(r: AllowRule): string {
  switch (r.kind) {
    case 'host':
      return `host ${r.ip}`;
    case 'host-port':
      return `host ${r.ip} port ${r.port}`;
    case 'pair':
      return `pair ${r.ip} ↔ ${r.ip2}`;
    case 'network':
      return `net ${r.cidr}${r.port != null ? ` port ${r.port}` : ''}`;
  }
}

/** Re-runs detection and shows what the rules suppressed. */
export function RerunButton({ onDone }: { onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DetectionRerun | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          api.rerunDetection().then(
            (r) => {
              setResult(r);
              setBusy(false);
              onDone();
            },
            (e) => {
              setError(errorText(e));
              setBusy(false);
            },
          );
        }}
      >
        {busy ? 'Re-running detection…' : 'Re-run detection'}
      </button>
      {result && (
        <span className="rerun-result" role="status" data-testid="rerun-result" data-suppressed={result.suppressed}>
          {result.suppressed} alert{result.suppressed === 1 ? '' : 's'} suppressed by allow rules · {result.alerts} alerts, {result.incidents} incidents remain
        </span>
      )}
      {error && <ErrorBox error={error} />}
    </>
  );
}

export function RulesPanel({ onClose, onChanged }: { onClose(): void; onChanged(): void }) {
  const rules = useAsync(() => api.allowRules(), []);
  const [list, setList] = useState<AllowRule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = list ?? rules.value ?? [];
  return (
    <div className="modal" role="dialog" aria-label="Allow rules">
      <div className="modal-body wide">
        <header className="pane-head">
          <h2>Allow rules</h2>
          <button type="button" className="close" aria-label="Close allow rules" onClick={onClose}>
            ×
          </button>
        </header>
        <p className="muted">Alerts matching a rule are dropped at the next detection run. Create rules with “Allow…” on an incident.</p>
        {rules.loading && !rules.value && <Loading what="allow rules" />}
        {rules.error && <ErrorBox error={rules.error} retry={rules.reload} />}
        {error && <ErrorBox error={error} />}
        {!rules.loading && !rules.error && !shown.length && <Empty>No allow rules in this case.</Empty>}
        {shown.length > 0 && (
          <table className="feeds rules" data-testid="allow-rules">
            <thead>
              <tr>
                <th>#</th>
                <th>Match</th>
                <th>Reason</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id}>
                  <td className="num">{r.id}</td>
                  <td>
                    <code>{ruleText(r)}</code>
                  </td>
                  <td>{r.reason}</td>
                  <td>{fmtTs(r.created, false)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`Remove rule ${r.id}`}
                      onClick={() =>
                        api.removeAllowRule(r.id).then(
                          (l) => setList(l),
                          (e) => setError(errorText(e)),
                        )
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="row">
          <RerunButton onDone={onChanged} />
        </div>
      </div>
    </div>
  );
}
