// The evidence CSV of a case whose flows are on a server (ClickHouse): the flows behind each
// incident are read from the flow store (scanFlows: the incident's selector as bound parameters,
// keyset pages in (ts, id) order), appended to a scratch DuckDB file in the temp folder, and
// written by the very COPY of a case's export (csv.ts copyEvidence: the same columns, formula
// escaping, quoting and time format), so both kinds of case give the same file for the same
// flows. The scratch holds only the evidence (never the store) and goes when the file is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import type { Incident } from '../../shared/model';
import type { FlowStore, StoredFlow } from '../flowstore/flow-store';
import { NetsiftError } from '../core/errors';
import { one, run } from '../store/sql';
import { COLUMNS, copyEvidence, safe } from './csv';

const SCRATCH_TABLE = `CREATE TABLE flows (
  incident_id BIGINT, incident_type VARCHAR, id BIGINT, import_id INTEGER, ts TIMESTAMP,
  ts_end TIMESTAMP, proto VARCHAR, state VARCHAR, state_raw VARCHAR, src_ip VARCHAR,
  src_port INTEGER, dst_ip VARCHAR, dst_port INTEGER, src_bytes BIGINT, dst_bytes BIGINT,
  src_pkts BIGINT, dst_pkts BIGINT, label VARCHAR)`;

function append(app: DuckDBAppender, inc: Incident, f: StoredFlow): void {
  const text = (v: string | null) => (v === null ? app.appendNull() : app.appendVarchar(v));
  const int = (v: number | null) => (v === null ? app.appendNull() : app.appendInteger(v));
  const big = (v: number | null) => (v === null ? app.appendNull() : app.appendBigInt(BigInt(v)));
  const time = (us: number | null) =>
    us === null ? app.appendNull() : app.appendTimestamp(new DuckDBTimestampValue(BigInt(us)));
  big(inc.id);
  text(inc.type);
  big(f.id);
  int(f.import_id);
  time(f.ts_us);
  time(f.ts_end_us);
  text(f.proto);
  text(f.state);
  text(f.state_raw);
  text(f.src_ip);
  int(f.src_port);
  text(f.dst_ip);
  int(f.dst_port);
  big(f.src_bytes);
  big(f.dst_bytes);
  big(f.src_pkts);
  big(f.dst_pkts);
  text(f.label);
  app.endRow();
}

export async function writeStoreEvidenceCsv(
  flows: Pick<FlowStore, 'scanFlows'>,
  incidents: Incident[],
  out: string,
  opts: { signal?: AbortSignal } = {},
): Promise<number> {
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs)))
    throw new NetsiftError(`${abs}: folder does not exist`, 'usage');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-evidence-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'evidence.duckdb'), {
    memory_limit: '512MB',
    threads: '2',
  });
  const conn = await instance.connect();
  try {
    await run(conn, SCRATCH_TABLE);
    for (const inc of incidents) {
      const app = await conn.createAppender('flows');
      try {
        await flows.scanFlows(
          inc.evidence,
          (rows) => {
            for (const f of rows) append(app, inc, f);
            app.flushSync();
          },
          { signal: opts.signal },
        );
      } finally {
        app.closeSync();
      }
    }
    return await copyEvidence(
      {
        run: (sql, params) => run(conn, sql, params),
        one: (sql, params) => one(conn, sql, params),
      },
      `SELECT incident_id, ${safe('incident_type', 'incident_type')}, ${COLUMNS} FROM flows
       ORDER BY incident_id, ts, flow_id`,
      [],
      abs,
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
