// A feature that drove an alert, against the threshold it crossed: text for the grid, and where
// value and threshold sit on one bar for the detail panel.
import type { Feature } from '../../../../shared/model';

export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 1000
    ? n.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : String(Math.round(n * 100) / 100);
}

export function featureText(f: Feature): string {
  const cmp =
    f.threshold == null ? '' : ` ${f.direction === 'below' ? '<' : '>'} ${fmtNum(f.threshold)}`;
  return `${f.name} ${fmtNum(f.value)}${cmp}`;
}

export interface FeatureBar {
  /** Value and threshold as fractions (0..1) of one common scale. */
  value: number;
  threshold: number | null;
  /** How far past the threshold, as a ratio (value / threshold, or threshold / value below). */
  ratio: number | null;
  /** The value is on the alerting side of its threshold. */
  crossed: boolean;
}

/**
 * One bar per feature. The scale runs to twice the threshold or the value, whichever is larger,
 * so the threshold mark sits at the middle unless the value goes far past it.
 */
export function featureBar(f: Feature): FeatureBar {
  const v = Math.max(0, f.value);
  // without a threshold there is nothing to measure against: no bar
  if (f.threshold == null || !(f.threshold > 0))
    return { value: 0, threshold: null, ratio: null, crossed: false };
  const t = f.threshold;
  const max = Math.max(2 * t, v) || 1;
  const below = f.direction === 'below';
  const crossed = below ? v < t : v > t;
  const ratio = below ? (v > 0 ? t / v : null) : v / t;
  return { value: v / max, threshold: t / max, ratio, crossed };
}
