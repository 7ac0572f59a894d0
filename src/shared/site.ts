// The site model of a case: which networks are the analyst's own ("internal"). Every detector's
// direction (inbound, outbound, internal scan), the INT/PUB marks, the blacklist guard and the
// report read it; changing it re-runs detection.

/** Who set the internal networks: netsift's default (RFC 1918 + ULA), the analyst, or the data. */
export type SiteSource = 'default' | 'analyst' | 'suggested';

/** One network of a suggestion, with the evidence behind it. */
export interface SitePrefix {
  network: string;
  /** Distinct addresses of the network seen in the flows. */
  hosts: number;
  /** Flows with an address of the network on either side. */
  flows: number;
  /** flows / all flows. */
  share: number;
  /** Flows the network's addresses started (source side) / received (destination side). */
  asSource: number;
  asDestination: number;
  /** The busiest addresses of the network, at most five. */
  top: string[];
}

export interface SiteSuggestion {
  /** The suggested internal networks (the prefixes below, in the order they were picked). */
  networks: string[];
  prefixes: SitePrefix[];
  /** Share of all flows with a suggested network on at least one side. */
  coverage: number;
  flows: number;
  computedAt: string;
}

export interface SiteModel {
  internal: string[];
  source: SiteSource;
  updatedAt: string | null;
  /** Flows with an internal address on at least one side, and their share (null: no flows). */
  coverage: { flows: number; share: number; hosts: number } | null;
  suggestion: SiteSuggestion | null;
  /** Why the networks are what they are, in one sentence (e.g. the suggestion was adopted). */
  note: string | null;
}

/** What setSite answers: the new model and the detection run it triggered (null: no flows yet). */
export interface SiteChange {
  site: SiteModel;
  rerun: { alerts: number; incidents: number; seconds: number } | null;
}
