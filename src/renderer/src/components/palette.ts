// Chart colours per theme (echarts takes colours in its options, not from CSS).
import { useTheme, type Theme } from './theme';

export interface Palette {
  text: string;
  muted: string;
  line: string;
  accent: string;
  bytes: string;
  internal: string;
  external: string;
  ports: string;
  bad: string;
  warn: string;
  alert: string;
  range: string;
  rangeFill: string;
  edge: string;
}

const DARK: Palette = {
  text: '#d8dde6',
  muted: '#8a93a3',
  line: '#2a2e37',
  accent: '#4ea1ff',
  bytes: '#8bd17c',
  internal: '#4ea1ff',
  external: '#e08a4e',
  ports: '#9b8cff',
  bad: '#ff6363',
  warn: '#ffb347',
  alert: '#36d6e7',
  range: 'rgba(255,255,255,0.85)',
  rangeFill: 'rgba(255,255,255,0.14)',
  edge: '#8a93a3',
};

const LIGHT: Palette = {
  text: '#1f2430',
  muted: '#5d6675',
  line: '#dde1e7',
  accent: '#1f6fd1',
  bytes: '#3d8f33',
  internal: '#1f6fd1',
  external: '#c0631f',
  ports: '#6a55d8',
  bad: '#d63a3a',
  warn: '#c77700',
  alert: '#00838f',
  range: 'rgba(20,30,50,0.8)',
  rangeFill: 'rgba(20,30,50,0.08)',
  edge: '#7c8594',
};

export function paletteFor(t: Theme): Palette {
  return t === 'light' ? LIGHT : DARK;
}

export function usePalette(): Palette {
  return paletteFor(useTheme());
}
