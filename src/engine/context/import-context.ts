// What an import adds as address context, after its flow files: Zeek dns/http/ssl logs found
// among the inputs (a Zeek folder holds them beside conn.log) go to their case tables, captures
// just imported are read again for the DNS answers they carry, and the case's addresses get
// their country and AS. The import pipeline calls splitContextLogs before and importContext
// after its loop (src/engine/import/pipeline.ts); each step commits on its own, so a failed
// context step never undoes the flows.
import path from 'node:path';
import fs from 'node:fs';
import type { ContextImportResult, ImportContextSummary } from '../../shared/context';
import type { ImportFileSummary } from '../../shared/model';
import type { JobContext } from '../core/job';
import { enrichGeo } from '../geo/geo-enrich';
import { readSample } from '../import/sample';
import type { CaseStore } from '../store/case-store';
import { CancelledError } from '../core/errors';
import { captureNamesOfImport } from '../pdns/import-capture-names';
import { contextKindOf, type KindSpec } from '../zeek-context/context-kinds';
import { importContextLog } from '../zeek-context/import-context-log';

export interface ContextLog {
  path: string;
  spec: KindSpec;
}

/** Separates Zeek context logs (dns/http/ssl) from the files that hold flows. */
export async function splitContextLogs(
  paths: string[],
): Promise<{ flows: string[]; logs: ContextLog[] }> {
  const flows: string[] = [];
  const logs: ContextLog[] = [];
  for (const p of paths) {
    let spec: KindSpec | null = null;
    try {
      if (fs.statSync(p).isFile() && fs.statSync(p).size > 0)
        spec = contextKindOf(await readSample(p));
    } catch {
      spec = null; // unreadable: the flow import reports it with its own message
    }
    if (spec) logs.push({ path: p, spec });
    else flows.push(p);
  }
  return { flows, logs };
}

export interface ContextOptions {
  allowDuplicate?: boolean;
  keepGoing?: boolean;
  /** Skip the GeoIP/ASN step (tests of other parts; the CLI's --no-geo). */
  noGeo?: boolean;
}

export async function importContext(
  store: CaseStore,
  job: JobContext,
  logs: ContextLog[],
  files: ImportFileSummary[],
  opts: ContextOptions = {},
): Promise<ImportContextSummary> {
  const t0 = Date.now();
  const out: ImportContextSummary = {
    logs: [],
    captureNames: [],
    geo: null,
    geoError: null,
    seconds: 0,
  };
  const conn = await store.connect();
  let closed = false;
  job.onCancel(() => {
    if (!closed) conn.interrupt();
  });
  try {
    for (const log of logs) {
      job.checkCancelled();
      try {
        const r = await importContextLog(conn, log.path, log.spec, job, {
          allowDuplicate: opts.allowDuplicate,
        });
        out.logs.push(r);
      } catch (e) {
        if (e instanceof CancelledError || job.signal.aborted || !opts.keepGoing) throw e;
        out.logs.push(failed(log, e));
      }
    }
    for (const f of files) {
      if (f.record?.format !== 'pcap') continue;
      job.checkCancelled();
      try {
        out.captureNames.push(await captureNamesOfImport(conn, f.record, job));
      } catch (e) {
        if (e instanceof CancelledError || job.signal.aborted) throw e;
        out.captureNames.push({
          importId: f.record.id,
          path: f.record.path,
          names: 0,
          responses: 0,
          seconds: 0,
          error: (e as Error).message,
        });
      }
    }
    const hasFlows = files.some((f) => f.record && f.record.rows_read > 0);
    if (!opts.noGeo && hasFlows) {
      job.checkCancelled();
      job.progress({ phase: 'country and AS of addresses', done: 0, total: null, unit: 'steps' });
      try {
        const g = await enrichGeo(conn);
        out.geo = {
          addresses: g.addresses,
          withCountry: g.withCountry,
          withAsn: g.withAsn,
          versions: g.versions,
          seconds: g.seconds.total,
        };
      } catch (e) {
        if (e instanceof CancelledError || job.signal.aborted) throw e;
        out.geoError = (e as Error).message.split('\n')[0];
      }
    }
  } finally {
    closed = true;
    conn.closeSync();
  }
  out.seconds = (Date.now() - t0) / 1000;
  return out;
}

function failed(log: ContextLog, e: unknown): ContextImportResult {
  return {
    path: path.resolve(log.path),
    kind: log.spec.kind,
    id: 0,
    rows: 0,
    rejected: 0,
    names: 0,
    rejectSamples: [],
    seconds: 0,
    error: (e as Error).message,
  };
}
