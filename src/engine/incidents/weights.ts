// Calibration of the ensemble. An incident's trust score is a noisy-OR over its detectors:
//
//   score = 1 - prod_d (1 - w_d * max_score_d)
//
// where max_score_d is the highest alert score of detector d in the incident and w_d is the
// detector's weight: roughly the precision we measured (or expect) for that detector's alerts at
// the host level on labeled captures (netsift generate + eval, several seeds). A specific,
// stateful detector (scan, brute force, flood, a blacklist hit) nearly decides alone; broad
// outlier tests (hbos, iqr, ip-activity; w * 1 < 0.4) need corroboration; basic and port-activity are hints
// that can raise an incident but never make one (w * 1 stays under the default minimum of 0.4).
// Measured on generated captures (seeds 1-3, 70 and 120 min): true incidents score 0.50-0.95,
// the best non-incident host 0.05 (port-activity alone), so the cut at 0.4 has wide margins.
export const DETECTOR_WEIGHTS: Record<string, number> = {
  scan: 0.95,
  bruteforce: 0.9,
  flood: 0.9,
  blacklist: 0.85,
  beacon: 0.8,
  exfil: 0.8,
  // summaries of outside sources probing the site: the alert's own score (0.42-0.48) is the
  // incident's, below what the site's hosts do
  background: 1,
  callback: 0.8,
  hbos: 0.35,
  iqr: 0.35,
  'ip-activity': 0.35,
  'port-activity': 0.2,
  basic: 0.25,
};

/** Weight for a detector not listed above (a new plug-in): counts, but cannot decide alone. */
export const DEFAULT_WEIGHT = 0.35;

export function weightOf(detector: string): number {
  return DETECTOR_WEIGHTS[detector] ?? DEFAULT_WEIGHT;
}
