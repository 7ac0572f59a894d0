// Light and dark: the system's preference (prefers-color-scheme) unless the analyst chose one with
// the toggle (kept in this browser's localStorage, app-wide, not in a case). The resolved theme is
// set on <html data-theme> for the CSS; grids and charts read it through useTheme().
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
export type ThemeChoice = 'system' | Theme;

const KEY = 'netsift-theme';
const listeners = new Set<() => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: light)') : null;

function readChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

let choice: ThemeChoice = readChoice();
let theme: Theme = resolve();

function resolve(): Theme {
  return choice === 'system' ? (media?.matches ? 'light' : 'dark') : choice;
}

function update(): void {
  const next = resolve();
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = next;
  if (next === theme) return;
  theme = next;
  for (const l of listeners) l();
}

media?.addEventListener('change', update);
update();

export function setThemeChoice(c: ThemeChoice): void {
  choice = c;
  try {
    if (c === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, c);
  } catch {
    // storage refused (private mode): the choice lasts for this page
  }
  update();
  for (const l of listeners) l(); // the choice itself changed even when the theme did not
}

export function themeChoice(): ThemeChoice {
  return choice;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, () => theme);
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore(subscribe, () => choice);
}
