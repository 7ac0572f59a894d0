// About netsift: its version, where country and AS data come from (package, version, data date,
// licence and the attribution the licences ask for: the same as every report's appendix), and
// what address context the open case holds.
import { NETSIFT_VERSION } from '../../../../shared/version';
import { api } from '../../api/client';
import { ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtTs } from '../../util/format';
import './context.css';

export function AboutDialog({ onClose }: { onClose(): void }) {
  const sources = useAsync(() => api.geoSources(), []);
  const status = useAsync(() => api.contextStatus(), []);
  const s = sources.value;
  const st = status.value;
  return (
    <div className="modal" role="dialog" aria-label="About netsift" onClick={onClose}>
      <div className="modal-body about-dialog" onClick={(e) => e.stopPropagation()}>
        <header className="pane-head">
          <h2>About netsift</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={onClose}>
            ×
          </button>
        </header>
        <p>
          netsift {NETSIFT_VERSION}: network flow investigation. Country and AS data are packaged
          with netsift and read offline; names come from DNS answers in the case&apos;s own data. No
          address is looked up on the network.
        </p>
        <h3>Country and AS data</h3>
        {sources.error && <ErrorBox error={sources.error} retry={sources.reload} />}
        {!s && sources.loading && <Loading what="data sources" />}
        {s?.error && <p className="bad">{s.error}</p>}
        {s && (
          <table className="mini" data-testid="geo-sources">
            <thead>
              <tr>
                <th>data</th>
                <th>package</th>
                <th>version</th>
                <th>data date</th>
                <th>licence</th>
              </tr>
            </thead>
            <tbody>
              {s.datasets.map((d) => (
                <tr key={d.package}>
                  <td className="nowrap">{d.kind === 'asn' ? 'AS' : 'country'}</td>
                  <td>
                    <code>{d.package}</code>
                    <div className="muted">{d.title}</div>
                  </td>
                  <td className="nowrap">
                    <code>{d.version}</code>
                  </td>
                  <td className="nowrap">{d.date ?? '—'}</td>
                  <td>{d.licence}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {s && (
          <div className="attribution">
            {s.datasets.map((d) => (
              <p key={d.package}>
                {d.attribution} <span className="muted">{d.url}</span>
              </p>
            ))}
            {s.note && <p className="muted">{s.note}</p>}
          </div>
        )}
        <h3>This case</h3>
        {status.error && <ErrorBox error={status.error} retry={status.reload} />}
        {st && (
          <dl className="facts" data-testid="case-context">
            <dt>Country / AS</dt>
            <dd>
              {st.geo.versions ? (
                <>
                  {fmtCount(st.geo.addresses)} addresses ({fmtCount(st.geo.withCountry)} with a
                  country, {fmtCount(st.geo.withAsn)} with an AS) from{' '}
                  <code>{st.geo.versions.join(', ')}</code>
                  {st.geo.builtAt ? `, ${fmtTs(st.geo.builtAt, false)} UTC` : ''}
                  {st.geo.stale && (
                    <div className="bad">
                      Newer data is installed: <code>netsift context --refresh-geo</code> adds it to
                      this case.
                    </div>
                  )}
                </>
              ) : (
                <span className="muted">not added to this case</span>
              )}
            </dd>
            <dt>Names</dt>
            <dd>{fmtCount(st.dnsNames)} name/address pairs from DNS answers</dd>
            <dt>Zeek logs</dt>
            <dd>
              {fmtCount(st.zeek.http)} http, {fmtCount(st.zeek.ssl)} ssl, {fmtCount(st.zeek.dns)}{' '}
              dns lines
              {st.contextImports.length > 0 && (
                <ul className="list">
                  {st.contextImports.map((i) => (
                    <li key={i.path}>
                      <code>{i.path}</code> ({i.kind}, {fmtCount(i.rows)} row
                      {i.rows === 1 ? '' : 's'}
                      {i.rejected ? `, ${fmtCount(i.rejected)} rejected` : ''})
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        )}
      </div>
    </div>
  );
}
