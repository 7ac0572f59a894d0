// Everything known about one address, with pivots back into the filter and other hosts: its
// flows, feeds and incidents, and its address context (country, AS, names, Zeek logs).
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtBytes, fmtCount, fmtPort, fmtScore, fmtTs } from '../../util/format';
import { useWorkspace } from '../workspace/selection';
import { GeoFacts, HostContextSections, useHostContext } from './host-context';

export function HostPanel({
  ip,
  onSelectIncident,
}: {
  ip: string;
  onSelectIncident(id: number): void;
}) {
  const w = useWorkspace();
  const host = useAsync(() => api.host(ip), [ip]);
  const ctx = useHostContext(ip);
  const h = host.value;
  return (
    <aside className="host-panel" role="dialog" aria-label={`Host ${ip}`} data-testid="host-panel">
      <header className="pane-head">
        <h2>Host {ip}</h2>
        {h && (
          <span
            className={`ip-mark ${h.internal ? 'int' : h.kind === 'public' ? 'pub' : 'special'}`}
          >
            {h.internal ? 'internal' : h.kind}
          </span>
        )}
        <button
          type="button"
          className="close"
          aria-label="Close host panel"
          onClick={() => w.showHost(null)}
        >
          ×
        </button>
      </header>
      {host.loading && !h && <Loading what={`host ${ip}`} />}
      {host.error && <ErrorBox error={host.error} retry={host.reload} />}
      {h && (
        <div className="host-body">
          <div className="pivots">
            <button type="button" onClick={() => w.addClause(`ip ${ip}`)}>
              Filter to host
            </button>
            <button type="button" onClick={() => w.addClause(`src ip ${ip}`)}>
              as source
            </button>
            <button type="button" onClick={() => w.addClause(`dst ip ${ip}`)}>
              as destination
            </button>
            <button type="button" onClick={() => w.addClause(`ip ${ip}`, true)}>
              Exclude
            </button>
          </div>
          <dl className="facts">
            <dt>First seen</dt>
            <dd>{fmtTs(h.first_seen, false) || '—'}</dd>
            <dt>Last seen</dt>
            <dd>{fmtTs(h.last_seen, false) || '—'}</dd>
            <dt>Flows out / in</dt>
            <dd>
              {fmtCount(h.flows_as_src)} / {fmtCount(h.flows_as_dst)}
            </dd>
            <dt>Bytes out / in</dt>
            <dd>
              {fmtBytes(h.bytes_out)} / {fmtBytes(h.bytes_in)}
            </dd>
            <GeoFacts ctx={ctx.value} />
          </dl>
          <HostContextSections ip={ip} state={ctx} />
          <h3>Blacklist hits</h3>
          {h.blacklist.length ? (
            <ul className="list">
              {h.blacklist.map((b) => (
                <li key={`${b.feed_id}-${b.entry}`} className="bad">
                  {b.feed_id} ({b.feed_version}): {b.entry}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">none in the feeds matched at analysis time</p>
          )}
          <h3>Incidents</h3>
          {h.incidents.length ? (
            <ul className="list">
              {h.incidents.map((i) => (
                <li key={i.id}>
                  <button type="button" className="link" onClick={() => onSelectIncident(i.id)}>
                    #{i.id} {i.type}
                  </button>{' '}
                  <span className={`sev sev-${i.severity}`}>{i.severity}</span> {fmtScore(i.score)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">none</p>
          )}
          <h3>Peers</h3>
          <table className="mini">
            <tbody>
              {h.peers.map((p) => (
                <tr key={p.ip}>
                  <td>
                    <button type="button" className="link" onClick={() => w.showHost(p.ip)}>
                      {p.ip}
                    </button>
                  </td>
                  <td className="num">{fmtCount(p.flows)}</td>
                  <td className="num">{fmtBytes(p.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Ports it contacted</h3>
          <table className="mini">
            <tbody>
              {h.dst_ports.map((p) => (
                <tr key={`${p.proto}-${p.port}`}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => w.addClause(`src ip ${ip} and dst port ${p.port}`)}
                    >
                      {p.proto} {fmtPort(p.port, p.proto)}
                    </button>
                  </td>
                  <td className="num">{fmtCount(p.flows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Ports it served</h3>
          <table className="mini">
            <tbody>
              {h.served_ports.map((p) => (
                <tr key={`${p.proto}-${p.port}`}>
                  <td>
                    {p.proto} {fmtPort(p.port, p.proto)}
                  </td>
                  <td className="num">{fmtCount(p.flows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </aside>
  );
}
