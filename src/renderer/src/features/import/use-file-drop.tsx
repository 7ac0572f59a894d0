// Files and folders dropped anywhere on the window open the import dialog (never an import
// straight into the open case). While something is dragged over the window an overlay says so.
import { useEffect, useState } from 'react';
import { errorText, grantDropped } from '../../api/client';
import { dropEntries, filesOf } from './dropped-files';
import type { ImportDraft } from './import-draft';

export function useFileDrop(
  onDrop: (draft: ImportDraft) => void,
  onError: (message: string) => void,
): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const carriesFiles = (e: DragEvent) =>
      !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragOver = (e: DragEvent) => {
      if (carriesFiles(e)) e.preventDefault(); // allows the drop
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || !carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      if (grantDropped) {
        // Electron: the preload reads the dropped paths (folders included) and main grants them
        const files = Array.from(e.dataTransfer.files);
        grantDropped(files).then(
          (paths) =>
            paths.length ? onDrop({ paths }) : onError('nothing to import in what was dropped'),
          (err: unknown) => onError(errorText(err)),
        );
        return;
      }
      const { entries, files } = dropEntries(e.dataTransfer);
      filesOf(entries).then(
        (walked) => {
          const all = [...walked, ...files];
          if (all.length) onDrop({ files: all });
          else onError('nothing to import in what was dropped (empty folders?)');
        },
        (err: unknown) =>
          onError(`could not read what was dropped: ${String((err as Error)?.message ?? err)}`),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('drop', drop);
    };
  }, [onDrop, onError]);
  return over;
}

/** The overlay shown while files are dragged over the window. */
export function DropOverlay({ adding }: { adding: boolean }) {
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div>
        Drop files or folders to import
        <span className="muted">
          {adding ? 'into a new case, or add them to this one: you choose next' : 'into a new case'}
        </span>
      </div>
    </div>
  );
}
