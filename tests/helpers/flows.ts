// Builds flows in a case directly, for detector and query tests that do not need an importer.
import type { CaseStore } from '../../src/engine/store/case-store';

export interface FlowRow {
  ts: string; // 'YYYY-MM-DD HH:MM:SS[.fff]' UTC
  ts_end?: string | null;
  proto?: string;
  state?: string;
  state_raw?: string | null;
  src_ip: string;
  src_port?: number | null;
  dst_ip: string;
  dst_port?: number | null;
  src_bytes?: number;
  dst_bytes?: number;
  src_pkts?: number | null;
  dst_pkts?: number | null;
  label?: string | null;
}

/**
 * Appends flows under a synthetic import (created once per call). IPv4 only for the numeric
 * columns unless the address has ':' (then the IPv6 numeric is computed in TypeScript).
 */
export async function insertFlows(store: CaseStore, rows: FlowRow[]): Promise<number> {
  const { ipToBigInt } = await import('../../src/engine/util/ip');
  const next = await store.one<{ id: number; fid: number }>(
    'SELECT coalesce(max(id), 0) + 1 AS id, (SELECT coalesce(max(id), 0) + 1 FROM flows) AS fid FROM imports',
  );
  const importId = next!.id;
  let flowId = next!.fid;
  await store.run(
    `INSERT INTO imports VALUES ($1, 'fixture', 0, $2, 'fixture', $3, $3, 0, now()::TIMESTAMP, now()::TIMESTAMP, 'UTC', NULL, NULL, NULL)`,
    [importId, `fixture-${importId}-${Date.now()}`, rows.length],
  );
  const appender = await store.conn.createAppender('flows');
  for (const r of rows) {
    const src = ipToBigInt(r.src_ip);
    const dst = ipToBigInt(r.dst_ip);
    if (src === null || dst === null) throw new Error(`fixture: bad IP in ${JSON.stringify(r)}`);
    appender.appendBigInt(BigInt(flowId++));
    appender.appendInteger(importId);
    appender.appendVarchar(r.ts);
    if (r.ts_end) appender.appendVarchar(r.ts_end);
    else appender.appendNull();
    appender.appendVarchar(r.proto ?? 'tcp');
    appender.appendVarchar(r.state ?? 'established');
    if (r.state_raw) appender.appendVarchar(r.state_raw);
    else appender.appendNull();
    appender.appendVarchar(r.src_ip);
    if (r.src_port == null) appender.appendNull();
    else appender.appendInteger(r.src_port);
    appender.appendVarchar(r.dst_ip);
    if (r.dst_port == null) appender.appendNull();
    else appender.appendInteger(r.dst_port);
    appender.appendBigInt(BigInt(r.src_bytes ?? 100));
    appender.appendBigInt(BigInt(r.dst_bytes ?? 100));
    if (r.src_pkts == null) appender.appendNull();
    else appender.appendBigInt(BigInt(r.src_pkts));
    if (r.dst_pkts == null) appender.appendNull();
    else appender.appendBigInt(BigInt(r.dst_pkts));
    if (r.label == null) appender.appendNull();
    else appender.appendVarchar(r.label);
    appender.appendUHugeInt(src);
    appender.appendUHugeInt(dst);
    appender.endRow();
  }
  appender.closeSync();
  return importId;
}
