// Incident types, shared by the generator's labels, the detectors' `kind`, the ensemble and eval.
// Direction rules (README "Detection and incidents"): a scan, brute force, beacon, exfiltration
// and failed callback are acts of the source; a flood is known by its victim; replies never make
// a scan (they are backscatter); outside sources probing the site are background.
export const INCIDENT_TYPES = [
  'vertical-scan', // many ports on few hosts (an internal source)
  'horizontal-scan', // one/few ports on many hosts (an internal source)
  'slow-scan', // few targets per window, many over the capture (an internal source)
  'udp-scan', // an internal source
  'brute-force',
  'blacklist', // contact with a listed address
  'exfiltration',
  'beaconing',
  'syn-flood', // fan-in of many sources (or one far above the service's normal) to one victim port, failed states
  'failed-callback', // an internal host that keeps trying one outside endpoint, mostly failing (C2, dead implant)
  'background-scan', // outside sources probing the site, summarised per service / port set
  'backscatter', // answers without requests (responses, or a spoofed flood's victim answering)
  'anomaly', // outlier without a more specific explanation (hbos, iqr, basic)
] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** Types the generator does not label (netsift generate's captures have none of them). */
export const UNGENERATED_TYPES: readonly IncidentType[] = [
  'anomaly',
  'failed-callback',
  'background-scan',
  'backscatter',
];
