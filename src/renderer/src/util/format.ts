// Human formatting for the grids and charts.
import { serviceName } from '../../../shared/services';

export function fmtBytes(n: number | null | undefined): string {
  if (n == null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Number(n);
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtCount(n: number | null | undefined): string {
  return n == null ? '' : Number(n).toLocaleString('en-US');
}

/** ISO -> 'YYYY-MM-DD HH:MM:SS.mmm' UTC (the grids show UTC, as the data is). */
export function fmtTs(iso: string | null | undefined, ms = true): string {
  if (!iso) return '';
  const s = iso.replace('T', ' ').replace('Z', '');
  return ms ? s.slice(0, 23) : s.slice(0, 19);
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.round((seconds % 86400) / 3600)} h`;
}

export function fmtSpan(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  return fmtDuration((Date.parse(to) - Date.parse(from)) / 1000);
}

export function fmtPort(port: number | null | undefined, proto?: string | null): string {
  if (port == null) return '';
  const name = serviceName(port, proto);
  return name ? `${port} (${name})` : String(port);
}

export function fmtScore(s: number | null | undefined): string {
  return s == null ? '' : s.toFixed(2);
}
