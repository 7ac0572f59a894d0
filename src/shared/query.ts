// Requests and responses of the engine's query layer (src/engine/query): flows paging, timeline,
// charts, host summary, imports and rejects. Plain JSON: timestamps are ISO 8601 UTC strings.
import type { Flow, FlowSelector, ImportRecord, RejectRecord } from './model';

/** A filter expression failed to parse: `offset`/`length` point at the offending token in the text. */
export interface FilterErrorInfo {
  message: string;
  offset: number;
  length: number;
  /** The offending token's text ('' at end of input). */
  token: string;
}

/** Result of checking a filter expression without running it (for the filter bar). */
export type FilterCheck = { ok: true } | { ok: false; error: FilterErrorInfo };

/** A brushed time range: from inclusive, to exclusive, ISO 8601. */
export interface TimeRange {
  from: string;
  to: string;
}

/** Columns the flows grid may sort by (the engine refuses anything else). */
export const FLOW_SORT_COLUMNS = [
  'id',
  'ts',
  'ts_end',
  'duration',
  'proto',
  'state',
  'src_ip',
  'src_port',
  'dst_ip',
  'dst_port',
  'src_bytes',
  'dst_bytes',
  'bytes',
  'src_pkts',
  'dst_pkts',
  'packets',
  'label',
  'import_id',
] as const;
export type FlowSortColumn = (typeof FLOW_SORT_COLUMNS)[number];

export interface FlowSort {
  column: FlowSortColumn;
  dir: 'asc' | 'desc';
}

/** What selects flows: all present parts are ANDed. */
export interface FlowQuery {
  /** nfdump-like filter expression (see src/engine/query/filter); empty or absent = all. */
  filter?: string;
  /** Structured evidence of an incident or alert. */
  selector?: FlowSelector;
  /** Brushed time range. */
  range?: TimeRange;
}

/**
 * A request a newer one may replace. A later request carrying the same tag cancels this one in
 * the engine (its query is interrupted; it fails with code 'cancelled'). The renderer tags the
 * requests of each pane with its page's id and the pane's name, e.g. `3f9a:count`, so only its
 * own earlier request is cancelled.
 */
export interface Supersedable {
  supersede?: string;
}

/**
 * Rows per page the flows grid asks for. Shared with the engine, which reads the first page of
 * the top incidents ahead of the analyst's click with exactly this request.
 */
export const FLOWS_BLOCK = 200;

export interface FlowsRequest extends FlowQuery, Supersedable {
  /** Sort keys in priority order; default `[{ column: 'id', dir: 'asc' }]` (id order = import order). */
  sort?: FlowSort[];
  offset: number;
  /** At most 10,000. */
  limit: number;
}

/** Kind of an address: 'internal' (analyst's networks), 'public', or a special kind ('loopback', ...). */
export type HostKind = 'internal' | 'public' | string;

export interface FlowRow extends Flow {
  src_internal: boolean;
  dst_internal: boolean;
  src_kind: HostKind;
  dst_kind: HostKind;
  // Address context (issue 17; absent where the store has none, null where the data has nothing):
  // country (ISO code), AS number and organisation of each side, and the names the address had
  // at the flow's start from the case's own DNS answers (newest first, at most 3).
  src_country?: string | null;
  src_asn?: number | null;
  src_as_org?: string | null;
  src_names?: string[] | null;
  dst_country?: string | null;
  dst_asn?: number | null;
  dst_as_org?: string | null;
  dst_names?: string[] | null;
}

export interface FlowsPage {
  rows: FlowRow[];
  offset: number;
}

/** countFlows takes a FlowQuery and answers a number. */
export type CountRequest = FlowQuery & Supersedable;

export interface TimelineRequest extends FlowQuery, Supersedable {
  /** Upper bound on the number of buckets (default 2000). */
  maxBuckets?: number;
}

export interface TimelineBucket {
  /** ISO start of the bucket. */
  t: string;
  flows: number;
  bytes: number;
}

export interface Timeline {
  /** Chosen bucket size in seconds (from a nice list: 1, 5, 10, 30, 60, 300, ...). */
  bucketSeconds: number;
  /** First and last flow timestamps of the selection (null when it is empty). */
  span: { from: string; to: string } | null;
  /** Only non-empty buckets, in time order. */
  buckets: TimelineBucket[];
}

export interface TopTalkersRequest extends FlowQuery, Supersedable {
  by: 'bytes' | 'flows';
  /** Default 20, at most 1000. */
  limit?: number;
}

export interface TopTalker {
  ip: string;
  flows: number;
  /** Bytes sent + received. */
  bytes: number;
  bytes_out: number;
  bytes_in: number;
  kind: HostKind;
}

export interface PortDistributionRequest extends FlowQuery, Supersedable {
  by?: 'bytes' | 'flows';
  /** Default 20, at most 1000. */
  limit?: number;
}

export interface PortBucket {
  port: number | null;
  proto: string;
  /** Service name from src/shared/services.ts, or null. */
  service: string | null;
  flows: number;
  bytes: number;
  sources: number;
}

export const PAIR_FEATURES = ['num_dst_ports', 'num_conns', 'bytes_up', 'bytes_down'] as const;
export type PairFeature = (typeof PAIR_FEATURES)[number];

export interface PairScatterRequest extends FlowQuery, Supersedable {
  /** Window length in seconds (default 10). */
  windowSeconds?: number;
  feature: PairFeature;
  /** At most this many points (default 3000); outliers are always kept. */
  limit?: number;
}

export interface PairPoint {
  /** ISO start of the window. */
  window: string;
  src: string;
  dst: string;
  value: number;
  /** Above the window's upper fence. */
  outlier: boolean;
}

export interface PairFence {
  window: string;
  pairs: number;
  q1: number;
  q3: number;
  /** max(0, Q1 - 3*IQR) */
  lower: number;
  /** Q3 + 3*IQR */
  upper: number;
}

export interface PairScatter {
  feature: PairFeature;
  windowSeconds: number;
  points: PairPoint[];
  fences: PairFence[];
  /** Pairs in total before sampling. */
  totalPoints: number;
  sampled: boolean;
}

export interface Peer {
  ip: string;
  flows: number;
  bytes: number;
}

export interface PortUse {
  port: number | null;
  proto: string;
  service: string | null;
  flows: number;
  bytes: number;
}

export interface BlacklistHit {
  feed_id: string;
  feed_version: string;
  entry: string;
}

export interface HostIncident {
  id: number;
  type: string;
  severity: string;
  score: number;
  summary: string;
}

export interface HostSummary {
  ip: string;
  kind: HostKind;
  internal: boolean;
  first_seen: string | null;
  last_seen: string | null;
  flows_as_src: number;
  flows_as_dst: number;
  bytes_out: number;
  bytes_in: number;
  peers: Peer[];
  /** Destination ports this host connected to. */
  dst_ports: PortUse[];
  /** Ports this host answered on (as destination). */
  served_ports: PortUse[];
  blacklist: BlacklistHit[];
  incidents: HostIncident[];
}

export interface RejectsRequest {
  importId?: number;
  offset: number;
  limit: number;
}

export interface RejectsPage {
  rows: RejectRecord[];
  total: number;
}

export type ImportsList = ImportRecord[];
