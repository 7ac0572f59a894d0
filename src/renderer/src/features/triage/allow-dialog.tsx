// "Allow…" on an incident: an allow-list rule (host, host+port, pair, network) prefilled from the
// incident, with a reason. Rules apply at the next detection run; the dialog offers that run.
import { useState } from 'react';
import type { Incident } from '../../../../shared/model';
import type { AllowRuleInput, AllowRuleKind } from '../../../../shared/triage';
import type { AllowRuleAdded } from '../../../../shared/triage-api';
import { api, errorText } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { RerunButton } from './rules-panel';

const KIND_LABEL: Record<AllowRuleKind, string> = {
  host: 'Host',
  'host-port': 'Host + port',
  pair: 'Pair',
  network: 'Network',
};

/** The attacker's network: /24 for IPv4, /64 for IPv6. */
function networkOf(ip: string): string {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const parts = ip.split(':');
  return parts.length >= 4 ? `${parts.slice(0, 4).join(':')}::/64` : `${ip}/128`;
}

export function AllowDialog({ incident, onClose, onChanged }: { incident: Incident; onClose(): void; onChanged(): void }) {
  const main = incident.attacker ?? incident.victims[0] ?? '';
  const [kind, setKind] = useState<AllowRuleKind>('host');
  const [ip, setIp] = useState(main);
  const [ip2, setIp2] = useState(incident.victims.find((v) => v !== main) ?? '');
  const [port, setPort] = useState(String(incident.evidence.dstPorts?.[0] ?? ''));
  const [cidr, setCidr] = useState(main ? networkOf(main) : '');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<AllowRuleAdded | null>(null);

  const submit = async () => {
    const input: AllowRuleInput = {
      kind,
      ip: kind === 'network' ? null : ip.trim(),
      ip2: kind === 'pair' ? ip2.trim() : null,
      cidr: kind === 'network' ? cidr.trim() : null,
      port: kind === 'host-port' || (kind === 'network' && port.trim()) ? Number(port) : null,
      reason: reason.trim(),
    };
    setBusy(true);
    setError(null);
    try {
      setAdded(await api.addAllowRule(input));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Allow rule">
      <div className="modal-body allow-dialog">
        <header className="pane-head">
          <h2>Allow this behaviour</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <p className="muted">{incident.summary}</p>
        {added ? (
          <>
            <p data-testid="allow-added">
              Rule #{added.rule.id} added ({KIND_LABEL[added.rule.kind]}). {added.hint}
            </p>
            <div className="row">
              <RerunButton onDone={onChanged} />
              <button type="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : (
          <form
            className="allow-form"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <fieldset>
              <legend>Match</legend>
              {(Object.keys(KIND_LABEL) as AllowRuleKind[]).map((k) => (
                <label key={k}>
                  <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {KIND_LABEL[k]}
                </label>
              ))}
            </fieldset>
            {kind !== 'network' && (
              <label>
                Host <input aria-label="Host" value={ip} onChange={(e) => setIp(e.target.value)} />
              </label>
            )}
            {kind === 'pair' && (
              <label>
                Peer <input aria-label="Peer" value={ip2} onChange={(e) => setIp2(e.target.value)} />
              </label>
            )}
            {kind === 'network' && (
              <label>
                Network <input aria-label="Network" value={cidr} onChange={(e) => setCidr(e.target.value)} />
              </label>
            )}
            {(kind === 'host-port' || kind === 'network') && (
              <label>
                Port{kind === 'network' ? ' (optional)' : ''} <input aria-label="Port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />
              </label>
            )}
            <label>
              Reason <input aria-label="Reason" placeholder="why this is known-good" value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            {error && <ErrorBox error={error} />}
            <div className="row">
              <button type="submit" className="primary" disabled={busy}>
                Add rule
              </button>
              <button type="button" onClick={onClose}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
