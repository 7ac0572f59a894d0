// "Export packets": the packets of selected flows (an incident's evidence, a filter or selector,
// or flow ids) written to one capture file. Only flows imported from a pcap/pcapng have packets;
// the capture must still be the file the import read (same size and sha256), else a clear
// refusal names it. Flows from flow records (NetFlow, Zeek, CSV...) are counted and explained.
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PacketExportRequest, PacketExportResult } from '../../shared/context';
import type { FlowSelector } from '../../shared/model';
import { DEFAULT_TIMEOUTS, type FlowTimeouts } from '../import/formats/pcap/flow-table';
import { flowWhere } from '../query/where';
import { selectorToSql, type SqlPredicate } from '../query/selector';
import { NetsiftError } from '../core/errors';
import { all, one } from '../store/sql';
import { CaptureWriter } from './capture-writer';
import { copyPackets, flowKey, selectPackets } from './capture-packets';

/** Most flows one export may select (their keys are held in memory). */
export const MAX_EXPORT_FLOWS = 1_000_000;

interface ImportRow {
  id: number;
  path: string;
  size: number;
  sha256: string;
  format: string;
  details: string | null;
}

interface FlowKeyRow {
  proto: string;
  src_ip: string;
  src_port: number | null;
  dst_ip: string;
  dst_port: number | null;
  t: number;
  pkts: number | null;
}

export interface ExportProgress {
  (p: { phase: string; done: number; total: number | null }): void;
}

async function predicate(conn: DuckDBConnection, req: PacketExportRequest): Promise<SqlPredicate> {
  const given = [req.incidentId !== undefined, !!req.query, !!req.flowIds].filter(Boolean).length;
  if (given !== 1)
    throw new NetsiftError(
      'export packets of one thing: an incident, a filter/selection or flow ids',
      'usage',
    );
  if (req.flowIds) {
    if (!req.flowIds.length) throw new NetsiftError('no flows selected', 'usage');
    if (req.flowIds.length > MAX_EXPORT_FLOWS)
      throw new NetsiftError(`at most ${MAX_EXPORT_FLOWS} flow ids`, 'usage');
    if (!req.flowIds.every((x) => Number.isSafeInteger(x) && x > 0))
      throw new NetsiftError('flow ids are positive whole numbers', 'usage');
    return { sql: 'list_contains($1::JSON::BIGINT[], id)', params: [JSON.stringify(req.flowIds)] };
  }
  if (req.query) return flowWhere(req.query);
  const key = req.incidentId!;
  const asId = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : null;
  const inc = await one<{ evidence: string }>(
    conn,
    asId !== null
      ? 'SELECT evidence FROM incidents WHERE id = $1'
      : 'SELECT evidence FROM incidents WHERE key = $1',
    [asId ?? String(key)],
  );
  if (!inc)
    throw new NetsiftError(
      `no incident ${key} in the case (run detection first if there are none)`,
      'usage',
    );
  const ev = (
    typeof inc.evidence === 'string' ? JSON.parse(inc.evidence) : inc.evidence
  ) as FlowSelector;
  return selectorToSql(ev);
}

function timeoutsOf(details: string | null): FlowTimeouts {
  try {
    const t = (details ? (JSON.parse(details) as { timeouts?: Partial<FlowTimeouts> }) : {})
      .timeouts;
    if (t && [t.idleTcp, t.idleOther, t.active].every((x) => typeof x === 'number'))
      return { idleTcp: t.idleTcp!, idleOther: t.idleOther!, active: t.active! };
  } catch {
    // an import without recorded timeouts used the defaults
  }
  return DEFAULT_TIMEOUTS;
}

/** The capture must be the bytes the import read: a clear refusal otherwise. */
function checkPresent(imp: ImportRow): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(imp.path);
  } catch {
    throw new NetsiftError(
      `${imp.path}: the capture this case was imported from is gone (import ${imp.id}, sha256 ${imp.sha256}); put it back to export its packets`,
      'input',
    );
  }
  if (st.size !== imp.size)
    throw new NetsiftError(
      `${imp.path}: the capture changed since its import (${st.size} bytes now, ${imp.size} then; import ${imp.id}); packets cannot be exported from a different file`,
      'input',
    );
}

export async function exportPackets(
  conn: DuckDBConnection,
  req: PacketExportRequest,
  out: string,
  progress: ExportProgress = () => undefined,
): Promise<PacketExportResult> {
  const where = await predicate(conn, req);
  const perImport = await all<{ import_id: number; flows: number; pkts: number | null }>(
    conn,
    `SELECT import_id, count(*)::BIGINT AS flows, sum(coalesce(src_pkts, 0) + coalesce(dst_pkts, 0))::BIGINT AS pkts
     FROM flows WHERE ${where.sql} GROUP BY import_id ORDER BY import_id`,
    where.params,
  );
  const flows = perImport.reduce((a, r) => a + r.flows, 0);
  if (flows === 0)
    throw new NetsiftError('the selection holds no flows; nothing to export', 'usage');
  if (flows > MAX_EXPORT_FLOWS)
    throw new NetsiftError(
      `the selection holds ${flows} flows; narrow it to at most ${MAX_EXPORT_FLOWS} to export packets`,
      'usage',
    );
  const imports = await all<ImportRow>(
    conn,
    `SELECT id, path, size, sha256, format, details::VARCHAR AS details FROM imports
     WHERE list_contains($1::JSON::INTEGER[], id) ORDER BY id`,
    [JSON.stringify(perImport.map((r) => r.import_id))],
  );
  const captures = imports.filter((i) => i.format === 'pcap');
  const others = imports.filter((i) => i.format !== 'pcap');
  const flowsOf = (id: number) => perImport.find((r) => r.import_id === id)!;
  const recordFlows = others.reduce((a, i) => a + flowsOf(i.id).flows, 0);
  const whyNot = others.length
    ? `${recordFlows} of ${flows} selected flows came from flow records, which carry no packets (${others
        .map((i) => `${path.basename(i.path)}: ${i.format}`)
        .join('; ')})`
    : null;
  if (!captures.length)
    throw new NetsiftError(
      `no packets to export: ${whyNot}. Only flows imported from a pcap or pcapng capture have packets.`,
      'usage',
    );
  for (const imp of captures) checkPresent(imp);

  // pass 1 per capture: which packets, and is it still the same file
  const picks: {
    imp: ImportRow;
    numbers: number[];
    linktypes: number[];
    expected: number;
    missing: number;
  }[] = [];
  for (const imp of captures) {
    const rows = await all<FlowKeyRow>(
      conn,
      `SELECT proto, src_ip, src_port, dst_ip, dst_port, epoch_us(ts)::DOUBLE AS t,
              (coalesce(src_pkts, 0) + coalesce(dst_pkts, 0))::DOUBLE AS pkts
       FROM flows WHERE import_id = $${where.params.length + 1} AND ${where.sql}`,
      [...where.params, imp.id],
    );
    const wanted = new Set(
      rows.map((r) => flowKey(r.proto, r.src_ip, r.src_port, r.dst_ip, r.dst_port, r.t)),
    );
    const sel = await selectPackets(imp.path, wanted, timeoutsOf(imp.details), (done) =>
      progress({ phase: `finding packets in ${path.basename(imp.path)}`, done, total: imp.size }),
    );
    if (sel.bytes !== imp.size || sel.sha256 !== imp.sha256)
      throw new NetsiftError(
        `${imp.path}: the capture changed since its import (sha256 ${sel.sha256}, the import read ${imp.sha256}); packets cannot be exported from a different file`,
        'input',
      );
    picks.push({
      imp,
      numbers: sel.numbers,
      linktypes: sel.linktypes,
      expected: rows.reduce((a, r) => a + (r.pkts ?? 0), 0),
      missing: wanted.size - sel.found.size,
    });
  }

  const linktypes = [...new Set(picks.flatMap((p) => p.linktypes))];
  const container = linktypes.length > 1 ? 'pcapng' : 'pcap';
  const abs = path.resolve(out);
  if (!fs.existsSync(path.dirname(abs)))
    throw new NetsiftError(`${abs}: folder ${path.dirname(abs)} does not exist`, 'usage');
  const partial = `${abs}.partial`;
  fs.rmSync(partial, { force: true });
  const writer = new CaptureWriter(partial, container, linktypes.length ? linktypes : [1]);
  const sources: PacketExportResult['sources'] = [];
  try {
    for (const p of picks) {
      const n = await copyPackets(p.imp.path, p.numbers, writer, (done) =>
        progress({
          phase: `writing packets of ${path.basename(p.imp.path)}`,
          done,
          total: p.imp.size,
        }),
      );
      if (n !== p.numbers.length)
        throw new NetsiftError(
          `${p.imp.path}: the capture changed while its packets were copied; nothing written`,
          'input',
        );
      sources.push({ path: p.imp.path, sha256: p.imp.sha256, packets: n });
    }
    writer.close();
    fs.renameSync(partial, abs);
  } catch (e) {
    try {
      writer.close();
    } catch {
      // closed already
    }
    fs.rmSync(partial, { force: true });
    throw e;
  }
  const captureFlows = picks.reduce((a, p) => a + flowsOf(p.imp.id).flows, 0);
  const missing = picks.reduce((a, p) => a + p.missing, 0);
  const notes = [
    whyNot,
    missing
      ? `${missing} flow${missing === 1 ? '' : 's'} not found in ${picks.length === 1 ? 'its capture' : 'their captures'} (imported with other settings?)`
      : null,
    picks.length > 1
      ? `packets of ${picks.length} captures written one capture after the other`
      : null,
  ].filter((x): x is string => !!x);
  return {
    path: abs,
    fileName: path.basename(abs),
    flows,
    captureFlows,
    packets: writer.packets,
    expectedPackets: picks.reduce((a, p) => a + p.expected, 0),
    bytes: fs.statSync(abs).size,
    container,
    sources,
    note: notes.length ? notes.join('; ') : null,
  };
}
