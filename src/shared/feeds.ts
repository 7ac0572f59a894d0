// Threat-intel feed catalogue and status, as the UI and CLI see them.
export const FEED_FORMATS = [
  'ip-list',
  'cidr-list',
  'spamhaus-drop',
  'firehol-netset',
  'feodo',
] as const;
/** One of FEED_FORMATS, or `csv:<column>` (a CSV with the addresses in that column). */
export type FeedFormat = (typeof FEED_FORMATS)[number] | `csv:${string}`;

export interface FeedSpec {
  id: string;
  name: string;
  /** http(s) URL, or absent for a feed imported from a local file. */
  url?: string;
  file?: string;
  format: FeedFormat;
  enabled: boolean;
  /** Minimum seconds between refreshes (the feed's own limit wins: Spamhaus asks for >= 3600). */
  intervalSeconds: number;
  /** The publisher's own floor: no refresh, not even a forced one, comes sooner (Spamhaus: 3600). */
  minIntervalSeconds?: number;
  licence?: string;
  /** Match entries of a /8 (IPv4) or /16 (IPv6) and larger; otherwise they are guarded. */
  trustLargeRanges?: boolean;
}

/** What the analyst gives to add a feed: a URL to fetch, or a local file to import as the feed. */
export interface FeedAddRequest {
  id: string;
  name?: string;
  url?: string;
  file?: string;
  format: FeedFormat;
  enabled?: boolean;
  intervalSeconds?: number;
  licence?: string;
  trustLargeRanges?: boolean;
}

export interface FeedVersionInfo {
  version: string; // e.g. ISO timestamp of fetch or 'bundled-2019-10-03'
  fetchedAt: string;
  entries: number;
  sha256: string;
  sourceUrl: string | null;
  /** The feed's URL when the list came from elsewhere (sourceUrl) through redirects. */
  redirectedFrom?: string;
  /** True for the snapshot shipped in resources/feeds (used until a refresh succeeds). */
  bundled?: boolean;
}

export interface FeedStatus extends FeedSpec {
  current: FeedVersionInfo | null;
  /** Age of the current version in seconds (null when none). */
  ageSeconds: number | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  /** Entries not matched by default (private, reserved, internal networks...). */
  guarded: { entry: string; reason: string }[];
  invalidLines: number;
  invalidSample: string[];
  /** When the server was last asked (200 or 304); refreshes wait intervalSeconds after it. */
  lastCheckedAt?: string | null;
  /** Outcome of the last attempt: new version, unchanged (304 / same body), skipped (not due), failed. */
  lastOutcome?: 'updated' | 'unchanged' | 'skipped' | 'failed' | null;
}
