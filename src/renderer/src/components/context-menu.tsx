// The one context menu: placed at the pointer, closed by Esc, a click elsewhere or a choice.
import { useEffect } from 'react';
import type { MenuItem } from '../features/workspace/selection';

export function ContextMenu({ x, y, items, onClose }: { x: number; y: number; items: MenuItem[]; onClose(): void }) {
  useEffect(() => {
    const close = () => onClose();
    const key = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('click', close);
    window.addEventListener('keydown', key);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('keydown', key);
    };
  }, [onClose]);
  const left = Math.min(x, window.innerWidth - 260);
  const top = Math.min(y, window.innerHeight - items.length * 28 - 8);
  return (
    <ul className="context-menu" role="menu" style={{ left, top }}>
      {items.map((it) => (
        <li key={it.label} role="menuitem" onClick={() => { it.run(); onClose(); }}>
          {it.label}
        </li>
      ))}
    </ul>
  );
}
