// Import progress (rate, ETA, cancel), then the summary with a view of rejected lines.
import { useState } from 'react';
import type { JobState } from '../../../../shared/api';
import { api, errorText } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtBytes, fmtCount, fmtDuration, fmtSpan, fmtTs } from '../../util/format';

function Rejects({ importId }: { importId: number }) {
  const [offset, setOffset] = useState(0);
  const page = useAsync(() => api.rejects({ importId, offset, limit: 50 }), [importId, offset]);
  if (page.loading && !page.value) return <Loading what="rejected lines" />;
  if (page.error) return <ErrorBox error={page.error} retry={page.reload} />;
  if (!page.value?.rows.length) return <Empty>No rejected lines.</Empty>;
  return (
    <div className="rejects">
      <table className="mini">
        <thead>
          <tr>
            <th>Line</th>
            <th>Reason</th>
            <th>Raw</th>
          </tr>
        </thead>
        <tbody>
          {page.value.rows.map((r) => (
            <tr key={r.line}>
              <td className="num">{r.line}</td>
              <td>{r.reason}</td>
              <td>
                <code>{r.raw}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
          Previous
        </button>
        <span className="muted">
          {offset + 1}–{offset + page.value.rows.length} of {fmtCount(page.value.total)}
        </span>
        <button type="button" disabled={offset + 50 >= page.value.total} onClick={() => setOffset(offset + 50)}>
          Next
        </button>
      </div>
    </div>
  );
}

export function ImportView({ job, onDone, onBack }: { job: JobState; onDone(): void; onBack(): void }) {
  const [cancelError, setCancelError] = useState<string | null>(null);
  const [showRejects, setShowRejects] = useState<number | null>(null);
  const p = job.progress;
  const pct = p?.total ? Math.min(100, (100 * p.done) / p.total) : null;
  const unit = (n: number | null | undefined) => (p?.unit === 'bytes' ? fmtBytes(n) : fmtCount(n));
  return (
    <main className="import-view" aria-label="Import">
      <h1>{job.title}</h1>
      {job.status === 'running' && (
        <>
          <div className="phase">{p?.phase ?? 'starting…'}</div>
          <div className="progress" role="progressbar" aria-valuenow={pct ?? undefined} aria-valuemin={0} aria-valuemax={100}>
            <div className={pct == null ? 'bar indeterminate' : 'bar'} style={{ width: pct == null ? undefined : `${pct}%` }} />
          </div>
          <div className="muted">
            {p ? `${unit(p.done)}${p.total != null ? ` of ${unit(p.total)}` : ''}` : ''}
            {p?.rate ? ` · ${unit(p.rate)}/s` : ''}
            {p?.etaSeconds != null ? ` · about ${fmtDuration(p.etaSeconds)} left` : ''}
            {p?.message ? ` · ${p.message}` : ''}
          </div>
          <button
            type="button"
            onClick={() => api.cancelJob(job.id).catch((e) => setCancelError(errorText(e)))}
          >
            Cancel
          </button>
          {cancelError && <ErrorBox error={cancelError} />}
        </>
      )}
      {job.status === 'failed' && (
        <>
          <ErrorBox error={job.error ?? 'import failed'} />
          <button type="button" onClick={onBack}>
            Back
          </button>
        </>
      )}
      {job.status === 'cancelled' && (
        <>
          <p>Import cancelled; the case is left as it was before.</p>
          <button type="button" onClick={onBack}>
            Back
          </button>
        </>
      )}
      {job.status === 'done' && job.summary && (
        <section className="summary" data-testid="import-summary">
          <dl className="facts">
            <dt>Flows</dt>
            <dd>{fmtCount(job.summary.flows)}</dd>
            <dt>Time span</dt>
            <dd>
              {fmtTs(job.summary.firstTs, false)} → {fmtTs(job.summary.lastTs, false)} ({fmtSpan(job.summary.firstTs, job.summary.lastTs)})
            </dd>
            <dt>Rejected lines</dt>
            <dd>{fmtCount(job.summary.rejects)}</dd>
            <dt>Incidents</dt>
            <dd>{fmtCount(job.summary.incidents)}</dd>
            <dt>Took</dt>
            <dd>{fmtDuration(job.summary.seconds)}</dd>
          </dl>
          <table className="mini">
            <thead>
              <tr>
                <th>File</th>
                <th>Format</th>
                <th>Rows</th>
                <th>Rejected</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {job.summary.imports.map((i) => (
                <tr key={i.id}>
                  <td title={i.path}>{i.path.split(/[\\/]/).pop()}</td>
                  <td>{i.format}</td>
                  <td className="num">{fmtCount(i.rows_read)}</td>
                  <td className="num">{fmtCount(i.rows_rejected)}</td>
                  <td>
                    {i.rows_rejected > 0 && (
                      <button type="button" onClick={() => setShowRejects(showRejects === i.id ? null : i.id)}>
                        {showRejects === i.id ? 'Hide rejected lines' : 'View rejected lines'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {showRejects != null && <Rejects importId={showRejects} />}
          <button type="button" className="primary" onClick={onDone}>
            Open workspace
          </button>
        </section>
      )}
    </main>
  );
}
