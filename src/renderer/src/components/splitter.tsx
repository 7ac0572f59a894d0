// A drag handle between two panes: drag it (or focus it and press the arrow keys) to change the
// size of the pane it belongs to. `side` says where that pane is: a handle right of the left
// column grows it when dragged right, a handle left of the right column when dragged left.
import { useRef } from 'react';

interface Props {
  /** 'col': a vertical bar between columns (drags sideways); 'row': a bar between stacked panes. */
  dir: 'col' | 'row';
  /** Where the sized pane sits relative to the handle. */
  side: 'before' | 'after';
  value: number;
  min: number;
  max: number;
  onChange(v: number): void;
  label: string;
}

const STEP = 16;

export function Splitter({ dir, side, value, min, max, onChange, label }: Props) {
  const drag = useRef<{ at: number; from: number } | null>(null);
  const clamp = (v: number) => Math.round(Math.max(min, Math.min(max, v)));
  const sign = side === 'before' ? 1 : -1;
  return (
    <div
      className={`splitter ${dir}`}
      role="separator"
      aria-orientation={dir === 'col' ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuenow={Math.round(value)}
      aria-valuemin={Math.round(min)}
      aria-valuemax={Math.round(max)}
      tabIndex={0}
      onPointerDown={(e) => {
        e.preventDefault();
        (e.target as HTMLElement).setPointerCapture(e.pointerId);
        drag.current = { at: dir === 'col' ? e.clientX : e.clientY, from: value };
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (!d) return;
        const now = dir === 'col' ? e.clientX : e.clientY;
        onChange(clamp(d.from + sign * (now - d.at)));
      }}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={(e) => {
        const grow: Record<string, number> =
          dir === 'col' ? { ArrowRight: 1, ArrowLeft: -1 } : { ArrowDown: 1, ArrowUp: -1 };
        const d = grow[e.key];
        if (d === undefined) return;
        e.preventDefault();
        e.stopPropagation();
        onChange(clamp(value + sign * d * STEP));
      }}
    />
  );
}
