// The service side of triage, allow rules, report export and "save case as" (issue 6). The
// service (netsift-service.ts) delegates to these; the engine pieces they call are the CLI's too
// (src/engine/triage, src/engine/report), so both doors behave the same.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseInfo } from '../../shared/api';
import type {
  AllowRuleAdded,
  DetectionRerun,
  ExportedReport,
  ExportRequest,
} from '../../shared/triage-api';
import { EXPORT_FORMATS } from '../../shared/triage-api';
import type { AllowRule, AllowRuleInput } from '../../shared/triage';
import type { Job } from '../core/job';
import { exportReport } from '../report/export';
import { renderHtml } from '../report/html';
import { loadReportBundle } from '../report/load';
import type { CaseStore } from '../store/case-store';
import type { FlowStore } from '../flowstore/flow-store';
import { NetsiftError } from '../core/errors';
import { addAllowRule, listAllowRules, removeAllowRule } from '../triage/allow-rules';
import { homeDir } from '../core/home';

export const RERUN_HINT =
  'Rules apply to the next detection run: re-run detection to suppress matching alerts.';

export async function addRule(store: CaseStore, input: AllowRuleInput): Promise<AllowRuleAdded> {
  const rule = await addAllowRule(store, { ...input, reason: (input.reason ?? '').trim() });
  return { rule, rules: await listAllowRules(store), hint: RERUN_HINT };
}

export async function removeRule(store: CaseStore, id: number): Promise<AllowRule[]> {
  if (!(await removeAllowRule(store, id))) throw new NetsiftError(`no allow rule ${id}`, 'usage');
  return listAllowRules(store);
}

/** Waits for a detection job and reads what its run recorded (the latest analysis_runs row). */
export async function finishRerun(
  store: CaseStore,
  job: Job<unknown>,
  t0: number,
): Promise<DetectionRerun> {
  await job.result;
  const run = await store.one<{ suppressed: number | null }>(
    'SELECT suppressed_alerts AS suppressed FROM analysis_runs ORDER BY id DESC LIMIT 1',
  );
  const alerts = await store.one<{ n: number }>('SELECT count(*) AS n FROM alerts');
  const incidents = await store.one<{ n: number }>('SELECT count(*) AS n FROM incidents');
  return {
    alerts: alerts?.n ?? 0,
    incidents: incidents?.n ?? 0,
    suppressed: Number(run?.suppressed ?? 0),
    seconds: (Date.now() - t0) / 1000,
  };
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Writes the report to `out` (any folder: the desktop app's save dialog). */
export async function exportReportTo(
  store: CaseStore,
  out: string,
  req: ExportRequest,
  flows?: FlowStore | null,
): Promise<ExportedReport> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(req.format))
    throw new NetsiftError(
      `unknown report format "${String(req.format)}"; one of ${EXPORT_FORMATS.join(', ')}`,
      'usage',
    );
  const r = await exportReport(store, out, { incidents: req.incidentIds, title: req.title }, flows);
  return {
    path: r.out,
    fileName: path.basename(r.out),
    format: r.format,
    incidents: r.incidents,
    flows: r.flows ?? null,
    bytes: r.bytes,
  };
}

/** The HTML report as text: the desktop app prints it to PDF with its own Chromium. */
export async function reportHtml(
  store: CaseStore,
  req: Omit<ExportRequest, 'format'>,
  flows?: FlowStore | null,
): Promise<string> {
  return renderHtml(
    await loadReportBundle(store, { incidents: req.incidentIds, title: req.title }, flows),
  );
}

/** Writes the report under NETSIFT_HOME/exports, where the server's download route finds it. */
export async function exportToHome(
  store: CaseStore,
  caseName: string,
  req: ExportRequest,
  flows?: FlowStore | null,
): Promise<ExportedReport> {
  const which =
    req.incidentIds?.length === 1
      ? `incident-${String(req.incidentIds[0])}`
      : req.incidentIds?.length
        ? 'selected'
        : 'all';
  const base = `${caseName}-${which}-${stamp()}`.replace(/[^\w.-]+/g, '_');
  return exportReportTo(store, path.join(exportsDir(), `${base}.${req.format}`), req, flows);
}

export function exportsDir(): string {
  return homeDir('exports');
}

/** The file a download request names, only from the exports folder; null when there is none. */
export function exportedFile(name: string): string | null {
  const base = path.basename(name);
  if (!base || base.startsWith('.') || base !== name || base.endsWith('.partial')) return null;
  const file = path.join(exportsDir(), base);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * Copies the open case to `dest` and continues on the copy. DuckDB holds the file open, so:
 * checkpoint (the WAL folds into the file), close, copy, reopen the copy. When the copy fails the
 * original is reopened, so the analyst never loses the open case.
 */
export async function saveCaseAs(
  store: CaseStore,
  dest: string,
  close: () => Promise<void> | void,
  open: (file: string) => Promise<CaseInfo>,
): Promise<CaseInfo> {
  const abs = path.resolve(dest.endsWith('.duckdb') ? dest : `${dest}.duckdb`);
  if (abs === store.path) throw new NetsiftError(`${abs}: that is the open case`, 'usage');
  if (fs.existsSync(abs))
    throw new NetsiftError(`${abs}: already exists; choose another name`, 'usage');
  if (!fs.existsSync(path.dirname(abs)))
    throw new NetsiftError(`${abs}: folder ${path.dirname(abs)} does not exist`, 'usage');
  if (store.path === ':memory:')
    throw new NetsiftError('an in-memory case cannot be saved as a file', 'usage');
  const src = store.path;
  await store.run('CHECKPOINT');
  await close();
  try {
    fs.copyFileSync(src, abs, fs.constants.COPYFILE_EXCL);
    if (fs.existsSync(`${src}.wal`)) fs.copyFileSync(`${src}.wal`, `${abs}.wal`);
  } catch (e) {
    fs.rmSync(abs, { force: true });
    await open(src);
    throw new NetsiftError(`${abs}: could not copy the case (${(e as Error).message})`, 'input');
  }
  return open(abs);
}
