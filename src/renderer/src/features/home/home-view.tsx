// Home: open a capture (path, upload or native dialog), recent cases, the bundled sample.
import { useRef, useState } from 'react';
import type { JobState } from '../../../../shared/api';
import { api, chooseFiles, errorText, importBrowserFile, transport } from '../../api/client';
import { Empty, ErrorBox, Loading } from '../../components/pane-state';
import { useAsync } from '../../components/use-async';
import { fmtCount, fmtTs } from '../../util/format';

export function HomeView({ onJob, onOpened }: { onJob(j: JobState): void; onOpened(): void }) {
  const recent = useAsync(() => api.recentCases(), []);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

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

  const openPath = (p: string) =>
    run(async () => {
      if (p.endsWith('.duckdb')) {
        await api.openCase(p);
        onOpened();
      } else onJob(await api.importFiles([p]));
    });

  return (
    <main className="home">
      <h1>netsift</h1>
      <p className="muted">Open a capture (NetFlow/IPFIX CSV, nfdump, Zeek conn.log, Argus, CICFlowMeter, pcap) or a case.</p>
      <div className="home-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void run(async () => onJob(await api.openSample()))}>
          Open the sample capture
        </button>
        {chooseFiles ? (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                const paths = await chooseFiles!();
                if (paths.length) onJob(await api.importFiles(paths));
              })
            }
          >
            Open capture…
          </button>
        ) : (
          <>
            <button type="button" disabled={busy} onClick={() => fileInput.current?.click()}>
              Upload a capture…
            </button>
            <input
              ref={fileInput}
              type="file"
              hidden
              aria-label="Upload a capture"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void run(async () => onJob(await importBrowserFile(f)));
              }}
            />
          </>
        )}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void openPath(path.trim());
        }}
      >
        <input
          aria-label="Capture or case path"
          placeholder={transport === 'http' ? 'path on the server: /data/capture.csv.gz or case.duckdb' : '/path/to/capture or case.duckdb'}
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Open path
        </button>
      </form>
      {error && <ErrorBox error={error} />}
      <h2>Recent cases</h2>
      {recent.loading && <Loading what="recent cases" />}
      {recent.error && <ErrorBox error={recent.error} retry={recent.reload} />}
      {recent.value && !recent.value.length && <Empty>No recent cases yet.</Empty>}
      <ul className="recent">
        {recent.value?.map((r) => (
          <li key={r.path}>
            <button type="button" className="link" disabled={busy} onClick={() => void openPath(r.path)}>
              {r.name}
            </button>
            <span className="muted">
              {' '}
              {r.flows != null ? `${fmtCount(r.flows)} flows · ` : ''}opened {fmtTs(r.openedAt, false)} · {r.path}
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
