// The follower: one source (a folder of rotated files, a growing text file, the NetFlow/IPFIX
// listener) imported into an open case batch by batch until it is stopped, with what each batch
// sets off: the batch hook (onBatch), the retention limits, country and AS of new addresses, and
// detection every N batches or M seconds: incremental runs (src/engine/analysis/incremental.ts)
// that each cover what arrived since the previous one, never queued (the next starts when one is
// done), whose results (with the incidents they made appear or raised: notifications) go to onDetection. The same object runs
// under `netsift follow` and as a job of `netsift serve` on the open case (follow-job.ts): every
// write goes through the case's write gate, so the service's own imports wait for a batch
// instead of numbering flows alike.
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FollowBatch, FollowRequest, FollowStatus } from '../../shared/follow';
import { IncrementalDetection, type IncrementalResult } from '../analysis/incremental';
import type { DetectionOptions } from '../analysis/runner';
import { enrichGeo } from '../geo/geo-enrich';
import { DEFAULT_TIME_WINDOW } from '../import/time-window';
import type { Job, JobContext } from '../core/job';
import type { CaseStore } from '../store/case-store';
import { CancelledError, NetsiftError } from '../core/errors';
import { FileSource } from './file-source';
import { FolderSource } from './folder-source';
import type { FollowSourceRunner } from './follow-source';
import { lagOf } from './lag';
import { parseListen } from './listen-address';
import { ListenerSource } from './listener-source';
import { LimitReached, type BeforeCommit } from './live-import';
import { NetflowListener } from './netflow-listener';
import { dropOldWindows, overLimit } from './retention';
import { writeFollowerMarker } from './follower-marker';
import { writeGate, type WriteGate } from './write-gate';
import fs from 'node:fs';

export interface FollowerOptions {
  /** detection's window and parameters (the runner's options) */
  detection?: DetectionOptions;
}

/** The spool beside the case: queued files' hard links and the chunks of growing files. */
export function spoolDirOf(store: CaseStore): string {
  return store.path === ':memory:'
    ? path.join(os.tmpdir(), `netsift-follow-${process.pid}`)
    : `${store.path}.follow`;
}

function fileStatus(src: FollowSourceRunner | undefined): FollowStatus['file'] {
  if (!(src instanceof FileSource)) return null;
  const s = src.file.status();
  return {
    path: s.path,
    generation: s.generation,
    importId: s.importId,
    lines: s.lines,
    partialBytes: s.partialBytes,
    closedImports: s.closedImports,
  };
}

export class Follower {
  private state: FollowStatus['state'] = 'starting';
  private stopRequested = false;
  private stopReason: string | null = null;
  private limitReached = false;
  private error: string | null = null;
  private readonly ctl = new AbortController();
  private wake: (() => void) | null = null;
  private readonly batchListeners = new Set<(b: FollowBatch) => void>();
  private readonly eventListeners = new Set<(e: string) => void>();
  private readonly detectionListeners = new Set<(r: IncrementalResult) => void>();
  private readonly events: string[] = [];
  private readonly startedAt = new Date().toISOString();
  private batches = 0;
  private flows = 0;
  private rejects = 0;
  private readonly imports: number[] = [];
  private newest: string | null = null;
  private geoDirty = false;
  private lastGeo = 0;
  private readonly geo = {
    runs: 0,
    lastRunAt: null as string | null,
    addresses: null as number | null,
    error: null as string | null,
  };
  private sinceDetect = 0;
  private lastDetect = Date.now();
  private detectJob: Job<IncrementalResult> | null = null;
  private incremental: IncrementalDetection | null = null;
  /** wall time of the oldest batch no run has started on; of the oldest the running run covers */
  private uncoveredSince: number | null = null;
  private runningSince: number | null = null;
  private readonly detect = {
    runs: 0,
    running: false,
    lastRunAt: null as string | null,
    incidents: null as number | null,
    alerts: null as number | null,
    error: null as string | null,
    lastMode: null as 'full' | 'incremental' | null,
    lastSeconds: null as number | null,
    lastNewFlows: null as number | null,
    lastWindows: null as number | null,
  };
  private readonly retention = {
    droppedFlows: 0,
    drops: 0,
    cutoff: null as string | null,
    archivedAlerts: 0,
    archivedIncidents: 0,
  };
  /** resolves when following has ended (stopped, at a limit, or failed) */
  readonly finished: Promise<FollowStatus>;
  private source!: FollowSourceRunner;

  private constructor(
    private readonly store: CaseStore,
    private readonly req: FollowRequest,
    private readonly opts: FollowerOptions,
    private readonly gate: WriteGate,
    ready: Promise<void>,
  ) {
    this.finished = ready.then(() => this.loop());
    this.finished.catch(() => undefined);
  }

  /** Checks the request, opens the source and starts following (resolves once it runs). */
  static async start(
    store: CaseStore,
    req: FollowRequest,
    opts: FollowerOptions = {},
  ): Promise<Follower> {
    if (store.readOnly)
      throw new NetsiftError(
        `${store.path}: the case is open read-only; cannot follow into it`,
        'case',
      );
    const r = req.retain;
    if (r && r.seconds === undefined && r.maxFlows === undefined)
      throw new NetsiftError('a retention needs --retain DURATION or --max-flows N', 'usage');
    const tz = req.tz ?? 'UTC';
    if (tz !== 'UTC') {
      try {
        await store.one("SELECT timezone($1, TIMESTAMP '2000-01-01 00:00:00') AS t", [tz]);
      } catch {
        throw new NetsiftError(
          `--tz ${tz}: not a time zone DuckDB knows (use an IANA name such as Europe/Berlin)`,
          'usage',
        );
      }
    }
    let open!: () => void;
    const f = new Follower(
      store,
      req,
      opts,
      writeGate(store),
      new Promise<void>((res) => (open = res)),
    );
    f.source = await f.openSource(tz);
    if (store.path !== ':memory:') {
      const remove = writeFollowerMarker(spoolDirOf(store), f.source.describe);
      void f.finished.finally(remove);
    }
    f.state = 'following';
    open();
    return f;
  }

  private async openSource(tz: string): Promise<FollowSourceRunner> {
    const req = this.req;
    const src = req.source;
    const stopAt = req.retain?.onLimit === 'stop' ? req.retain : undefined;
    const beforeCommit: BeforeCommit | undefined = stopAt ? (c) => overLimit(c, stopAt) : undefined;
    const note = (e: string) => this.note(e);
    const spoolDir = spoolDirOf(this.store);
    if (src.kind === 'listener') {
      const listener = await NetflowListener.start(this.store, {
        listen: parseListen(src.listen),
        allowRemote: src.allowRemote,
        exporters: src.exporters,
        batchSeconds: req.batchSeconds,
        batchFlows: src.batchFlows,
        defaultSampling: src.sampling,
        writeGate: this.gate,
        beforeCommit,
        // beyond 200,000 records in memory a burst waits on disk beside the case
        maxQueuedFlows: 200_000,
        spoolDir: path.join(spoolDir, 'listener'),
      });
      listener.onEvent(note);
      return new ListenerSource(listener);
    }
    const abs = path.resolve(src.path);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new NetsiftError(`${abs}: not found; nothing to follow`, 'input');
    }
    if (src.kind === 'folder') {
      if (!st.isDirectory()) throw new NetsiftError(`${abs}: not a folder`, 'usage');
      const casePath = this.store.path;
      return FolderSource.create(this.store, abs, {
        settleMs: (req.settleSeconds ?? 2) * 1000,
        pollMs: (req.pollSeconds ?? 0.5) * 1000,
        newOnly: !!req.newOnly,
        spoolDir: path.join(spoolDir, 'queue'),
        exclude: [casePath, `${casePath}.wal`, `${casePath}.tmp`, spoolDir].map((p) => {
          try {
            return fs.realpathSync(path.dirname(p)) + path.sep + path.basename(p);
          } catch {
            return p;
          }
        }),
        importOptions: { format: req.format, tz, noGeo: true, rejectSamples: 5 },
        gate: this.gate,
        stopAt,
        note,
      });
    }
    if (!st.isFile())
      throw new NetsiftError(`${abs}: not a regular file; cannot follow it`, 'usage');
    const job: JobContext = {
      signal: this.ctl.signal,
      progress: () => undefined,
      checkCancelled: () => {
        if (this.ctl.signal.aborted) throw new CancelledError('follow');
      },
      onCancel: (h) => this.ctl.signal.addEventListener('abort', h, { once: true }),
    };
    // the folder's real path, the file's own name: a symlink repointed at each rotation (a
    // "current" link) is followed to its new target like a renamed file
    const file = path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    return new FileSource(this.store, file, {
      format: req.format,
      importOptions: { tz, timeWindow: DEFAULT_TIME_WINDOW },
      spoolDir: path.join(spoolDir, 'chunks'),
      batchSeconds: req.batchSeconds ?? 10,
      batchBytes: 16 * 2 ** 20,
      settleMs: (req.settleSeconds ?? 2) * 1000,
      gate: this.gate,
      beforeCommit,
      job,
      resume: true,
      note,
    });
  }

  /** The source itself, for door-specific views (the listener's exporters). */
  get runner(): FollowSourceRunner {
    return this.source;
  }

  onBatch(fn: (b: FollowBatch) => void): () => void {
    this.batchListeners.add(fn);
    return () => this.batchListeners.delete(fn);
  }

  onEvent(fn: (e: string) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** After each detection run that was written; r.changes: the incidents it made appear or raised. */
  onDetection(fn: (r: IncrementalResult) => void): () => void {
    this.detectionListeners.add(fn);
    return () => this.detectionListeners.delete(fn);
  }

  /**
   * A detection run now (the analyst changed allow rules or the site, a feed list changed): after
   * the one running, if any. Resolves with its result; rejects when it failed or detection is off.
   */
  async detectNow(): Promise<IncrementalResult> {
    if (!this.detectionOn()) throw new NetsiftError('detection is off while following', 'usage');
    while (this.detect.running) await new Promise((r) => setTimeout(r, 20));
    let result: IncrementalResult | null = null;
    const off = this.onDetection((r) => (result = r));
    try {
      await this.runDetect();
    } finally {
      off();
    }
    if (!result)
      throw new NetsiftError(`detection failed: ${this.detect.error ?? 'cancelled'}`, 'internal');
    return result;
  }

  /** Stops after writing what is read and complete; resolves with the final status. */
  stop(reason = 'stopped'): Promise<FollowStatus> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.stopReason = reason;
      if (this.state === 'following') this.state = 'stopping';
      this.wake?.();
    }
    return this.finished;
  }

  /** Stops at once: what is pending is not written (it stays in its file). */
  abort(reason = 'aborted'): void {
    this.stopRequested = true;
    this.stopReason ??= reason;
    this.ctl.abort();
    this.detectJob?.cancel();
    this.source?.abandon();
    this.wake?.();
  }

  status(now = Date.now()): FollowStatus {
    const folder = this.source instanceof FolderSource ? this.source : null;
    const w = folder?.watcher.counts;
    const detecting =
      this.req.detectEverySeconds !== undefined ||
      this.req.detectEveryBatches !== undefined ||
      this.req.detectAtStop;
    return {
      state: this.state,
      source: this.source?.describe ?? '',
      startedAt: this.startedAt,
      batches: this.batches,
      flows: this.flows,
      rejects: this.rejects,
      imports: [...this.imports],
      files: folder
        ? {
            imported: folder.files.imported,
            empty: folder.files.empty,
            failed: [...folder.files.failed],
            alreadyImported: w!.alreadyImported,
            leftAtStart: w!.leftAtStart,
            inProgress: w!.inProgress,
            heldByWriter: w!.heldByWriter,
            lost: w!.lost,
          }
        : null,
      file: fileStatus(this.source),
      lag: lagOf(
        this.source?.backlog(now) ?? {
          oldestWaitingSince: null,
          queuedFiles: 0,
          queuedBytes: 0,
          unreadBytes: 0,
        },
        this.newest,
        now,
      ),
      detection: detecting ? { ...this.detect, behindSeconds: this.detectBehind(now) } : null,
      retention: this.req.retain ? { ...this.retention } : null,
      geo: this.req.noGeo ? null : { ...this.geo },
      events: this.events.slice(-20),
      stopReason: this.stopReason,
      limitReached: this.limitReached,
      error: this.error,
    };
  }

  private note(e: string): void {
    this.events.push(`${new Date().toISOString()} ${e}`);
    if (this.events.length > 200) this.events.splice(0, this.events.length - 200);
    for (const l of this.eventListeners) l(e);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = null;
    });
  }

  private async loop(): Promise<FollowStatus> {
    try {
      return await this.follow();
    } finally {
      // the detection session's connection (and the tables it keeps) closes with following
      await this.detectJob?.result.catch(() => undefined);
      this.incremental?.close();
    }
  }

  private async follow(): Promise<FollowStatus> {
    const poll = (this.req.pollSeconds ?? 0.5) * 1000;
    try {
      while (!this.stopRequested) {
        const { batches, more } = await this.source.step(Date.now());
        for (const b of batches) await this.afterBatch(b);
        await this.maybeGeo(false);
        this.maybeDetect();
        if (!more && !this.stopRequested) await this.sleep(poll);
      }
      if (this.ctl.signal.aborted) return this.end('stopped');
      this.state = 'stopping';
      for (const b of await this.source.finish(this.stopReason ?? 'stopped'))
        await this.afterBatch(b);
      await this.finalSteps();
      return this.end('stopped');
    } catch (e) {
      if (e instanceof LimitReached) {
        this.limitReached = true;
        this.stopReason = e.message;
        this.note(`stopped: ${e.message}`);
        this.state = 'stopping';
        try {
          if (this.source instanceof FileSource) await this.source.file.finish(e.message, false);
          else await this.source.finish(e.message);
          await this.finalSteps();
        } catch (e2) {
          this.error = (e2 as Error).message;
          return this.end('failed');
        }
        return this.end('stopped');
      }
      if (this.ctl.signal.aborted || e instanceof CancelledError) return this.end('stopped');
      this.error = (e as Error).message;
      this.note(`failed: ${this.error}`);
      this.source.abandon();
      await this.detectJob?.result.catch(() => undefined);
      return this.end('failed');
    }
  }

  private end(state: 'stopped' | 'failed'): FollowStatus {
    this.state = state;
    return this.status();
  }

  /** What a batch sets off; `batches` counts a batch once all of it is done (retention too). */
  private async afterBatch(b: FollowBatch): Promise<void> {
    this.flows += b.flows;
    this.rejects += b.rejects;
    if (!this.imports.includes(b.importId)) this.imports.push(b.importId);
    if (b.toTs && (!this.newest || b.toTs > this.newest)) this.newest = b.toTs;
    this.geoDirty = this.geoDirty || b.flows > 0;
    if (b.flows > 0) {
      this.sinceDetect++;
      this.uncoveredSince ??= Date.now();
    }
    for (const l of this.batchListeners) {
      try {
        l(b);
      } catch (e) {
        this.note(`a batch listener failed: ${(e as Error).message}`);
      }
    }
    const r = this.req.retain;
    if (r?.onLimit === 'drop') {
      const d = await this.gate.run(() =>
        this.withConn((c) => dropOldWindows(c, r, this.windowSeconds())),
      );
      if (d) {
        // flows were deleted: the next detection run starts from the whole case again
        this.incremental?.invalidate();
        this.retention.drops++;
        this.retention.droppedFlows += d.flows;
        this.retention.cutoff = d.cutoff;
        this.retention.archivedAlerts = d.archivedAlerts;
        this.retention.archivedIncidents = d.archivedIncidents;
        this.note(
          `${d.reason}: dropped ${d.flows.toLocaleString('en-US')} flows before ${d.cutoff} UTC` +
            (d.alerts || d.incidents
              ? ` (${d.alerts} alerts and ${d.incidents} incidents archived)`
              : ''),
        );
      }
    }
    this.batches++;
  }

  private windowSeconds(): number {
    return this.opts.detection?.windowSeconds ?? 10;
  }

  private async withConn<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.store.connect();
    try {
      return await fn(c);
    } finally {
      c.closeSync();
    }
  }

  /** Country and AS of the case's addresses, rebuilt at most every geoEverySeconds. */
  private async maybeGeo(force: boolean): Promise<void> {
    if (this.req.noGeo || !this.geoDirty) return;
    const every = (this.req.geoEverySeconds ?? 30) * 1000;
    if (!force && Date.now() - this.lastGeo < every) return;
    this.geoDirty = false;
    this.lastGeo = Date.now();
    try {
      const g = await this.gate.run(() => this.withConn((c) => enrichGeo(c)));
      this.geo.runs++;
      this.geo.lastRunAt = new Date().toISOString();
      this.geo.addresses = g.addresses;
      this.geo.error = null;
    } catch (e) {
      this.geo.error = (e as Error).message.split('\n')[0];
      this.note(`country and AS not updated: ${this.geo.error}`);
    }
  }

  private detectionOn(): boolean {
    return this.req.detectEverySeconds !== undefined || this.req.detectEveryBatches !== undefined;
  }

  /** Starts a detection run when one is due and none is running (it runs beside the imports). */
  private maybeDetect(): void {
    if (!this.detectionOn() || this.detect.running || this.sinceDetect === 0) return;
    const byBatches =
      this.req.detectEveryBatches !== undefined && this.sinceDetect >= this.req.detectEveryBatches;
    const bySeconds =
      this.req.detectEverySeconds !== undefined &&
      Date.now() - this.lastDetect >= this.req.detectEverySeconds * 1000;
    if (byBatches || bySeconds) void this.runDetect();
  }

  /** How long the oldest batch that no finished run covers has waited (s). */
  private detectBehind(now: number): number {
    const since = [this.runningSince, this.uncoveredSince].filter((x): x is number => x !== null);
    return since.length ? Math.max(0, (now - Math.min(...since)) / 1000) : 0;
  }

  private async runDetect(): Promise<void> {
    this.detect.running = true;
    this.sinceDetect = 0;
    this.lastDetect = Date.now();
    // the run covers every batch committed before it starts
    this.runningSince = this.uncoveredSince;
    this.uncoveredSince = null;
    try {
      this.incremental ??= new IncrementalDetection(this.store, this.opts.detection ?? {});
      this.detectJob = this.incremental.run();
      const r = await this.detectJob.result;
      this.runningSince = null;
      this.detect.runs++;
      this.detect.lastRunAt = new Date().toISOString();
      this.detect.incidents = r.incidents;
      this.detect.alerts = r.alerts;
      this.detect.error = null;
      this.detect.lastMode = r.mode;
      this.detect.lastSeconds = r.seconds;
      this.detect.lastNewFlows = r.newFlows;
      this.detect.lastWindows = r.windowsRechecked;
      const how =
        r.mode === 'full'
          ? 'full'
          : `incremental: ${r.newFlows.toLocaleString('en-US')} new flows, ${r.windowsRechecked} windows again`;
      this.note(
        `detection run ${this.detect.runs}: ${r.alerts} alerts, ${r.incidents} incidents (${how}; ${r.seconds.toFixed(1)} s)`,
      );
      for (const l of this.detectionListeners) {
        try {
          l(r);
        } catch (e) {
          this.note(`a detection listener failed: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      // what the failed run would have covered waits for the next one
      if (this.runningSince !== null)
        this.uncoveredSince = Math.min(this.runningSince, this.uncoveredSince ?? Infinity);
      this.runningSince = null;
      if (!(e instanceof CancelledError)) {
        this.detect.error = (e as Error).message.split('\n')[0];
        this.note(`detection failed: ${this.detect.error}`);
      }
    } finally {
      this.detect.running = false;
      this.detectJob = null;
    }
  }

  /** At a graceful stop: the last country/AS update and, when asked for, a last detection run. */
  private async finalSteps(): Promise<void> {
    await this.detectJob?.result.catch(() => undefined);
    while (this.detect.running) await new Promise((r) => setTimeout(r, 20));
    await this.maybeGeo(true);
    const atStop = this.req.detectAtStop ?? this.detectionOn();
    if (atStop && (this.sinceDetect > 0 || this.detect.runs === 0) && this.flows > 0)
      await this.runDetect();
  }
}
