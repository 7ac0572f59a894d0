// "Columns": which columns a grid shows. The choice is the analyst's and kept with the case.
import { useEffect, useRef, useState } from 'react';

export interface ChoosableColumn {
  id: string;
  label: string;
}

export function ColumnChooser({
  grid,
  columns,
  hidden,
  onChange,
}: {
  grid: string;
  columns: ChoosableColumn[];
  hidden: string[];
  onChange(hidden: string[]): void;
}) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        setOpen(false);
      }
    };
    window.addEventListener('mousedown', away);
    window.addEventListener('keydown', esc, true);
    return () => {
      window.removeEventListener('mousedown', away);
      window.removeEventListener('keydown', esc, true);
    };
  }, [open]);
  const shown = columns.length - columns.filter((c) => hidden.includes(c.id)).length;
  return (
    <div className="column-chooser" ref={box}>
      <button
        type="button"
        className="mini"
        aria-expanded={open}
        aria-label={`Columns of ${grid}`}
        title="Choose columns"
        onClick={() => setOpen((o) => !o)}
      >
        Columns
      </button>
      {open && (
        <div className="popover" role="group" aria-label={`${grid} columns`}>
          {columns.map((c) => {
            const on = !hidden.includes(c.id);
            return (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={on}
                  // the last shown column stays: a grid without columns cannot be got back from
                  disabled={on && shown === 1}
                  onChange={() =>
                    onChange(on ? [...hidden, c.id] : hidden.filter((h) => h !== c.id))
                  }
                />
                {c.label}
              </label>
            );
          })}
        </div>
      )}
    </div>
  );
}
