// Threat-intel feeds: status of each (last refresh, age, entries, warnings, last error), refresh,
// enable/disable, add by URL or file.
import { useState } from 'react';
import type { FeedFormat, FeedStatus } from '../../../../shared/feeds';
import { FEED_FORMATS } from '../../../../shared/feeds';
import { api, errorText } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtDuration, fmtTs } from '../../util/format';

export function FeedsPanel({ onClose }: { onClose(): void }) {
  const feeds = useAsync(() => api.feeds(), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [list, setList] = useState<FeedStatus[] | null>(null);
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<FeedFormat>('ip-list');
  const shown = list ?? feeds.value ?? [];

  const act = async (what: string, fn: () => Promise<FeedStatus[]>) => {
    setBusy(what);
    setActionError(null);
    try {
      setList(await fn());
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="modal" role="dialog" aria-label="Threat-intel feeds">
      <div className="modal-body wide">
        <header className="pane-head">
          <h2>Threat-intel feeds</h2>
          <button type="button" disabled={!!busy} onClick={() => void act('refresh', () => api.refreshFeeds())}>
            {busy === 'refresh' ? 'Refreshing…' : 'Refresh now'}
          </button>
          <button type="button" className="close" aria-label="Close feeds" onClick={onClose}>
            ×
          </button>
        </header>
        {actionError && <ErrorBox error={actionError} />}
        {feeds.loading && !feeds.value && <Loading what="feeds" />}
        {feeds.error && <ErrorBox error={feeds.error} retry={feeds.reload} />}
        {!feeds.loading && !feeds.error && !shown.length && <Empty>No feeds configured.</Empty>}
        {shown.length > 0 && (
          <table className="feeds">
            <thead>
              <tr>
                <th>On</th>
                <th>Feed</th>
                <th>Last refresh</th>
                <th>Age</th>
                <th>Entries</th>
                <th>Warnings</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((f) => (
                <tr key={f.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Enable ${f.name}`}
                      checked={f.enabled}
                      onChange={(e) => void act(f.id, () => api.setFeedEnabled(f.id, e.target.checked))}
                    />
                  </td>
                  <td title={f.url ?? f.file}>
                    {f.name}
                    <div className="muted">{f.format}</div>
                  </td>
                  <td>{fmtTs(f.current?.fetchedAt, false) || 'never'}</td>
                  <td>{f.ageSeconds == null ? '' : fmtDuration(f.ageSeconds)}</td>
                  <td className="num">{fmtCount(f.current?.entries)}</td>
                  <td>
                    {f.guarded.length ? `${f.guarded.length} guarded` : ''}
                    {f.invalidLines ? ` ${f.invalidLines} invalid lines` : ''}
                  </td>
                  <td className="bad">{f.lastError ?? ''}</td>
                  <td>
                    <button type="button" disabled={!!busy} onClick={() => void act(f.id, () => api.refreshFeeds([f.id]))}>
                      Refresh
                    </button>
                    <button type="button" disabled={!!busy} onClick={() => void act(f.id, () => api.removeFeed(f.id))}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            const v = url.trim();
            if (!v) return;
            const isUrl = /^https?:\/\//i.test(v);
            const id = v.replace(/^https?:\/\//i, '').replace(/[^\w]+/g, '-').slice(0, 40).toLowerCase();
            void act('add', () =>
              api.addFeed({ id, name: v.split('/').pop() || id, ...(isUrl ? { url: v } : { file: v }), format, enabled: true, intervalSeconds: 3600 }),
            ).then(() => setUrl(''));
          }}
        >
          <input aria-label="Feed URL or file" placeholder="https://… or /path/to/list.txt" value={url} onChange={(e) => setUrl(e.target.value)} />
          <select aria-label="Feed format" value={format} onChange={(e) => setFormat(e.target.value as FeedFormat)}>
            {FEED_FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
          <button type="submit" disabled={!!busy}>
            Add feed
          </button>
        </form>
      </div>
    </div>
  );
}
