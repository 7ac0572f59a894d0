// The host panel's address context (issue 17): country and AS (offline data), every name the
// address had in the case's own DNS answers (first and last seen), and what Zeek's http, ssl and
// dns logs say it did; each a pivot back to its flows. No lookup leaves the machine: there is no
// active reverse lookup here.
import type { HostContext, HostContextItem } from '../../../../shared/context';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtPort, fmtTs } from '../../util/format';
import { asText, countryName } from '../context/geo-text';
import { useWorkspace } from '../workspace/selection';
import '../context/context.css';

const KIND_TITLE: Record<HostContextItem['kind'], string> = {
  http: 'HTTP hosts and URIs (Zeek http.log)',
  tls: 'TLS server names (Zeek ssl.log)',
  dns: 'DNS queries (Zeek dns.log)',
};

/** Country and AS lines for the facts list of the host panel. */
export function GeoFacts({ ctx }: { ctx: HostContext | undefined }) {
  const w = useWorkspace();
  const g = ctx?.geo;
  return (
    <>
      <dt>Country</dt>
      <dd data-testid="host-country">
        {g?.country ? (
          <button
            type="button"
            className="link"
            title={`Filter to flows with an address in ${countryName(g.country)}`}
            onClick={() => w.addClause(`country ${g.country}`)}
          >
            {g.country} · {countryName(g.country)}
          </button>
        ) : (
          <span className="muted">
            {ctx ? 'unknown (private, special or not in the data)' : '…'}
          </span>
        )}
      </dd>
      <dt>AS</dt>
      <dd data-testid="host-as">
        {g?.asn != null ? (
          <button
            type="button"
            className="link"
            title={`Filter to flows with an address in AS${g.asn}`}
            onClick={() => w.addClause(`as ${g.asn}`)}
          >
            {asText(g.asn, g.asOrg)}
          </button>
        ) : (
          <span className="muted">{ctx ? 'unknown' : '…'}</span>
        )}
      </dd>
    </>
  );
}

/** Names, then the Zeek context grouped by kind. */
export function HostContextSections({
  ip,
  state,
}: {
  ip: string;
  state: ReturnType<typeof useHostContext>;
}) {
  const w = useWorkspace();
  const ctx = state.value;
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (!ctx) return state.loading ? <Loading what={`context of ${ip}`} /> : null;
  const kinds = (['http', 'tls', 'dns'] as const).filter((k) =>
    ctx.items.some((i) => i.kind === k),
  );
  return (
    <>
      <h3>Names (DNS answers in the case)</h3>
      {ctx.names.length ? (
        <table className="mini names" data-testid="host-names">
          <tbody>
            {ctx.names.map((n) => (
              <tr key={`${n.name}-${n.rtype}`}>
                <td>
                  <button
                    type="button"
                    className="link"
                    title={`Filter to flows of every address named ${n.name}`}
                    onClick={() => w.addClause(`host name ${n.name}`)}
                  >
                    {n.name}
                  </button>
                  <div className="muted">
                    {n.rtype} · {n.source}
                    {n.via ? ` · via ${n.via}` : ''} · {fmtCount(n.answers)} answer
                    {n.answers === 1 ? '' : 's'}
                  </div>
                </td>
                <td className="when">
                  <Seen first={n.firstSeen} last={n.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No DNS answer in the case named this address.</p>
      )}
      {kinds.map((k) => (
        <section key={k} data-testid={`host-ctx-${k}`}>
          <h3>{KIND_TITLE[k]}</h3>
          <table className="mini ctx">
            <tbody>
              {ctx.items
                .filter((i) => i.kind === k)
                .map((i, n) => (
                  <tr key={n}>
                    <td>
                      <button
                        type="button"
                        className="link"
                        title="Show the flows behind these log lines"
                        onClick={() =>
                          w.setDrill({
                            label: `${k} ${i.value || '(none)'} ${i.role === 'client' ? '→' : '←'} ${i.peer}`,
                            selector: i.selector,
                          })
                        }
                      >
                        {i.value || '(none)'}
                      </button>{' '}
                      <span className="muted">
                        {i.role === 'client'
                          ? `to ${i.peer}${i.port != null ? ` port ${fmtPort(i.port)}` : ''}`
                          : `from ${i.peer}${i.port != null ? ` on port ${fmtPort(i.port)}` : ''}`}
                        {i.detail ? ` · ${i.detail}` : ''}
                      </span>
                      {i.examples.length > 0 && (
                        <ul className="ctx-examples">
                          {i.examples.map((x) => (
                            <li key={x}>{x}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="num">{fmtCount(i.count)}</td>
                    <td className="when">
                      <Seen first={i.firstSeen} last={i.lastSeen} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
      {ctx.truncated && (
        <p className="muted">Only the most frequent lines of each log are listed.</p>
      )}
    </>
  );
}

/** First and last seen, one line when they are the same second. */
function Seen({ first, last }: { first: string; last: string }) {
  const [a, b] = [fmtTs(first, false), fmtTs(last, false)];
  return a === b ? (
    <>{a}</>
  ) : (
    <>
      {a}
      <br />
      {b}
    </>
  );
}

export function useHostContext(ip: string) {
  return useAsync(() => api.hostContext(ip), [ip]);
}
