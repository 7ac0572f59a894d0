// The detector plug-in contract. A detector is a folder src/engine/detect/detectors/<id>/ whose
// index.ts exports a Detector made by defineDetector (define.ts, which types its parameters); the
// registry (registry.ts) is a plain list.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Feature, FlowSelector, Severity } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import type { FlowSql } from '../flowstore/flow-sql';

export type ParamValue = number | string | boolean | number[] | string[];

/** A parameter: its type, a default of that type, and what it means (the CLI and report list it). */
export type ParamSpec =
  | { type: 'number'; default: number; description: string; min?: number; max?: number }
  | { type: 'string'; default: string; description: string; choices?: string[] }
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'number[]'; default: number[]; description: string }
  | { type: 'string[]'; default: string[]; description: string; choices?: string[] };

export type ParamSpecs = Record<string, ParamSpec>;

/** What a detector produces; the runner assigns ids, run id and incident ids. */
export interface AlertDraft {
  detector: string;
  severity: Severity;
  score: number; // 0..1
  src_ip: string | null;
  dst_ip: string | null;
  window_start: string; // ISO 8601 UTC
  window_end: string;
  features: Feature[];
  flow_count: number;
  /** Selects exactly the raw flows behind the alert. */
  evidence: FlowSelector;
  summary: string;
  /** Incident type this alert suggests, e.g. 'port-scan', 'brute-force' (the ensemble decides). */
  kind?: string;
  /**
   * What the ensemble groups the alert by when it is neither one source's act nor one victim's
   * (a summary of many sources, e.g. 'background:tcp/23'); its sources are evidence.srcIps.
   */
  entity?: string;
}

/** What a detector's run gets; P is its parameters' type (see defineDetector). */
export interface DetectContext<P extends object = Record<string, ParamValue>> {
  store: CaseStore;
  /**
   * The case's connection (the job's own, interrupted on cancel): the case's own tables (feed
   * ranges, settings). Flows are never read through it: see `sql`.
   */
  conn: DuckDBConnection;
  /**
   * Where every statement on the flows runs (flowstore/flow-sql.ts): the case's DuckDB or a
   * ClickHouse session. Write it once with `sql.d`'s pieces where the engines differ, read the
   * flows as `sql.flows`, bind values as `$name`.
   */
  sql: FlowSql;
  /** Tumbling window length in seconds (10 by default). */
  windowSeconds: number;
  /** This detector's parameters, defaults merged with overrides and validated. */
  params: P;
  /** Internal networks (CIDR strings); SQL has ip_internal(num) for the same. */
  internalNetworks: string[];
  checkCancelled(): void;
  /**
   * Per-run cache of shared temp tables (see shared-tables.ts), keyed by table and window; absent when
   * a detector runs on its own, which then builds what it needs itself.
   */
  shared?: Map<string, Promise<void>>;
}

export interface Detector {
  id: string;
  title: string;
  description: string;
  params: ParamSpecs;
  /**
   * The history an alert needs, for incremental detection while following
   * (src/engine/analysis/incremental.ts). A number L: an alert of window v (its window_start is
   * v's start) depends only on the flows of windows v-L..v, and run() returns its alerts in window
   * order; new flows then re-evaluate only the windows they touch and the L after them. 'all'
   * (the default): its figures are over the whole case (baselines, populations, capture-wide
   * horizons), so it runs on the whole case again.
   */
  lookback?: number | 'all';
  run(ctx: DetectContext): Promise<AlertDraft[]>;
}
