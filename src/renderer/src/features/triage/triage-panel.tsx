// Triage of the selected incident: status, tags, Markdown notes, the audit trail, and the two
// actions on it: allow (silence it as known-good) and export a report of it.
import { useCallback, useState } from 'react';
import type { Incident } from '../../../../shared/model';
import type {
  AuditEntry,
  IncidentTriage,
  TriageChange,
  TriageStatus,
} from '../../../../shared/triage';
import { TRIAGE_STATUSES } from '../../../../shared/triage';
import { api, errorText } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtTs } from '../../util/format';
import { useWorkspace } from '../workspace/selection';
import { ExportPacketsButton } from '../context/export-packets';
import { AllowDialog } from './allow-dialog';
import { ExportDialog } from './export-dialog';
import { NotesEditor } from './notes-editor';
import { STATUS_LABEL } from '../incidents/status-filter';
import './triage.css';

export { STATUS_LABEL };

export function TriagePanel({
  onRulesChanged,
  onTriageChanged,
}: {
  onRulesChanged(): void;
  onTriageChanged(): void;
}) {
  const w = useWorkspace();
  const inc = w.selection.incident;
  // the dialogs outlive the selection: re-running detection after "Allow…" removes the incident
  const [dialog, setDialog] = useState<{ kind: 'allow' | 'export'; incident: Incident } | null>(
    null,
  );
  return (
    <section className="pane triage-pane" aria-label="Triage">
      {inc ? (
        <IncidentTriageView
          key={inc.key}
          incident={inc}
          openDialog={(kind) => setDialog({ kind, incident: inc })}
          onChanged={onTriageChanged}
        />
      ) : (
        <Empty>Select an incident to triage it.</Empty>
      )}
      {dialog?.kind === 'allow' && (
        <AllowDialog
          incident={dialog.incident}
          onClose={() => setDialog(null)}
          onChanged={onRulesChanged}
        />
      )}
      {dialog?.kind === 'export' && (
        <ExportDialog incident={dialog.incident} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

function IncidentTriageView({
  incident,
  openDialog,
  onChanged,
}: {
  incident: Incident;
  openDialog(kind: 'allow' | 'export'): void;
  onChanged(): void;
}) {
  const key = incident.key;
  const triage = useAsync(() => api.triage(key), [key]);
  const audit = useAsync(() => api.auditTrail(key), [key]);
  const [local, setLocal] = useState<IncidentTriage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const t = local ?? triage.value;
  const reloadAudit = audit.reload;

  const change = useCallback(
    async (c: TriageChange) => {
      setError(null);
      try {
        setLocal(await api.updateTriage(key, c));
        reloadAudit();
        onChanged(); // the incident list shows status and tags
      } catch (e) {
        setError(errorText(e));
      }
    },
    [key, reloadAudit, onChanged],
  );

  if (triage.loading && !t) return <Loading what="triage" />;
  if (triage.error || !t)
    return <ErrorBox error={triage.error ?? 'no triage'} retry={triage.reload} />;
  return (
    <div className="triage-body">
      <header className="pane-head">
        <h2>Triage</h2>
        <span className="muted" title={key}>
          {incident.type} · {incident.attacker ?? incident.victims[0] ?? ''}
        </span>
      </header>
      <div className="triage-scroll">
        <div className="row tight">
          <label htmlFor="triage-status">Status</label>
          <select
            id="triage-status"
            aria-label="Status"
            className={`status-${t.status}`}
            value={t.status}
            onChange={(e) => void change({ status: e.target.value as TriageStatus })}
          >
            {TRIAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
          <button
            type="button"
            onClick={() => openDialog('allow')}
            title="Silence this behaviour as known-good"
          >
            Allow…
          </button>
          <button type="button" onClick={() => openDialog('export')}>
            Export…
          </button>
          <ExportPacketsButton incident={incident} />
        </div>
        <div className="tags" aria-label="Tags">
          {t.tags.map((x) => (
            <span key={x} className="chip">
              {x}
              <button
                type="button"
                aria-label={`Remove tag ${x}`}
                onClick={() => void change({ removeTags: [x] })}
              >
                ×
              </button>
            </span>
          ))}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const v = tag.trim();
              if (v) void change({ addTags: [v] }).then(() => setTag(''));
            }}
          >
            <input
              aria-label="Add tag"
              placeholder="+ tag"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
            />
          </form>
        </div>
        {error && <ErrorBox error={error} />}
        <NotesEditor incidentKey={key} saved={t.notes} onSaved={reloadAudit} />
        <h3>Audit trail</h3>
        <AuditList entries={audit.value} loading={audit.loading} error={audit.error} />
      </div>
    </div>
  );
}

function short(v: string | null): string {
  if (v == null || v === '') return '∅';
  const one = v.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

function AuditList({
  entries,
  loading,
  error,
}: {
  entries?: AuditEntry[];
  loading: boolean;
  error: string | null;
}) {
  if (error) return <ErrorBox error={error} />;
  if (!entries) return loading ? <Loading what="audit trail" /> : null;
  if (!entries.length) return <div className="muted">No changes yet.</div>;
  return (
    <ol className="audit" data-testid="audit-trail">
      {[...entries].reverse().map((a, i) => (
        <li key={i}>
          <span className="muted">{fmtTs(a.ts, false)}</span> <b>{a.field}</b> {short(a.old_value)}{' '}
          → {short(a.new_value)}
        </li>
      ))}
    </ol>
  );
}
