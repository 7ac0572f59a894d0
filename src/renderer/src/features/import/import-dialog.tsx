// The one way files come in: pick or drop them, see what they are (format, where their time
// starts, whether their timestamps carry a zone), choose where they go (a new case, the default,
// or "add to this case", with warnings when they do not fit), choose the zone for zone-less
// timestamps, then import them all as one job. Browser mode uploads each file first (with its own
// progress); cancelling the dialog discards those uploads.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  CaseInfo,
  ImportCheck,
  ImportFileCheck,
  ImportSource,
  JobState,
} from '../../../../shared/api';
import { api, chooseFiles, errorText, uploadFile } from '../../api/client';
import { ErrorBox } from '../../components/pane-state';
import { fmtBytes, fmtTs } from '../../util/format';
import type { ImportDraft } from './import-draft';
import { TimeZoneField } from './time-zone-field';
import './import.css';

interface Item {
  key: string;
  name: string;
  bytes: number;
  /** Set once the file is uploaded (browser) or from the start (a granted path). */
  source: ImportSource | null;
  sent: number;
  error: string | null;
}

let nextKey = 0;
const sourceKey = (s: ImportSource) => ('upload' in s ? `u:${s.upload}` : `p:${s.path}`);

export function ImportDialog({
  draft,
  openCase,
  onJob,
  onClose,
}: {
  draft: ImportDraft;
  /** The open case, if any: the analyst may choose to add to it. */
  openCase: CaseInfo | null;
  onJob(job: JobState): void;
  onClose(): void;
}) {
  const [items, setItems] = useState<Item[]>([]);
  const [target, setTarget] = useState<'new' | 'open'>('new');
  const [name, setName] = useState<string | null>(null); // null: the suggested name
  const [tz, setTz] = useState('');
  // the answer, with the sources it was for: stale once files are added or removed
  const [checked0, setCheckFor] = useState<{ check: ImportCheck; for: string } | null>(null);
  const setCheck = (c: ImportCheck | null, forKey = '') =>
    setCheckFor(c ? { check: c, for: forKey } : null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const aborts = useRef(new Map<string, AbortController>());
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const started = useRef(false);

  const update = (key: string, patch: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  /** Browser: uploads one after another (the machine's disk and the loopback are shared). */
  const queue = useRef(Promise.resolve());
  const addFiles = useCallback((files: File[]) => {
    const added = files.map(
      (f) =>
        ({
          key: `f${nextKey++}`,
          name: f.name,
          bytes: f.size,
          source: null,
          sent: 0,
          error: null,
        }) satisfies Item,
    );
    setItems((list) => [...list, ...added]);
    files.forEach((file, i) => {
      const key = added[i].key;
      queue.current = queue.current.then(async () => {
        const ctl = new AbortController();
        aborts.current.set(key, ctl);
        try {
          const up = await uploadFile(file, (sent) => update(key, { sent }), ctl.signal);
          if (ctl.signal.aborted) void api.discardUploads([up.id]);
          else update(key, { source: { upload: up.id }, sent: file.size });
        } catch (e) {
          if (!ctl.signal.aborted) update(key, { error: errorText(e) });
        } finally {
          aborts.current.delete(key);
        }
      });
    });
  }, []);
  const addPaths = useCallback((paths: string[]) => {
    setItems((list) => [
      ...list,
      ...paths.map((p) => ({
        key: `p${nextKey++}`,
        name: p.split(/[\\/]/).pop() || p,
        bytes: 0,
        source: { path: p },
        sent: 0,
        error: null,
      })),
    ]);
  }, []);

  useEffect(() => {
    if (started.current) return; // StrictMode runs effects twice: upload once
    started.current = true;
    if ('files' in draft) addFiles(draft.files);
    else addPaths(draft.paths);
  }, [draft, addFiles, addPaths]);

  const sources = useMemo(() => items.filter((i) => i.source).map((i) => i.source!), [items]);
  const uploading = items.some((i) => !i.source && !i.error);
  const sourcesKey = sources.map(sourceKey).join('|');
  const check = checked0 && checked0.for === sourcesKey ? checked0.check : null;

  // what the files are, and what adding them would mean; again when the zone or target changes
  useEffect(() => {
    if (uploading || !sources.length) {
      setCheck(null);
      return;
    }
    let live = true;
    const key = sourcesKey;
    setChecking(true);
    const t = setTimeout(() => {
      api
        .checkImport({
          sources,
          target: target === 'open' ? { kind: 'open' } : { kind: 'new' },
          tz: tz.trim() || null,
        })
        .then(
          (c) => live && (setCheck(c, key), setError(null)),
          (e) => live && (setCheck(null), setError(errorText(e))),
        )
        .finally(() => live && setChecking(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // sourcesKey stands for sources (a new array on every render)
  }, [sourcesKey, uploading, target, tz]);

  // the check answers per file, each saying which source it came from (a folder gives several)
  const checked = items.filter((i) => i.source);
  const rowsOf = (it: Item): ImportFileCheck[] =>
    check && it.source ? check.files.filter((f) => checked[f.from]?.key === it.key) : [];

  const remove = (it: Item) => {
    aborts.current.get(it.key)?.abort();
    if (it.source && 'upload' in it.source) void api.discardUploads([it.source.upload]);
    setItems((list) => list.filter((i) => i.key !== it.key));
  };

  const close = () => {
    for (const a of aborts.current.values()) a.abort();
    const ids = items.flatMap((i) => (i.source && 'upload' in i.source ? [i.source.upload] : []));
    if (ids.length) void api.discardUploads(ids);
    onClose();
  };

  const importable = check?.files.filter((f) => !f.error).length ?? 0;
  const caseName = name ?? check?.suggestedName ?? '';
  const zoneless = check?.files.filter((f) => f.zoneless) ?? [];
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const job = await api.importFiles({
        // every file goes: the import decides, and one that is no flow file is reported there
        sources: check!.files.map((f) => f.source),
        target: target === 'open' ? { kind: 'open' } : { kind: 'new', name: name ?? undefined },
        tz: tz.trim() || null,
      });
      onJob(job);
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="modal" role="dialog" aria-label="Import files">
      <div className="modal-body import-dialog">
        <header className="pane-head">
          <h2>Import files</h2>
          <button type="button" className="close" aria-label="Close dialog" onClick={close}>
            ×
          </button>
        </header>
        <table className="mini import-files" data-testid="import-files">
          <thead>
            <tr>
              <th>File</th>
              <th className="num">Size</th>
              <th>Format</th>
              <th>Starts (UTC)</th>
              <th>Time zone in file</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((it) => {
              const rows = rowsOf(it);
              if (!rows.length)
                return (
                  <tr key={it.key} data-file={it.name}>
                    <td>{it.name}</td>
                    <td className="num">{fmtBytes(it.bytes)}</td>
                    <td colSpan={3}>
                      {it.error ? (
                        <span className="bad">{it.error}</span>
                      ) : !it.source ? (
                        <span className="upload-progress">
                          <progress
                            max={it.bytes || 1}
                            value={it.sent}
                            aria-label={`Uploading ${it.name}`}
                          />{' '}
                          uploading {fmtBytes(it.sent)} of {fmtBytes(it.bytes)}
                        </span>
                      ) : (
                        <span className="muted">{checking ? 'looking at it…' : ''}</span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => remove(it)}
                        aria-label={`Remove ${it.name}`}
                      >
                        remove
                      </button>
                    </td>
                  </tr>
                );
              return rows.map((r, n) => (
                <tr key={`${it.key}:${n}`} data-file={r.name}>
                  <td title={'path' in r.source ? r.source.path : r.name}>{r.name}</td>
                  <td className="num">{fmtBytes(r.bytes)}</td>
                  {r.error ? (
                    <td colSpan={3} className="bad">
                      {r.error}
                    </td>
                  ) : (
                    <>
                      <td title={r.formatTitle ?? ''}>{r.format}</td>
                      <td>{fmtTs(r.firstTs, false)}</td>
                      <td>
                        {r.zoneless == null ? (
                          ''
                        ) : r.zoneless ? (
                          <span className="warn">none</span>
                        ) : (
                          'yes'
                        )}
                      </td>
                    </>
                  )}
                  <td>
                    {n === 0 && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => remove(it)}
                        aria-label={`Remove ${it.name}`}
                      >
                        remove
                      </button>
                    )}
                  </td>
                </tr>
              ));
            })}
          </tbody>
        </table>
        <div className="row">
          {chooseFiles ? (
            <button
              type="button"
              onClick={() => void chooseFiles!().then((p) => p.length && addPaths(p))}
            >
              Add files…
            </button>
          ) : (
            <>
              <button type="button" onClick={() => fileInput.current?.click()}>
                Add files…
              </button>
              <input
                ref={fileInput}
                type="file"
                multiple
                hidden
                aria-label="Add files to import"
                onChange={(e) => {
                  const fs = Array.from(e.target.files ?? []);
                  e.target.value = '';
                  if (fs.length) addFiles(fs);
                }}
              />
              <button type="button" onClick={() => folderInput.current?.click()}>
                Add a folder…
              </button>
              <input
                ref={folderInput}
                type="file"
                multiple
                hidden
                // a folder and everything below it (hidden files left out), as a drop gives it
                {...{ webkitdirectory: '' }}
                aria-label="Add a folder to import"
                onChange={(e) => {
                  const fs = Array.from(e.target.files ?? []).filter(
                    (f) => !f.webkitRelativePath.split('/').some((part) => part.startsWith('.')),
                  );
                  e.target.value = '';
                  if (fs.length)
                    addFiles(
                      fs.sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath)),
                    );
                }}
              />
            </>
          )}
          <span className="muted">or drop files and folders on the window</span>
        </div>

        <fieldset className="import-target">
          <legend>Where the flows go</legend>
          <div className="target-new">
            <label>
              <input
                type="radio"
                name="target"
                checked={target === 'new'}
                onChange={() => setTarget('new')}
              />
              New case named
            </label>
            <input
              aria-label="New case name"
              value={caseName}
              disabled={target !== 'new'}
              onChange={(e) => setName(e.target.value)}
              placeholder="named after the first file"
            />
          </div>
          <label className={openCase ? '' : 'muted'}>
            <input
              type="radio"
              name="target"
              checked={target === 'open'}
              disabled={!openCase}
              onChange={() => setTarget('open')}
            />
            {openCase ? (
              <>
                Add to this case, <b>{openCase.name}</b>
              </>
            ) : (
              'Add to the open case (no case is open)'
            )}
          </label>
          {target === 'open' && !!check?.warnings.length && (
            <div className="import-warnings" role="alert" data-testid="import-warnings">
              <b>These files may not belong in {openCase?.name}:</b>
              <ul>
                {check.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
              <span className="muted">
                A case of their own keeps timelines and incidents apart.
              </span>
            </div>
          )}
        </fieldset>

        <fieldset className="import-zone">
          <legend>Time zone of timestamps that carry none</legend>
          <TimeZoneField value={tz} onChange={setTz} />
          <p className="muted" data-testid="zone-note">
            {zoneless.length
              ? `${zoneless.map((f) => f.name).join(', ')}: no time zone in ${zoneless.length === 1 ? 'its' : 'their'} timestamps; read as ${tz.trim() || 'UTC (assumed)'}.`
              : 'Timestamps that carry a zone (epoch seconds, an offset) are read as they say.'}
          </p>
        </fieldset>

        {error && <ErrorBox error={error} />}
        <div className="row end">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={
              busy || uploading || checking || !importable || (target === 'new' && !caseName.trim())
            }
            onClick={() => void submit()}
          >
            {uploading
              ? 'Uploading…'
              : target === 'open'
                ? `Add ${importable} file${importable === 1 ? '' : 's'} to ${openCase?.name ?? 'the case'}`
                : `Import ${importable} file${importable === 1 ? '' : 's'} into a new case`}
          </button>
        </div>
      </div>
    </div>
  );
}
