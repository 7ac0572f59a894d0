// Small scoring helpers shared by detectors and the incidents ensemble.
import type { Severity } from '../../shared/model';

export function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Noisy-OR: the chance that at least one of several independent pieces of evidence is right. */
export function noisyOr(probs: number[]): number {
  return clamp01(1 - probs.reduce((acc, p) => acc * (1 - clamp01(p)), 1));
}

/** Saturating score: 0 at 0, 0.5 at `half`, towards 1 beyond. */
export function saturate(x: number, half: number): number {
  return x <= 0 ? 0 : clamp01(x / (x + half));
}

/** Severity bands over a score in [0,1]; the same bands for alerts and incidents. */
export function severityOf(score: number): Severity {
  if (score >= 0.9) return 'critical';
  if (score >= 0.75) return 'high';
  if (score >= 0.5) return 'medium';
  if (score >= 0.25) return 'low';
  return 'info';
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
