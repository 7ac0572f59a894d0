// An import job as it runs (stage, each file with its bytes, the rows written, time taken and an
// honest estimate, cancel), then its summary: where the flows went, each file, the zone its
// timestamps were read in (an assumed one said so), rejected lines.
import { useState } from 'react';
import type {
  ImportFileState,
  ImportProgressView,
  IncidentsFound,
  JobState,
} from '../../../../shared/api';
import { api, errorText } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtBytes, fmtCount, fmtDuration, fmtScore, fmtSpan, fmtTs } from '../../util/format';
import { ZoneList } from './zone-badge';
import './import.css';

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
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - 50))}
        >
          Previous
        </button>
        <span className="muted">
          {offset + 1}–{offset + page.value.rows.length} of {fmtCount(page.value.total)}
        </span>
        <button
          type="button"
          disabled={offset + 50 >= page.value.total}
          onClick={() => setOffset(offset + 50)}
        >
          Next
        </button>
      </div>
    </div>
  );
}

const STAGE: Record<ImportProgressView['stage'], string> = {
  read: 'Reading',
  validate: 'Checking',
  write: 'Writing flows of',
  context: 'Country and AS of the addresses',
  analyse: 'Analysing',
  finish: 'Done',
  rollback: 'Cancelling: removing what was imported',
};

function fileStatus(f: ImportFileState): string {
  switch (f.status) {
    case 'reading':
      return `reading ${f.bytes ? Math.floor((100 * f.read) / f.bytes) : 0}%`;
    case 'validating':
      return 'checking fields';
    case 'writing':
      return 'writing flows';
    case 'done':
      return `${fmtCount(f.flows)} flows${f.rejects ? `, ${fmtCount(f.rejects)} rejected` : ''}`;
    case 'failed':
      return f.error ?? 'failed';
    case 'rolled-back':
      return 'removed again (cancelled)';
    default:
      return 'waiting';
  }
}

/**
 * The incidents the detectors done so far have found, while the others still run (issue 16): the
 * analyst reads the first ones instead of waiting for the last detector. A preview: the list can
 * still grow and scores rise; the workspace opens on the run's own list when the job is done.
 */
function IncidentsSoFar({ found }: { found: IncidentsFound }) {
  const list = [...found.incidents].sort((a, b) => b.score - a.score);
  return (
    <section className="incidents-so-far" data-testid="incidents-so-far" aria-live="polite">
      <p className="so-far-title">
        <b>
          {fmtCount(list.length)} {list.length === 1 ? 'incident' : 'incidents'} so far
        </b>
        <span className="muted">
          {' '}
          · found after {fmtDuration(found.seconds)} ·{' '}
          {found.detectorsLeft
            ? `${found.detectorsLeft} ${found.detectorsLeft === 1 ? 'detector' : 'detectors'} still running: more may come, scores may rise`
            : 'all detectors done: writing the results'}
        </span>
      </p>
      <table className="mini">
        <tbody>
          {list.map((x) => (
            <tr key={x.key}>
              <td className="num">
                <span className={`sev sev-${x.severity}`}>{fmtScore(x.score)}</span>
              </td>
              <td>{x.type}</td>
              <td>{x.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Progress({ job, v }: { job: JobState; v: ImportProgressView }) {
  const [cancelError, setCancelError] = useState<string | null>(null);
  const cur = v.current != null ? v.files[v.current] : null;
  const stage =
    v.stage === 'analyse'
      ? `Analysing: ${v.analyse?.step ?? ''}${v.analyse ? ` (${Math.min(v.analyse.done + 1, v.analyse.total)} of ${v.analyse.total})` : ''}`
      : cur && v.stage !== 'finish' && v.stage !== 'rollback'
        ? `${STAGE[v.stage]} ${cur.name}${v.files.length > 1 ? ` (${v.current! + 1} of ${v.files.length})` : ''}`
        : STAGE[v.stage];
  const pct = Math.round(v.fraction * 100);
  return (
    <>
      <div className="phase" data-testid="import-stage">
        {stage}
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div
          className={
            v.stage === 'validate' || v.stage === 'write' || v.stage === 'analyse'
              ? 'bar working'
              : 'bar'
          }
          style={{ width: `${pct}%` }}
        />
      </div>
      <div className="muted" data-testid="import-figures">
        {fmtBytes(v.bytesRead)} of {fmtBytes(v.bytesTotal)} read · {fmtCount(v.flows)} flows written
        · {fmtDuration(v.elapsedSeconds)} so far
        {v.etaSeconds != null
          ? ` · about ${fmtDuration(v.etaSeconds)} left for the import`
          : v.stage === 'analyse'
            ? ''
            : ' · estimating…'}
      </div>
      {v.files.length > 1 && (
        <table className="mini import-job-files" data-testid="import-job-files">
          <tbody>
            {v.files.map((f, i) => (
              <tr key={i} className={`st-${f.status}`}>
                <td>{f.name}</td>
                <td className="num">{fmtBytes(f.bytes)}</td>
                <td>{fileStatus(f)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.stage === 'analyse' && !!v.analyse?.found?.incidents.length && (
        <IncidentsSoFar found={v.analyse.found} />
      )}
      <button
        type="button"
        onClick={() => api.cancelJob(job.id).catch((e) => setCancelError(errorText(e)))}
      >
        Cancel
      </button>
      <span className="muted"> nothing of this import stays when cancelled</span>
      {cancelError && <ErrorBox error={cancelError} />}
    </>
  );
}

export function ImportView({
  job,
  onDone,
  onBack,
}: {
  job: JobState;
  onDone(): void;
  onBack(): void;
}) {
  const [showRejects, setShowRejects] = useState<number | null>(null);
  const v = job.import ?? null;
  const s = job.summary;
  const where =
    v?.target.kind === 'open'
      ? `adding to ${v.target.caseName}`
      : v
        ? `into a new case, ${v.target.caseName}`
        : '';
  return (
    <main className="import-view" aria-label="Import">
      <h1>{job.title}</h1>
      {where && job.status === 'running' && <p className="muted">{where}</p>}
      {job.status === 'running' &&
        (v ? (
          <Progress job={job} v={v} />
        ) : (
          <>
            <div className="phase">{job.progress?.phase ?? 'starting…'}</div>
            <div className="progress" role="progressbar">
              <div className="bar indeterminate" />
            </div>
          </>
        ))}
      {job.status === 'failed' && (
        <>
          <ErrorBox error={job.error ?? 'import failed'} />
          <p className="muted">
            Nothing was imported
            {v?.target.kind === 'new'
              ? '; no case was made'
              : `; ${v?.target.caseName ?? 'the case'} is as it was`}
            .
          </p>
          <button type="button" onClick={onBack}>
            Back
          </button>
        </>
      )}
      {job.status === 'cancelled' && (
        <>
          <p data-testid="import-cancelled">
            Import cancelled; nothing of it was kept
            {v?.target.kind === 'open'
              ? `: ${v.target.caseName} is as it was before`
              : ' (the new case was removed)'}
            .
          </p>
          <button type="button" onClick={onBack}>
            Back
          </button>
        </>
      )}
      {job.status === 'done' && s && (
        <section className="summary" data-testid="import-summary">
          <p data-testid="import-target">
            {s.target === 'open' ? (
              <>
                Added to <b>{s.caseName}</b>
              </>
            ) : (
              <>
                New case <b>{s.caseName}</b>
              </>
            )}
          </p>
          <dl className="facts">
            <dt>Flows</dt>
            <dd>
              {fmtCount(s.flows)}
              {s.target === 'open' ? ` (${fmtCount(s.added)} added)` : ''}
            </dd>
            <dt>Time span</dt>
            <dd>
              {fmtTs(s.firstTs, false)} → {fmtTs(s.lastTs, false)} UTC (
              {fmtSpan(s.firstTs, s.lastTs)})
            </dd>
            <dt>Time zone</dt>
            <dd data-testid="import-zones">
              <ZoneList zones={s.zones} />
            </dd>
            <dt>Rejected lines</dt>
            <dd>{fmtCount(s.rejects)}</dd>
            <dt>Incidents</dt>
            <dd>{fmtCount(s.incidents)}</dd>
            <dt>Took</dt>
            <dd>{fmtDuration(s.seconds)}</dd>
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
              {s.imports.map((i) => (
                <tr key={i.id}>
                  <td title={i.path}>{i.path.split(/[\\/]/).pop()}</td>
                  <td>{i.format}</td>
                  <td className="num">{fmtCount(i.rows_read)}</td>
                  <td className="num">{fmtCount(i.rows_rejected)}</td>
                  <td>
                    {i.rows_rejected > 0 && (
                      <button
                        type="button"
                        onClick={() => setShowRejects(showRejects === i.id ? null : i.id)}
                      >
                        {showRejects === i.id ? 'Hide rejected lines' : 'View rejected lines'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {s.failed.map((f) => (
                <tr key={`failed:${f.name}`} className="st-failed">
                  <td>{f.name}</td>
                  <td colSpan={4} className="bad">
                    not imported: {f.error}
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
