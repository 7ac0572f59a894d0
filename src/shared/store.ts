// contract: store. A case whose flows live on a ClickHouse server (issue 19): how the page
// connects one, and what the header says about it. The password travels once, in the connect
// request, and stays in the engine's memory for the session: never in the case, a report or an
// answer.

export interface StoreConnectRequest {
  /** clickhouse://USER@HOST:PORT/DB[?table=...&timeout=...]; a password in it is refused. */
  url: string;
  /** The password as typed; kept in memory only while the case is open. */
  password?: string;
  /**
   * Or the name of an environment variable of the netsift process that holds it (NETSIFT_*
   * names only, e.g. NETSIFT_CLICKHOUSE_PASSWORD): the case remembers the name, never the value.
   */
  passwordEnv?: string;
  /** HTTPS (the same as clickhouses:// or ?secure=1 in the URL). */
  tls?: boolean;
  /** A new case (kept under NETSIFT_HOME/cases) named so; absent: the open case connects again. */
  caseName?: string;
}

/** Where the open case's flows live, when not in the case file. */
export interface CaseFlowStore {
  kind: 'clickhouse';
  /** clickhouse://user@host:port/db (never a password). */
  location: string;
  table: string;
  /** Connected now (a reopened case waits for its password). */
  connected: boolean;
  serverVersion: string | null;
  /** The table is a mapped one (read-only): netsift cannot import into it. */
  readOnly: boolean;
  /** Detection runs on this server (ClickHouse 22.3 or later). */
  detection: boolean;
  /** The environment variable the password comes from, when the case names one. */
  passwordEnv: string | null;
  /** Why it is not connected (the last attempt's error). */
  error: string | null;
}
