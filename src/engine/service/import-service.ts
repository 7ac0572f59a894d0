// contract: import (src/shared/contracts/import.ts). The one import job (into a new case, or
// added to the open case when the analyst chose so), the check before it, uploads, the bundled
// sample, and the rejected lines.
import fs from 'node:fs';
import path from 'node:path';
import type {
  CaseInfo,
  ImportCheck,
  ImportFileCheck,
  ImportRequest,
  ImportSummaryView,
  JobState,
} from '../../shared/api';
import type { ImportApi } from '../../shared/contracts/import';
import type { RejectsPage, RejectsRequest } from '../../shared/query';
import { NetsiftError } from '../core/errors';
import { rejectsPage } from '../query/index';
import { CaseStore } from '../store/case-store';
import { saveAppSettings } from './app-settings';
import { addWarnings } from './add-warnings';
import { caseName, casesDir, newCasePath, rememberCase, safeCaseName } from './case-list';
import type { CaseSession } from './case-session';
import { lookAtFile } from './import-check';
import { ImportRun, type ImportInput } from './import-job';
import { fileSize, resolveSources, sourcesTitle } from './import-sources';
import { checkTz, jobZones } from './zones';

const SAMPLE_FILE = 'sample/netsift-sample.csv.gz';

export class ImportService implements ImportApi {
  constructor(private readonly s: CaseSession) {}

  /** The bundled sample capture (not in the contract: openSample opens it). */
  samplePath(): string {
    return path.join(this.s.opts.resourcesDir, SAMPLE_FILE);
  }

  async checkImport(req: ImportRequest): Promise<ImportCheck> {
    const inputs = resolveSources(req, this.s.grants, this.s.uploads);
    const tz = checkTz(req.tz);
    const files: ImportFileCheck[] = [];
    for (const f of inputs) {
      const look = await lookAtFile(f.path, { format: req.format, tz });
      files.push({
        source: f.source,
        from: f.from,
        name: f.name,
        bytes: look.bytes,
        format: look.format,
        formatTitle: look.formatTitle,
        firstTs: look.firstTs,
        zoneless: look.zoneless,
        error: look.error,
      });
    }
    const info = req.target?.kind === 'open' ? await this.s.caseInfo() : null;
    const name = req.target?.kind === 'new' && req.target.name ? req.target.name : inputs[0].name;
    return {
      files,
      suggestedName: caseName(newCasePath(name)),
      warnings: info ? addWarnings(info, files) : [],
    };
  }

  async importFiles(req: ImportRequest): Promise<JobState> {
    const inputs = resolveSources(req, this.s.grants, this.s.uploads);
    const tz = checkTz(req.tz);
    const target = req.target ?? { kind: 'new' };
    if (target.kind !== 'new' && target.kind !== 'open')
      throw new NetsiftError('an import goes into a new case or the open case', 'usage');
    this.s.refuseWhileRunning();
    if (target.kind === 'open') {
      const store = this.s.requireStore();
      if (this.s.server)
        throw new NetsiftError(
          `${caseName(store.path)}: its flows are on ${this.s.server.describe().location}; ` +
            'import into the server with netsift import FILE --store URL',
          'usage',
        );
      if (this.s.following.following(store))
        throw new NetsiftError(
          'the case is following a folder: drop the files into that folder, or stop following first',
          'usage',
        );
      if (store.readOnly)
        throw new NetsiftError(
          `${store.path}: the case is open read-only; cannot import into it`,
          'case',
        );
      return this.startImport(inputs, { kind: 'open' }, tz, req.format, sourcesTitle(req, inputs));
    }
    const file = target.name
      ? path.join(casesDir(), `${safeCaseName(target.name)}.duckdb`)
      : newCasePath(inputs[0].name);
    if (fs.existsSync(file))
      throw new NetsiftError(
        `${caseName(file)}: a case of that name already exists; choose another name`,
        'input',
      );
    return this.startImport(
      inputs,
      { kind: 'new', file },
      tz,
      req.format,
      sourcesTitle(req, inputs),
    );
  }

  async discardUploads(ids: string[]): Promise<void> {
    if (!Array.isArray(ids))
      throw new NetsiftError('discardUploads takes a list of upload ids', 'usage');
    this.s.uploads.discard(ids);
  }

  async openSample(): Promise<JobState> {
    const sample = this.samplePath();
    if (!fs.existsSync(sample))
      throw new NetsiftError(`${sample}: the bundled sample capture is missing`, 'input');
    this.s.refuseWhileRunning();
    const casePath = path.join(casesDir(), 'netsift-sample.duckdb');
    if (fs.existsSync(casePath)) {
      // reopen the analysed sample instead of importing it again
      const info = await this.s.openFile(casePath);
      if (info.flows > 0 && info.analyzed)
        return this.s.registry.start('import', 'Open sample', async () => this.summary(info));
      await this.s.closeStore();
      fs.rmSync(casePath, { force: true });
      fs.rmSync(`${casePath}.wal`, { force: true });
    }
    saveAppSettings({ sampleOpened: true });
    return this.startImport(
      [{ path: sample, name: path.basename(sample), bytes: fileSize(sample), upload: null }],
      { kind: 'new', file: casePath },
      null,
      undefined,
    );
  }

  async rejects(req: RejectsRequest): Promise<RejectsPage> {
    return rejectsPage(this.s.requireStore(), req);
  }

  /**
   * The one import job: into a new case file (imported on its own connection while the open case
   * stays open and untouched, then opened) or into the open case (the analyst chose to add).
   */
  private async startImport(
    inputs: (ImportInput & { upload: string | null })[],
    target: { kind: 'new'; file: string } | { kind: 'open' },
    tz: string | null,
    format: string | undefined,
    named = inputs.length === 1 ? inputs[0].name : `${inputs.length} files`,
  ): Promise<JobState> {
    const s = this.s;
    const store =
      target.kind === 'open'
        ? s.requireStore()
        : await CaseStore.open(target.file, { threads: s.opts.threads });
    const unpin = inputs.filter((f) => f.upload).map((f) => s.uploads.pin(f.upload!));
    const title = `Import ${named}`;
    return s.registry.start('import', title, async (ctx) => {
      const t0 = Date.now();
      const dropNew = () => {
        if (target.kind !== 'new') return;
        store.close();
        for (const f of [target.file, `${target.file}.wal`]) fs.rmSync(f, { force: true });
      };
      try {
        let result;
        try {
          result = await new ImportRun(
            s.opts.ops,
            store,
            inputs,
            tz,
            format,
            ctx,
            {
              kind: target.kind,
              caseName: caseName(target.kind === 'new' ? target.file : store.path),
            },
            target.kind === 'new',
          ).run();
        } catch (e) {
          dropNew();
          throw e;
        }
        const failed = result.files
          .filter((f) => f.status === 'failed')
          .map((f) => ({ name: f.name, error: f.error ?? 'failed' }));
        if (!result.importIds.length) {
          dropNew();
          throw new NetsiftError(
            failed.map((f) => `${f.name}: ${f.error}`).join('\n') || 'nothing was imported',
            'input',
          );
        }
        const casePath = target.kind === 'new' ? target.file : store.path;
        for (const f of inputs) if (f.upload) s.uploads.markUsed(f.upload, casePath);
        let info: CaseInfo;
        if (target.kind === 'new') {
          store.close();
          info = await s.openFile(target.file);
        } else {
          info = (await s.caseInfo())!;
          rememberCase(info);
          s.publish({ type: 'case', info });
        }
        const rejects = await s
          .requireStore()
          .one<{ n: number }>('SELECT count(*) AS n FROM rejects');
        return {
          caseId: info.id,
          caseName: info.name,
          casePath: info.path,
          target: target.kind,
          zones: jobZones(result.files),
          failed,
          imports: info.imports.filter((i) => result.importIds.includes(i.id)),
          flows: info.flows,
          added: result.added,
          rejects: rejects?.n ?? 0,
          firstTs: info.firstTs,
          lastTs: info.lastTs,
          incidents: info.incidents,
          seconds: (Date.now() - t0) / 1000,
        };
      } finally {
        for (const u of unpin) u();
      }
    });
  }

  /** A summary of a case opened as it is (the sample, already analysed). */
  private async summary(info: CaseInfo): Promise<ImportSummaryView> {
    const rejects = await this.s
      .requireStore()
      .one<{ n: number }>('SELECT count(*) AS n FROM rejects');
    return {
      caseId: info.id,
      caseName: info.name,
      casePath: info.path,
      target: 'new',
      zones: info.zones,
      failed: [],
      imports: info.imports,
      flows: info.flows,
      added: 0,
      rejects: rejects?.n ?? 0,
      firstTs: info.firstTs,
      lastTs: info.lastTs,
      incidents: info.incidents,
      seconds: 0,
    };
  }
}
