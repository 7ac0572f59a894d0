// The case tables of address context (issue 17), part of schema migration 1 (schema.ts appends
// this text). Kept here so the context code and its tables read together.
export const CONTEXT_TABLES_SQL = `
-- Country and AS of the case's distinct public addresses (src/engine/geo): built after each import
-- from the packaged data; only addresses the data knows have a row. settings 'geo_source' names
-- the data versions it was built with.
CREATE TABLE geo_addrs (
  ip VARCHAR NOT NULL,
  country VARCHAR,
  asn BIGINT,
  as_org VARCHAR
);

-- Names from DNS answers seen in the case's own data (pcap payloads, Zeek dns.log): one row per
-- (name, address, record type, source, import), with first and last time seen.
CREATE TABLE dns_names (
  name VARCHAR NOT NULL,
  addr VARCHAR NOT NULL,
  rtype VARCHAR NOT NULL,          -- A, AAAA, PTR
  via VARCHAR,                     -- the CNAME target that held the record, when the name is the query
  source VARCHAR NOT NULL,         -- pcap | zeek-dns
  import_id INTEGER NOT NULL,      -- imports.id (pcap) or context_imports.id (zeek-dns)
  first_seen TIMESTAMP NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  ttl BIGINT,                      -- largest TTL seen, seconds
  answers BIGINT NOT NULL
);

-- Zeek logs that are not flows (dns.log, http.log, ssl.log), imported beside a conn.log.
CREATE TABLE context_imports (
  id INTEGER PRIMARY KEY,
  path VARCHAR NOT NULL,
  size BIGINT NOT NULL,
  sha256 VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,           -- zeek-dns | zeek-http | zeek-ssl
  rows_read BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  started TIMESTAMP NOT NULL,
  finished TIMESTAMP NOT NULL,
  details JSON
);

CREATE TABLE zeek_dns (
  import_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL, uid VARCHAR,
  orig_h VARCHAR NOT NULL, orig_p INTEGER, resp_h VARCHAR NOT NULL, resp_p INTEGER, proto VARCHAR,
  query VARCHAR, qtype VARCHAR, rcode VARCHAR, answers VARCHAR[], ttls DOUBLE[]
);

CREATE TABLE zeek_http (
  import_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL, uid VARCHAR,
  orig_h VARCHAR NOT NULL, orig_p INTEGER, resp_h VARCHAR NOT NULL, resp_p INTEGER,
  method VARCHAR, host VARCHAR, uri VARCHAR, status_code INTEGER, user_agent VARCHAR,
  request_body_len BIGINT, response_body_len BIGINT
);

CREATE TABLE zeek_ssl (
  import_id INTEGER NOT NULL, line BIGINT NOT NULL, ts TIMESTAMP NOT NULL, uid VARCHAR,
  orig_h VARCHAR NOT NULL, orig_p INTEGER, resp_h VARCHAR NOT NULL, resp_p INTEGER,
  version VARCHAR, server_name VARCHAR, established BOOLEAN
);
`;
