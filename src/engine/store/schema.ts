// Case schema and its migrations. A case file records the schema version that wrote it; opening a
// case written by a newer netsift fails with a clear message instead of guessing.
//
// Migration 1 is not yet released: until the first release, edit it in place (add your tables
// here) rather than adding migration 2.
import { CONTEXT_TABLES_SQL } from './context-schema';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description:
      'flows, imports, rejects, settings, analysis runs, alerts, incidents, intel, triage',
    sql: `
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL,
  size BIGINT NOT NULL,
  sha256 VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  data_lines BIGINT NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  started TIMESTAMP NOT NULL,
  finished TIMESTAMP NOT NULL,
  tz VARCHAR NOT NULL,
  first_ts TIMESTAMP,
  last_ts TIMESTAMP,
  details JSON
);

-- No PRIMARY KEY on flows: an ART index costs more at 10M rows than it gives; ids are dense and
-- assigned at import, and DuckDB's zone maps make id and ts lookups cheap.
CREATE TABLE flows (
  id BIGINT NOT NULL,
  import_id INTEGER NOT NULL,
  ts TIMESTAMP NOT NULL,
  ts_end TIMESTAMP,
  proto VARCHAR NOT NULL,
  state VARCHAR NOT NULL,
  -- the source's own state text where it differs from state, NULL where the source already
  -- used netsift's word (read it as coalesce(state_raw, state): STATE_RAW_SQL). A copy of state
  -- in every row cost a string column's statistics and dictionary: 1.2 s of a 10M-flow import.
  state_raw VARCHAR,
  src_ip VARCHAR NOT NULL,
  src_port INTEGER,
  dst_ip VARCHAR NOT NULL,
  dst_port INTEGER,
  src_bytes BIGINT NOT NULL,
  dst_bytes BIGINT NOT NULL,
  src_pkts BIGINT,
  dst_pkts BIGINT,
  label VARCHAR,
  -- numeric addresses, IPv4 mapped into ::ffff:0:0/96 (see src/engine/util/ip.ts)
  src_num UHUGEINT NOT NULL,
  dst_num UHUGEINT NOT NULL
);

CREATE TABLE rejects (
  import_id INTEGER NOT NULL,
  line BIGINT NOT NULL,
  raw VARCHAR NOT NULL,
  reason VARCHAR NOT NULL
);

CREATE TABLE settings (
  key VARCHAR PRIMARY KEY,
  value JSON NOT NULL
);

CREATE TABLE analysis_runs (
  id INTEGER PRIMARY KEY,
  started TIMESTAMP NOT NULL,
  finished TIMESTAMP,
  window_seconds INTEGER NOT NULL,
  params JSON NOT NULL,
  feed_versions JSON,
  timings JSON,
  suppressed_alerts BIGINT
);

CREATE TABLE alerts (
  id BIGINT NOT NULL,
  run_id INTEGER NOT NULL,
  detector VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  score DOUBLE NOT NULL,
  src_ip VARCHAR,
  dst_ip VARCHAR,
  window_start TIMESTAMP NOT NULL,
  window_end TIMESTAMP NOT NULL,
  features JSON NOT NULL,
  flow_count BIGINT NOT NULL,
  evidence JSON NOT NULL,
  summary VARCHAR NOT NULL,
  incident_id BIGINT,
  kind VARCHAR,                 -- incident type the detector suggested (AlertDraft.kind)
  entity VARCHAR                -- what the ensemble groups a summary alert by (AlertDraft.entity)
);

CREATE TABLE incidents (
  id BIGINT NOT NULL,
  run_id INTEGER NOT NULL,
  key VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  score DOUBLE NOT NULL,
  attacker VARCHAR,
  victims VARCHAR[] NOT NULL,
  ips VARCHAR[] NOT NULL,
  first_seen TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  detectors VARCHAR[] NOT NULL,
  alert_count BIGINT NOT NULL,
  flow_count BIGINT NOT NULL,
  summary VARCHAR NOT NULL,
  evidence JSON NOT NULL
);

-- Blacklist ranges the case matched against (copied from the app-wide feed store at analysis time,
-- so a report can name the exact versions and re-run offline).
CREATE TABLE intel_ranges (
  feed_id VARCHAR NOT NULL,
  feed_version VARCHAR NOT NULL,
  entry VARCHAR NOT NULL,
  lo UHUGEINT NOT NULL,
  hi UHUGEINT NOT NULL
);

-- Triage, keyed by the incident's stable key so it survives re-running detection.
CREATE TABLE incident_triage (
  key VARCHAR PRIMARY KEY,
  status VARCHAR NOT NULL DEFAULT 'new',
  notes VARCHAR NOT NULL DEFAULT '',
  tags VARCHAR[] NOT NULL DEFAULT [],
  updated TIMESTAMP NOT NULL
);

CREATE TABLE triage_audit (
  ts TIMESTAMP NOT NULL,
  key VARCHAR NOT NULL,
  field VARCHAR NOT NULL,
  old_value VARCHAR,
  new_value VARCHAR
);

-- Allow-list rules: known-good behaviour the detectors must not report.
CREATE TABLE allow_rules (
  id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL,        -- host | host-port | pair | network
  ip VARCHAR,                   -- host, host-port, pair (first address)
  ip2 VARCHAR,                  -- pair (second address)
  cidr VARCHAR,                 -- network
  port INTEGER,                 -- host-port (and optionally network)
  reason VARCHAR NOT NULL DEFAULT '',
  created TIMESTAMP NOT NULL
);
${CONTEXT_TABLES_SQL}`,
  },
];

/** flows.state_raw as the source wrote it (the column keeps it only where it differs from state). */
export const STATE_RAW_SQL = 'coalesce(state_raw, state) AS state_raw';

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
