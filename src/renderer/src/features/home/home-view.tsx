// Home: the cases netsift knows (recent first: name, flows, span, last opened) and the ways in:
// New case (import files into a case of their own), Open case, the bundled sample. Files come in
// only through the import dialog, so nothing lands in the open case unless the analyst says so.
import { useEffect, useRef, useState } from 'react';
import type { CaseInfo, JobState, RecentCase } from '../../../../shared/api';
import { api, chooseCase, chooseFiles, errorText, transport } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import type { ImportDraft } from '../import/import-draft';
import { CaseTable } from './case-table';
import { OpenCaseDialog } from './open-case-dialog';
import { ConnectStoreDialog } from './connect-store-dialog';
import './home.css';

export function HomeView({
  onImport,
  onJob,
  onOpened,
}: {
  onImport(draft: ImportDraft): void;
  onJob(j: JobState): void;
  onOpened(): void;
}) {
  const recent = useAsync(() => api.recentCases(), []);
  const [cases, setCases] = useState<RecentCase[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [connecting, setConnecting] = useState(false);
  const [serverPath, setServerPath] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => setCases(recent.value ?? null), [recent.value]);
  // the case still open behind Home (gone once it is deleted or closed)
  const open = useAsync<CaseInfo | null>(() => api.caseInfo(), [cases]);
  const openCase = open.value ?? null;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const newCase = () =>
    chooseFiles
      ? void run(async () => {
          const paths = await chooseFiles!();
          if (paths.length) onImport({ paths });
        })
      : fileInput.current?.click();

  const openCaseAction = () =>
    chooseCase
      ? void run(async () => {
          const p = await chooseCase!();
          if (p) {
            await api.openCase(p);
            onOpened();
          }
        })
      : setPicking(true);

  return (
    <main className="home" aria-label="Home">
      <header className="home-head">
        <h1>netsift</h1>
        {openCase && (
          <button type="button" onClick={onOpened}>
            Back to {openCase.name}
          </button>
        )}
      </header>
      <p className="muted">
        Network flow captures (NetFlow/IPFIX CSV, nfdump, Zeek conn.log, Argus, CICFlowMeter, pcap)
        become cases: one case per investigation, each with its own flows, incidents and notes.
      </p>
      <div className="home-actions">
        <button type="button" className="primary" disabled={busy} onClick={newCase}>
          New case…
        </button>
        <button type="button" disabled={busy} onClick={openCaseAction}>
          Open case…
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(async () => onJob(await api.openSample()))}
        >
          Open the sample capture
        </button>
        <button type="button" disabled={busy} onClick={() => setConnecting(true)}>
          Connect to ClickHouse…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Files for a new case"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) onImport({ files });
          }}
        />
      </div>
      <p className="muted drop-hint">
        New case… picks capture files (several at once); or drop files and folders anywhere on this
        window.
      </p>
      {transport === 'http' && (
        <form
          className="row server-path"
          onSubmit={(e) => {
            e.preventDefault();
            if (serverPath.trim()) onImport({ paths: [serverPath.trim()] });
          }}
        >
          <input
            aria-label="Path on the server"
            placeholder="or a capture file or folder on the server, in a folder granted with netsift serve --grant"
            value={serverPath}
            onChange={(e) => setServerPath(e.target.value)}
          />
          <button type="submit" disabled={busy || !serverPath.trim()}>
            Import from server
          </button>
        </form>
      )}
      {error && <ErrorBox error={error} />}
      <h2>Cases</h2>
      {recent.loading && !cases && <Loading what="cases" />}
      {recent.error && <ErrorBox error={recent.error} retry={recent.reload} />}
      {cases && !cases.length && (
        <Empty>No cases yet: start with New case… or the sample capture.</Empty>
      )}
      {cases && cases.length > 0 && (
        <CaseTable
          cases={cases}
          busy={busy}
          onChanged={setCases}
          onOpen={(c) =>
            void run(async () => {
              await api.openCase(c.id);
              onOpened();
            })
          }
        />
      )}
      {connecting && (
        <ConnectStoreDialog onConnected={onOpened} onClose={() => setConnecting(false)} />
      )}
      {picking && cases && (
        <OpenCaseDialog cases={cases} onOpened={onOpened} onClose={() => setPicking(false)} />
      )}
    </main>
  );
}
