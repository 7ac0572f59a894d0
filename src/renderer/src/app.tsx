// Top level: Home, an import in progress, or the workspace of the open case.
import { useCallback, useEffect, useState } from 'react';
import type { CaseInfo, JobState } from '../../shared/api';
import { api, errorText, onServerEvent } from './api/client';
import { ErrorBox, Loading } from './components/pane-state';
import { HomeView } from './features/home/home-view';
import { ImportDialog } from './features/import/import-dialog';
import type { ImportDraft } from './features/import/import-draft';
import { ImportView } from './features/import/import-view';
import { DropOverlay, useFileDrop } from './features/import/use-file-drop';
import { dropEarly, earlySettled, readEarly, takeEarly } from './features/workspace/early-reads';
import { Workspace } from './features/workspace/workspace';

type View =
  | { kind: 'loading' }
  | { kind: 'home' }
  | { kind: 'job'; job: JobState }
  | { kind: 'case'; info: CaseInfo };

export function App() {
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [error, setError] = useState<string | null>(null);
  // files picked or dropped: the import dialog, with the open case (if any) as a choice
  const [draft, setDraft] = useState<{ draft: ImportDraft; open: CaseInfo | null } | null>(null);
  const startImport = useCallback((d: ImportDraft) => {
    api.caseInfo().then(
      (open) => setDraft({ draft: d, open }),
      () => setDraft({ draft: d, open: null }),
    );
  }, []);

  const showCase = useCallback(async () => {
    try {
      // at the start: read beside jobs, and the workspace opens with its incidents in
      const [info] = await Promise.all([
        takeEarly('caseInfo') ?? api.caseInfo(),
        earlySettled('incidents'),
      ]);
      if (!info) dropEarly();
      setView(info ? { kind: 'case', info } : { kind: 'home' });
    } catch (e) {
      dropEarly();
      setError(errorText(e));
      setView({ kind: 'home' });
    }
  }, []);

  // start: a running job (e.g. serve --sample importing) wins, then the open case, else Home
  useEffect(() => {
    // the open case's incidents and view, asked for beside jobs and caseInfo (early-reads.ts)
    readEarly();
    (async () => {
      const running = (await api.jobs()).find((j) => j.status === 'running');
      if (running) {
        dropEarly();
        setView({ kind: 'job', job: running });
      } else await showCase();
    })().catch((e) => {
      dropEarly();
      setError(errorText(e));
      setView({ kind: 'home' });
    });
  }, [showCase]);

  // job progress pushes; a short poll covers a dropped event stream
  useEffect(() => {
    const off = onServerEvent((e) => {
      if (e.type === 'job')
        setView((v) =>
          v.kind === 'job' && v.job.id === e.job.id ? { kind: 'job', job: e.job } : v,
        );
      // the open case's figures changed (following a folder adds flows and incidents; detection on its
      // server finished, it connected again)
      if (e.type === 'case' && e.info)
        setView((v) =>
          v.kind === 'case' && e.info && v.info.path === e.info.path
            ? { kind: 'case', info: e.info }
            : v,
        );
    });
    return off;
  }, []);
  const jobId = view.kind === 'job' && view.job.status === 'running' ? view.job.id : null;
  useEffect(() => {
    if (!jobId) return;
    const t = setInterval(() => {
      api.job(jobId).then(
        (j) =>
          setView((v) => (v.kind === 'job' && v.job.id === j.id ? { kind: 'job', job: j } : v)),
        () => undefined,
      );
    }, 1000);
    return () => clearInterval(t);
  }, [jobId]);

  // files and folders dropped anywhere on the window open the import dialog
  const dragging = useFileDrop(startImport, setError);

  const banner = error && (
    <div className="banner">
      <ErrorBox error={error} retry={() => setError(null)} />
    </div>
  );
  const overlays = (
    <>
      {banner}
      {dragging && view.kind !== 'job' && <DropOverlay adding={view.kind === 'case'} />}
      {draft && (
        <ImportDialog
          draft={draft.draft}
          openCase={draft.open}
          onClose={() => setDraft(null)}
          onJob={(job) => {
            setDraft(null);
            setView({ kind: 'job', job });
          }}
        />
      )}
    </>
  );
  if (view.kind === 'loading') return <Loading what="netsift" />;
  if (view.kind === 'home')
    return (
      <>
        {overlays}
        <HomeView
          onImport={startImport}
          onJob={(job) => setView({ kind: 'job', job })}
          onOpened={() => void showCase()}
        />
      </>
    );
  if (view.kind === 'job')
    return (
      <>
        {overlays}
        <ImportView job={view.job} onDone={() => void showCase()} onBack={() => void showCase()} />
      </>
    );
  return (
    <>
      {overlays}
      <Workspace
        // a case whose server connects (again) is read afresh: its panes failed while it was not
        key={`${view.info.path}${view.info.flowStore?.connected ? ' (connected)' : ''}`}
        info={view.info}
        onHome={() => setView({ kind: 'home' })}
        onInfo={(info) => setView({ kind: 'case', info })}
      />
    </>
  );
}
