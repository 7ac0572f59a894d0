// Markdown notes for one incident: edit or preview; saved by the Save button, on blur, a moment
// after typing stops, and when the analyst moves to another incident or leaves the page, so a note
// is never lost.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, callOnUnload, errorText } from '../../api/client';
import { Markdown } from './markdown';

const AUTOSAVE_MS = 1200;

export function NotesEditor({ incidentKey, saved, onSaved }: { incidentKey: string; saved: string; onSaved(): void }) {
  const [draft, setDraft] = useState(saved);
  const [preview, setPreview] = useState(false);
  const [state, setState] = useState<'saved' | 'dirty' | 'saving' | 'error'>('saved');
  const [error, setError] = useState<string | null>(null);
  const savedRef = useRef(saved);
  const draftRef = useRef(saved);

  const save = useCallback(async () => {
    const text = draftRef.current;
    if (text === savedRef.current) return;
    setState('saving');
    try {
      await api.updateTriage(incidentKey, { notes: text });
      savedRef.current = text;
      setError(null);
      setState(draftRef.current === text ? 'saved' : 'dirty');
      onSaved();
    } catch (e) {
      setError(errorText(e));
      setState('error');
    }
  }, [incidentKey, onSaved]);

  // autosave shortly after typing stops
  useEffect(() => {
    if (draft === savedRef.current) return;
    const t = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(t);
  }, [draft, save]);

  // leaving this incident (or the workspace) saves what is unsaved
  useEffect(
    () => () => {
      if (draftRef.current !== savedRef.current) void api.updateTriage(incidentKey, { notes: draftRef.current }).catch(() => undefined);
    },
    [incidentKey],
  );

  // closing or reloading the page: a keepalive request survives the unload where a plain one may not
  useEffect(() => {
    const onUnload = () => {
      if (draftRef.current === savedRef.current) return;
      callOnUnload('updateTriage', [incidentKey, { notes: draftRef.current }]);
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [incidentKey]);

  return (
    <div className="notes-editor">
      <div className="row tight">
        <h3>Notes</h3>
        <div className="tabs mini" role="tablist" aria-label="Notes view">
          <button type="button" role="tab" aria-selected={!preview} onClick={() => setPreview(false)}>
            Write
          </button>
          <button type="button" role="tab" aria-selected={preview} onClick={() => setPreview(true)}>
            Preview
          </button>
        </div>
        <span className={`save-state ${state}`} data-testid="notes-state" data-state={state}>
          {state === 'saved' ? 'Saved' : state === 'saving' ? 'Saving…' : state === 'dirty' ? 'Unsaved' : 'Not saved'}
        </span>
        <button type="button" disabled={state === 'saved' || state === 'saving'} onClick={() => void save()}>
          Save
        </button>
      </div>
      {preview ? (
        <div className="notes-preview" aria-label="Notes preview">
          {draft.trim() ? <Markdown text={draft} /> : <span className="muted">No notes yet.</span>}
        </div>
      ) : (
        <textarea
          aria-label="Notes (Markdown)"
          placeholder="What you found, why, what to do next (Markdown)"
          value={draft}
          onChange={(e) => {
            draftRef.current = e.target.value;
            setDraft(e.target.value);
            setState(e.target.value === savedRef.current ? 'saved' : 'dirty');
          }}
          onBlur={() => void save()}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 's') {
              e.preventDefault();
              void save();
            }
          }}
        />
      )}
      {error && <div className="bad" role="alert">Notes not saved: {error}</div>}
    </div>
  );
}
