// Why the selected alert or incident exists, in view: each feature against its threshold (a small
// bar with the threshold marked), the detectors that fired with their best score, the victims.
import type { Alert, Feature, Incident } from '../../../../shared/model';
import { Empty } from '../../components/pane-state';
import { fmtCount, fmtScore, fmtSpan, fmtTs } from '../../util/format';
import { drills, useWorkspace } from '../workspace/selection';
import { featureBar, fmtNum } from './features';

const VICTIMS_SHOWN = 40;

export function DetailPanel() {
  const w = useWorkspace();
  const { incident, alert } = w.selection;
  let body;
  if (alert) body = <AlertDetail alert={alert} />;
  else if (incident) body = <IncidentDetail incident={incident} alerts={w.alerts} />;
  else body = <Empty>Select an incident or an alert to see why it fired.</Empty>;
  return (
    <section className="pane detail-pane" aria-label="Details" data-testid="detail-panel">
      <header className="pane-head">
        <h2>Details</h2>
        {alert ? (
          <span className="muted">
            alert #{alert.id} · {alert.detector}
          </span>
        ) : incident ? (
          <span className="muted">incident #{incident.id}</span>
        ) : null}
      </header>
      <div className="detail-body">{body}</div>
    </section>
  );
}

function FeatureTable({ features }: { features: Feature[] }) {
  if (!features.length) return <p className="muted">No features recorded.</p>;
  return (
    <table className="features" aria-label="Features against thresholds">
      <thead>
        <tr>
          <th>feature</th>
          <th className="num">value</th>
          <th className="num">threshold</th>
          <th className="bar-col" aria-label="value against threshold" />
        </tr>
      </thead>
      <tbody>
        {features.map((f) => {
          const b = featureBar(f);
          return (
            <tr key={f.name} title={f.note ?? undefined} data-crossed={b.crossed}>
              <td>{f.name}</td>
              <td className="num">{fmtNum(f.value)}</td>
              <td className="num">
                {f.threshold == null
                  ? '—'
                  : `${f.direction === 'below' ? '<' : '>'} ${fmtNum(f.threshold)}`}
              </td>
              <td className="bar-col">
                {b.threshold != null && (
                  <span className="fbar">
                    <span
                      className={`fill${b.crossed ? ' crossed' : ''}`}
                      style={{ width: `${b.value * 100}%` }}
                    />
                    <span className="mark" style={{ left: `${b.threshold * 100}%` }} />
                  </span>
                )}
                {b.ratio != null && b.crossed && <span className="ratio">×{fmtNum(b.ratio)}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AlertDetail({ alert }: { alert: Alert }) {
  const notes = alert.features.filter((f) => f.note);
  return (
    <div data-testid="alert-detail">
      <p className="summary">{alert.summary}</p>
      <dl className="facts">
        <dt>Score</dt>
        <dd>
          {fmtScore(alert.score)}{' '}
          <span className={`sev sev-${alert.severity}`}>{alert.severity}</span>
        </dd>
        <dt>Window</dt>
        <dd>
          {fmtTs(alert.window_start, false)} → {fmtTs(alert.window_end, false).slice(11)} (
          {fmtSpan(alert.window_start, alert.window_end)})
        </dd>
        <dt>Hosts</dt>
        <dd>
          {alert.src_ip ?? '?'} → {alert.dst_ip ?? 'many'}
        </dd>
        <dt>Flows</dt>
        <dd>{fmtCount(alert.flow_count)}</dd>
      </dl>
      <h3>Features against thresholds</h3>
      <FeatureTable features={alert.features} />
      {notes.length > 0 && (
        <ul className="list notes">
          {notes.map((f) => (
            <li key={f.name}>
              <b>{f.name}</b>: {f.note}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function IncidentDetail({ incident, alerts }: { incident: Incident; alerts: Alert[] }) {
  const w = useWorkspace();
  // each detector's strongest alert: the main reasons the incident exists, strongest first
  const best = new Map<string, { top: Alert; n: number }>();
  for (const a of alerts) {
    const b = best.get(a.detector);
    if (!b) best.set(a.detector, { top: a, n: 1 });
    else {
      b.n++;
      if (a.score > b.top.score) b.top = a;
    }
  }
  const detectors = [...best.entries()].sort((x, y) => y[1].top.score - x[1].top.score);
  const victims = incident.victims.filter((v) => v !== incident.attacker);
  return (
    <div data-testid="incident-detail">
      <p className="summary">{incident.summary}</p>
      <dl className="facts">
        <dt>Score</dt>
        <dd>
          {fmtScore(incident.score)}{' '}
          <span className={`sev sev-${incident.severity}`}>{incident.severity}</span>
        </dd>
        <dt>Span</dt>
        <dd>
          {fmtTs(incident.first_seen, false)} → {fmtTs(incident.last_seen, false)} (
          {fmtSpan(incident.first_seen, incident.last_seen)})
        </dd>
        <dt>Attacker</dt>
        <dd>{incident.attacker ?? '—'}</dd>
        <dt>Alerts / flows</dt>
        <dd>
          {fmtCount(incident.alert_count)} / {fmtCount(incident.flow_count)}
        </dd>
      </dl>
      <h3>Detectors</h3>
      {detectors.length ? (
        detectors.map(([det, { top, n }]) => (
          <div key={det} className="detector">
            <div className="row tight">
              <button
                type="button"
                className="link"
                title="Drill to this detector's strongest alert"
                onClick={() => w.selectAlert(top)}
              >
                {det}
              </button>
              <span className="muted">
                {n} alert{n === 1 ? '' : 's'} · best {fmtScore(top.score)}
              </span>
            </div>
            <FeatureTable features={top.features} />
          </div>
        ))
      ) : (
        <p className="muted">{incident.detectors.join(', ') || 'no alerts loaded'}</p>
      )}
      <h3>
        Victims <span className="muted">({fmtCount(victims.length)})</span>
      </h3>
      {victims.length ? (
        <ul className="victims">
          {victims.slice(0, VICTIMS_SHOWN).map((v) => (
            <li key={v}>
              <button
                type="button"
                className="link"
                title={`Flows with ${v} in this incident`}
                onClick={() => w.setDrill(drills.host(v))}
              >
                {v}
              </button>
            </li>
          ))}
          {victims.length > VICTIMS_SHOWN && (
            <li className="muted">+{fmtCount(victims.length - VICTIMS_SHOWN)} more</li>
          )}
        </ul>
      ) : (
        <p className="muted">none recorded</p>
      )}
    </div>
  );
}
