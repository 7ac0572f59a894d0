// In-page toasts for incidents that appear while following (browser mode; the desktop app shows
// the system's notifications for the same event). Each names the incident and opens it on click;
// it leaves by itself after a while unless the pointer rests on it.
import { useEffect, useRef, useState } from 'react';
import type { IncidentNotice } from '../../../../shared/follow';
import { noticeBody, noticeTitle } from '../../../../shared/follow-notice';
import { onServerEvent } from '../../api/client';
import './follow.css';

const SHOW_MS = 20_000;
const MAX = 4;

interface Toast {
  n: IncidentNotice;
  at: number;
}

export function IncidentToasts({ onOpen }: { onOpen(key: string): void }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const hovered = useRef(false);
  useEffect(
    () =>
      onServerEvent((e) => {
        if (e.type !== 'incidents') return;
        const at = Date.now();
        setToasts((t) => [...e.notices.map((n) => ({ n, at })), ...t].slice(0, MAX));
      }),
    [],
  );
  useEffect(() => {
    if (!toasts.length) return;
    const t = setInterval(() => {
      if (hovered.current) return;
      setToasts((list) => list.filter((x) => Date.now() - x.at < SHOW_MS));
    }, 1000);
    return () => clearInterval(t);
  }, [toasts.length]);
  if (!toasts.length) return null;
  const drop = (key: string) => setToasts((list) => list.filter((x) => x.n.key !== key));
  return (
    <div
      className="toasts"
      role="status"
      aria-live="polite"
      onMouseEnter={() => (hovered.current = true)}
      onMouseLeave={() => (hovered.current = false)}
    >
      {toasts.map(({ n }) => (
        <div
          key={`${n.key}:${n.severity}`}
          className={`toast sev-border-${n.severity}`}
          data-testid="incident-toast"
        >
          <div className="toast-head">
            <span className={`sev sev-${n.severity}`}>{n.severity}</span>
            <b>{noticeTitle(n)}</b>
            <button
              type="button"
              className="close"
              aria-label="Dismiss"
              onClick={() => drop(n.key)}
            >
              ×
            </button>
          </div>
          <div className="toast-body">{noticeBody(n)}</div>
          <button
            type="button"
            className="link"
            onClick={() => {
              onOpen(n.key);
              drop(n.key);
            }}
          >
            Open incident
          </button>
        </div>
      ))}
    </div>
  );
}
