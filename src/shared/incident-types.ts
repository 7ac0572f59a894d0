// Incident types, shared by the generator's labels, the detectors' `kind`, the ensemble and eval.
export const INCIDENT_TYPES = [
  'vertical-scan', // many ports on few hosts
  'horizontal-scan', // one/few ports on many hosts
  'slow-scan', // few targets per window, many over the capture
  'udp-scan',
  'brute-force',
  'blacklist', // contact with a listed address
  'exfiltration',
  'beaconing',
  'syn-flood', // fan-in of many sources (or one) to one victim port, failed states
  'anomaly', // outlier without a more specific explanation (hbos, iqr, basic)
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
