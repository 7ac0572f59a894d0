// Scan classification and scoring from a source's aggregate features (pure, unit-testable).
import type { IncidentType } from '../../../../shared/incident-types';
import { clamp01, saturate } from '../../kit';

export interface ScanFeatures {
  targets: number; // failed new (dst, port) targets over the capture
  hosts: number;
  ports: number;
  failedShare: number;
  udpShare: number;
  peakHorizon: number; // most new targets within the short horizon
  peakWindow: number; // most new targets in one tumbling window
  maxPortsPerHost: number;
  maxHostsPerPort: number;
  durationSeconds: number;
  /** TRW verdict: 1 scanner, 0 benign, 0.5 undecided. */
  trw: number;
}

export interface ScanThresholds {
  minTargets: number;
  minFailedShare: number;
  slowMinMinutes: number;
  slowMaxPerHorizon: number;
}

export function classifyScan(f: ScanFeatures, t: ScanThresholds): IncidentType {
  if (f.udpShare >= 0.5) return 'udp-scan';
  // slow: few targets within any short horizon, but many over a long span
  if (f.peakHorizon <= t.slowMaxPerHorizon && f.durationSeconds >= t.slowMinMinutes * 60)
    return 'slow-scan';
  if (f.maxPortsPerHost >= f.maxHostsPerPort && f.ports >= f.hosts) return 'vertical-scan';
  return 'horizontal-scan';
}

/**
 * Score in [0,1]: breadth (targets relative to the minimum, saturating), failure share (the
 * strongest single sign: scanners mostly hit closed ports and absent hosts), and TRW agreement.
 * Calibrated so a source at the minimum with all attempts failing scores ~0.7, a 100-target
 * scan with 95% failures ~0.9, and a busy client (many targets, few failures) stays under 0.5
 * (and is not reported at all below minFailedShare).
 */
export const WEIGHTS = { breadth: 0.35, failedShare: 0.5, trw: 0.15, trwUndecided: 0.3 } as const;

export function scoreScan(f: ScanFeatures, t: ScanThresholds): number {
  const breadth = saturate(f.targets / t.minTargets, 1); // 0.5 at the minimum
  return clamp01(
    WEIGHTS.breadth * breadth +
      WEIGHTS.failedShare * f.failedShare +
      WEIGHTS.trw * (f.trw === 1 ? 1 : f.trw === 0.5 ? WEIGHTS.trwUndecided : 0),
  );
}
