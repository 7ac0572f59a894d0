// Imports files into a case through the real pipeline and returns the summary, for format tests.
import { importFiles, type ImportJobOptions } from '../../src/engine/import/pipeline';
import type { CaseStore } from '../../src/engine/store/case-store';
import { STATE_RAW_SQL } from '../../src/engine/store/schema';
import type { ImportSummary } from '../../src/shared/model';

export async function importPaths(
  store: CaseStore,
  paths: string[],
  opts: ImportJobOptions = {},
): Promise<ImportSummary> {
  return importFiles(store, paths, { rejectSamples: 50, ...opts }).result;
}

export interface FlowOut {
  ts: string;
  ts_end: string | null;
  proto: string;
  state: string;
  state_raw: string | null;
  src_ip: string;
  src_port: number | null;
  dst_ip: string;
  dst_port: number | null;
  src_bytes: number;
  dst_bytes: number;
  src_pkts: number | null;
  dst_pkts: number | null;
  label: string | null;
}

export async function flowsOf(store: CaseStore, importId?: number): Promise<FlowOut[]> {
  return store.all<FlowOut>(
    `SELECT ts, ts_end, proto, state, ${STATE_RAW_SQL}, src_ip, src_port, dst_ip, dst_port, src_bytes, dst_bytes, src_pkts,
       dst_pkts, label FROM flows ${importId ? 'WHERE import_id = $1' : ''} ORDER BY id`,
    importId ? [importId] : undefined,
  );
}

export async function rejectsOf(
  store: CaseStore,
): Promise<{ line: number; raw: string; reason: string }[]> {
  return store.all('SELECT line, raw, reason FROM rejects ORDER BY import_id, line');
}
