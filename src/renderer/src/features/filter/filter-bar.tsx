// The filter bar: nfdump-like text compiled in the engine. Errors point at the offending token;
// keywords complete as you type (Tab takes the first); "?" shows the grammar and examples; Undo
// goes back to the filter before the last change, History lists the filters used in this case.
import { forwardRef, useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { FilterCheck } from '../../../../shared/query';
import { api, errorText } from '../../api/client';
import { applyCompletion, completions, type Completion } from './completion';
import { FilterHelp } from './filter-help';

interface Props {
  value: string;
  history: string[];
  onApply(text: string): void;
  /** The filter before the last change, when there is one to go back to. */
  undoTo: string | null;
  onUndo(): void;
}

export const FilterBar = forwardRef<HTMLInputElement, Props>(function FilterBar(
  { value, history, onApply, undoTo, onUndo },
  ref,
) {
  const [text, setText] = useState(value);
  const [check, setCheck] = useState<FilterCheck | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [open, setOpen] = useState<'help' | 'history' | null>(null);
  const [comp, setComp] = useState<Completion | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(null);
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [open]);

  const apply = async (raw = text) => {
    const t = raw.trim();
    setFailure(null);
    setComp(null);
    if (!t) {
      setCheck(null);
      onApply('');
      return;
    }
    try {
      const c = await api.checkFilter(t);
      setCheck(c);
      if (c.ok) onApply(t);
    } catch (e) {
      setFailure(errorText(e));
    }
  };

  const complete = (item: string) => {
    if (!comp) return;
    const r = applyCompletion(text, comp, item);
    setText(r.text);
    setCheck(null);
    setComp(completions(r.text, r.cursor));
    setActive(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(r.cursor, r.cursor));
  };

  const err = check && !check.ok ? check.error : null;
  return (
    <div className="filter-bar" ref={box}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <input
          ref={(el) => {
            input.current = el;
            if (typeof ref === 'function') ref(el);
            else if (ref) (ref as MutableRefObject<HTMLInputElement | null>).current = el;
          }}
          type="search"
          aria-label="Filter"
          aria-invalid={!!err}
          aria-autocomplete="list"
          aria-controls={comp ? 'filter-completions' : undefined}
          className={err ? 'invalid' : ''}
          placeholder="filter: src ip 10.0.0.5 and dst port in [22 3389] and not flags A   ( / to focus )"
          value={text}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            setText(e.target.value);
            setCheck(null);
            setComp(completions(e.target.value, e.target.selectionStart ?? e.target.value.length));
            setActive(0);
          }}
          onBlur={() => setTimeout(() => setComp(null), 150)}
          onKeyDown={(e) => {
            if (comp && (e.key === 'Tab' || (e.key === 'Enter' && active > 0))) {
              e.preventDefault();
              complete(comp.items[active]);
            } else if (comp && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive(
                (a) =>
                  (a + (e.key === 'ArrowDown' ? 1 : comp.items.length - 1)) % comp.items.length,
              );
            } else if (e.key === 'Escape') {
              if (comp) setComp(null);
              else (e.target as HTMLInputElement).blur();
            }
          }}
        />
        <button type="submit">Apply</button>
        {value && (
          <button
            type="button"
            onClick={() => {
              setText('');
              setCheck(null);
              onApply('');
            }}
          >
            Clear
          </button>
        )}
        <button
          type="button"
          disabled={undoTo === null}
          onClick={onUndo}
          title={
            undoTo === null
              ? 'No filter change to undo'
              : `Undo: back to ${undoTo ? `"${undoTo}"` : 'no filter'} (Ctrl+Z)`
          }
        >
          Undo
        </button>
        <button
          type="button"
          aria-expanded={open === 'history'}
          disabled={!history.length}
          onClick={() => setOpen(open === 'history' ? null : 'history')}
          title="Filters used in this case"
        >
          History
        </button>
        <button
          type="button"
          aria-expanded={open === 'help'}
          aria-label="Filter help"
          title="Filter language: grammar and examples"
          onClick={() => setOpen(open === 'help' ? null : 'help')}
        >
          ?
        </button>
      </form>
      {comp && (
        <ul id="filter-completions" className="completions" role="listbox" aria-label="Completions">
          {comp.items.map((it, i) => (
            <li
              key={it}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                complete(it);
              }}
            >
              {it}
            </li>
          ))}
        </ul>
      )}
      {open === 'history' && (
        <ul className="popover filter-history" role="listbox" aria-label="Filter history">
          {history.map((h) => (
            <li
              key={h}
              role="option"
              aria-selected={h === value}
              onClick={() => {
                setText(h);
                setOpen(null);
                void apply(h);
              }}
            >
              <code>{h}</code>
            </li>
          ))}
        </ul>
      )}
      {open === 'help' && (
        <FilterHelp
          onPick={(t) => {
            setText(t);
            setOpen(null);
            input.current?.focus();
          }}
        />
      )}
      {err && (
        <div className="filter-error" role="alert" data-testid="filter-error">
          <code>
            {text.slice(0, err.offset)}
            <mark>{text.slice(err.offset, err.offset + Math.max(1, err.length)) || ' '}</mark>
            {text.slice(err.offset + Math.max(1, err.length))}
          </code>
          <span>{err.message}</span>
        </div>
      )}
      {failure && (
        <div className="filter-error" role="alert" data-testid="filter-error">
          <span>{failure}</span>
        </div>
      )}
    </div>
  );
});
