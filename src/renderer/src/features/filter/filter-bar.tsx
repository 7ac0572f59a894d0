// The filter bar: nfdump-like text compiled in the engine. Errors point at the offending token;
// accepted filters go into a history (kept in the case's UI state).
import { forwardRef, useEffect, useState } from 'react';
import type { FilterCheck } from '../../../../shared/query';
import { api, errorText } from '../../api/client';

interface Props {
  value: string;
  history: string[];
  onApply(text: string): void;
}

export const FilterBar = forwardRef<HTMLInputElement, Props>(function FilterBar({ value, history, onApply }, ref) {
  const [text, setText] = useState(value);
  const [check, setCheck] = useState<FilterCheck | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => setText(value), [value]);

  const apply = async () => {
    const t = text.trim();
    setFailure(null);
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

  const err = check && !check.ok ? check.error : null;
  return (
    <div className="filter-bar">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <input
          ref={ref}
          type="search"
          list="filter-history"
          aria-label="Filter"
          aria-invalid={!!err}
          className={err ? 'invalid' : ''}
          placeholder="filter: src ip 10.0.0.5 and dst port in [22 3389] and not dst net 10.0.0.0/8   ( / to focus )"
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            setCheck(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
          }}
        />
        <datalist id="filter-history">
          {history.map((h) => (
            <option key={h} value={h} />
          ))}
        </datalist>
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
      </form>
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
