// One import job of the workspace: many files into one case, file by file, then detection once.
// Each file is one transaction of the import pipeline; the job as a whole is all or nothing on
// cancel: what earlier files wrote is deleted again, so a cancelled job leaves the case as it was.
// A marker in the case (PENDING_KEY) names the first import id of a running job, so a process
// killed halfway is rolled back the same way the next time the service opens the case.
//
// Progress is the job's own view (ImportProgressView): per file its stage and bytes, the rows
// written, and an estimate that says nothing rather than "0 ms left" while work remains.
import type {
  CaseZone,
  ImportFileState,
  ImportProgressView,
  IncidentPreview,
} from '../../shared/api';
import type { IncidentDraft } from '../incidents/build';
import type { ImportSummary, JobProgress } from '../../shared/model';
import type { Job } from '../core/job';
import type { CaseStore } from '../store/case-store';
import { firstFreeContextId, rollbackContext } from '../context/rollback-context';
import { CancelledError } from '../core/errors';
import type { EngineOps } from './engine-ops';
import { lookAtFile, zoneSource } from './import-check';
import type { StepContext } from './job-registry';

export const PENDING_KEY = 'import_pending';
export const ZONES_KEY = 'import_zones';

/** Share of the bar for reading a file's bytes; validating and writing it take the rest. */
const READ_SHARE = 0.7;
/**
 * Share of the bar for the import; detection (by detector steps) takes the rest. Measured on a
 * 2.86M-flow seed file: about 10 s import, 12 s detection (so detection is not a last 10%).
 */
const IMPORT_SHARE = 0.6;
/** Below this many seconds an estimate says "finishing" instead of a number. */
const MIN_ETA = 2;

export interface ImportInput {
  path: string;
  name: string;
  bytes: number;
}

export interface ImportRunResult {
  importIds: number[];
  files: ImportFileState[];
  added: number;
  rejects: number;
}

type ZoneRecord = Record<string, { source: CaseZone['source'] }>;

export class ImportRun {
  private readonly t0 = Date.now();
  private readonly view: ImportProgressView;
  private readonly importIds: number[] = [];
  /** The import each file became (by its row), for the zones recorded at the end. */
  private readonly importOf = new Map<number, number>();

  constructor(
    private readonly ops: EngineOps,
    private readonly store: CaseStore,
    private readonly files: ImportInput[],
    /** The zone the analyst chose for zone-less timestamps; null: UTC, assumed. */
    private readonly tz: string | null,
    private readonly format: string | undefined,
    private readonly ctx: StepContext,
    target: ImportProgressView['target'],
    /** A new case: on cancel the service deletes the whole file, so no row needs deleting first. */
    private readonly disposable = false,
  ) {
    this.view = {
      target,
      stage: 'read',
      current: null,
      files: files.map((f) => ({
        name: f.name,
        bytes: f.bytes,
        status: 'waiting',
        read: 0,
        format: null,
        flows: null,
        rejects: null,
        zone: null,
        tz: tz ?? 'UTC',
        error: null,
      })),
      bytesRead: 0,
      bytesTotal: files.reduce((a, f) => a + f.bytes, 0),
      flows: 0,
      fraction: 0,
      elapsedSeconds: 0,
      etaSeconds: null,
      analyse: null,
    };
  }

  /**
   * Imports every file and runs detection. Throws CancelledError after undoing the job's imports
   * when cancelled; a file that fails is reported in its row and the others go on.
   */
  async run(): Promise<ImportRunResult> {
    const from = await firstFreeImportId(this.store);
    const ctxFrom = await firstFreeContextId(this.store.conn);
    await this.store.setSetting(PENDING_KEY, { from, ctxFrom, started: new Date().toISOString() });
    try {
      for (let i = 0; i < this.files.length; i++) {
        if (this.ctx.cancelled()) throw new CancelledError('import');
        await this.importOne(i);
      }
      if (this.importIds.length) await this.enrichGeoOnce();
      if (this.importIds.length) await this.analyse();
      // detection is committed: from here a cancel that arrives late changes nothing
      this.ctx.lockIn();
      await this.recordZones();
      await this.store.run('DELETE FROM settings WHERE key = $1', [PENDING_KEY]);
    } catch (e) {
      if (!(e instanceof CancelledError) && !this.ctx.cancelled()) {
        await this.undo(from, ctxFrom);
        throw e;
      }
      await this.undo(from, ctxFrom);
      throw new CancelledError('import');
    }
    this.view.stage = 'finish';
    this.push(true);
    const done = this.view.files.filter((f) => f.status === 'done');
    return {
      importIds: this.importIds,
      files: this.view.files,
      added: done.reduce((a, f) => a + (f.flows ?? 0), 0),
      rejects: done.reduce((a, f) => a + (f.rejects ?? 0), 0),
    };
  }

  private async importOne(i: number): Promise<void> {
    const input = this.files[i];
    const row = this.view.files[i];
    this.view.current = i;
    this.view.stage = 'read';
    row.status = 'reading';
    this.push(true);
    const look = await lookAtFile(input.path, { format: this.format, tz: this.tz });
    row.format = look.format;
    // a file no flow format claims still goes to the pipeline: it decides (and says why, without
    // quoting the file), and may take it as something other than flows
    if (!look.error) row.zone = zoneSource(look.zoneless, this.tz !== null);
    const job = this.ops.importFiles(this.store, [input.path], {
      tz: this.tz ?? 'UTC',
      format: this.format,
      trackProgress: true, // DuckDB's read progress, not the hashing pass's (pipeline.ts)
      noGeo: true, // once for the whole job, after its last file (enrichGeoOnce)
    });
    const before = this.view.bytesRead;
    const off = job.onProgress((p: JobProgress) => {
      row.status =
        p.phase === 'validate' ? 'validating' : p.phase === 'write' ? 'writing' : 'reading';
      this.view.stage =
        p.phase === 'validate' ? 'validate' : p.phase === 'write' ? 'write' : 'read';
      row.read = Math.min(
        input.bytes,
        Math.max(row.read, p.total ? (p.done / p.total) * input.bytes : p.done),
      );
      this.view.bytesRead = before + row.read;
      this.push();
    });
    try {
      const summary = (await this.follow(job)) as ImportSummary;
      if (!summary.files.length) {
        // the pipeline took the file as no flow file at all (address context beside the flows)
        row.status = 'done';
        row.read = input.bytes;
        row.flows = 0;
        row.rejects = 0;
        return;
      }
      const rec = summary.files[0].record;
      if (!rec) throw new Error(summary.files[0].error ?? 'nothing imported');
      this.importIds.push(rec.id);
      this.importOf.set(i, rec.id);
      row.status = 'done';
      row.read = input.bytes;
      row.flows = rec.rows_read;
      row.rejects = rec.rows_rejected;
      row.format = rec.format;
      this.view.flows += rec.rows_read;
    } catch (e) {
      if (e instanceof CancelledError || this.ctx.cancelled()) {
        row.status = 'rolled-back';
        throw new CancelledError('import');
      }
      row.status = 'failed';
      row.error = (e as Error).message.replace(`${input.path}: `, '');
      row.read = input.bytes;
    } finally {
      off();
      this.view.bytesRead = before + input.bytes;
      this.push(true);
    }
  }

  /** Country and AS of the addresses the job added; a failure here costs context, not the import. */
  private async enrichGeoOnce(): Promise<void> {
    if (!this.ops.enrichGeo || this.ctx.cancelled()) return;
    this.view.stage = 'context';
    this.push(true);
    try {
      await this.ops.enrichGeo(this.store);
    } catch {
      // the grid shows addresses without country/AS; `netsift context --refresh-geo` retries
    }
  }

  private async analyse(): Promise<void> {
    // the incidents of the detectors done so far go out at once, so the analyst sees the first
    // ones while the rest still run (issue 16)
    const job = this.ops.runDetection(this.store, {
      onIncidents: (so) => {
        if (!this.view.analyse) return;
        this.view.analyse.found = {
          incidents: so.incidents.map(incidentPreview),
          detectorsLeft: so.left.length,
          seconds: (Date.now() - this.t0) / 1000,
        };
        this.push(true);
      },
    });
    if (!job) return;
    this.view.stage = 'analyse';
    this.view.current = null;
    this.view.analyse = { step: 'starting', done: 0, total: 1, found: null };
    this.push(true);
    const off = job.onProgress((p: JobProgress) => {
      this.view.analyse = {
        ...this.view.analyse,
        step: p.message ?? p.phase,
        done: p.done,
        total: p.total ?? 1,
      };
      this.push();
    });
    try {
      await this.follow(job);
    } finally {
      off();
    }
  }

  /** Runs an engine job as this step: a cancel of the service job reaches it. */
  private async follow(job: Job<unknown>): Promise<unknown> {
    if (this.ctx.cancelled()) job.cancel();
    this.ctx.setCancel(() => job.cancel());
    try {
      return await job.result;
    } finally {
      this.ctx.setCancel(null);
    }
  }

  /** Deletes what this job wrote (every import from `from` on), and its marker. */
  private async undo(from: number, ctxFrom: number | null): Promise<void> {
    this.view.stage = 'rollback';
    for (const f of this.view.files) if (f.status === 'done') f.status = 'rolled-back';
    this.view.flows = 0;
    this.push(true);
    if (!this.disposable) await rollbackImports(this.store, from, ctxFrom);
  }

  private async recordZones(): Promise<void> {
    if (!this.importOf.size) return;
    const zones = await this.store.getSetting<ZoneRecord>(ZONES_KEY, {});
    for (const [row, id] of this.importOf)
      zones[String(id)] = { source: this.view.files[row].zone ?? 'unknown' };
    await this.store.setSetting(ZONES_KEY, zones);
  }

  private push(now = false): void {
    const v = this.view;
    v.elapsedSeconds = (Date.now() - this.t0) / 1000;
    const total = v.bytesTotal || 1;
    let importDone = 0;
    for (const f of v.files) {
      const share = f.bytes / total;
      if (f.status === 'done' || f.status === 'failed') importDone += share;
      else importDone += share * READ_SHARE * (f.bytes ? f.read / f.bytes : 0);
    }
    const analyseDone = v.analyse ? v.analyse.done / Math.max(1, v.analyse.total) : 0;
    // 1 only when the job is through: a full bar while work remains is what made the old one lie
    v.fraction =
      v.stage === 'finish'
        ? 1
        : Math.min(0.99, IMPORT_SHARE * importDone + (1 - IMPORT_SHARE) * analyseDone);
    // time left for the import from the share done so far; it grows while a stage shows no
    // progress (validating, writing) instead of falling to 0, and is withheld below MIN_ETA
    const left =
      importDone > 0.02 && v.stage !== 'analyse'
        ? (v.elapsedSeconds * (1 - importDone)) / importDone
        : null;
    v.etaSeconds = left != null && left >= MIN_ETA && v.stage !== 'finish' ? left : null;
    this.ctx.importView({ ...v, files: v.files.map((f) => ({ ...f })) }, now);
  }
}

function incidentPreview(x: IncidentDraft): IncidentPreview {
  return {
    key: x.key,
    type: x.type,
    severity: x.severity,
    score: x.score,
    attacker: x.attacker,
    victims: x.victims,
    first_seen: x.first_seen,
    last_seen: x.last_seen,
    detectors: x.detectors,
    alert_count: x.alert_count,
    summary: x.summary,
  };
}

export async function firstFreeImportId(store: CaseStore): Promise<number> {
  const r = await store.one<{ id: number }>('SELECT coalesce(max(id), 0) + 1 AS id FROM imports');
  return Number(r?.id ?? 1);
}

/**
 * Deletes imports `from` and later with their flows, rejected lines and address context (context
 * imports from `ctxFrom` on), in one transaction.
 */
export async function rollbackImports(
  store: CaseStore,
  from: number,
  ctxFrom: number | null = null,
): Promise<void> {
  const conn = await store.connect();
  try {
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const sql of [
        'DELETE FROM rejects WHERE import_id >= $1',
        'DELETE FROM flows WHERE import_id >= $1',
        'DELETE FROM imports WHERE id >= $1',
      ])
        await conn.run(sql, [from]);
      await rollbackContext(conn, from, ctxFrom);
      await conn.run('DELETE FROM settings WHERE key = $1', [PENDING_KEY]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  } finally {
    conn.closeSync();
  }
}

/** A job killed halfway left its marker: undo its imports (called when the service opens a case). */
export async function finishInterruptedJob(store: CaseStore): Promise<boolean> {
  if (store.readOnly) return false;
  const pending = await store.getSetting<{ from?: number; ctxFrom?: number | null } | null>(
    PENDING_KEY,
    null,
  );
  if (!pending || typeof pending.from !== 'number') return false;
  await rollbackImports(store, pending.from, pending.ctxFrom ?? null);
  return true;
}
