// contract: case (src/shared/contracts/case.ts). Which case is open, the case list, new, rename,
// delete and save as. A case is named by its id from the case list or by a granted path.
import fs from 'node:fs';
import path from 'node:path';
import type { CaseInfo, RecentCase } from '../../shared/api';
import type { CaseApi } from '../../shared/contracts/case';
import { NetsiftError } from '../core/errors';
import {
  caseMoved,
  caseName,
  casesDir,
  findCase,
  forgetCase,
  listCases,
  safeCaseName,
} from './case-list';
import type { CaseSession } from './case-session';
import { realPath } from './path-grants';
import * as triageOps from './triage-ops';

export class CaseService implements CaseApi {
  constructor(private readonly s: CaseSession) {}

  caseInfo(): Promise<CaseInfo | null> {
    return this.s.caseInfo();
  }

  async openCase(ref: string): Promise<CaseInfo> {
    const file = this.resolveCase(ref);
    if (!fs.existsSync(file)) throw new NetsiftError(`${ref}: no such case file`, 'input');
    if (this.s.store?.path === file) return (await this.s.caseInfo())!; // already open: nothing to switch
    this.s.refuseWhileRunning();
    return this.s.openFile(file);
  }

  async createCase(nameOrPath: string): Promise<CaseInfo> {
    const file = this.caseFileFor(nameOrPath);
    if (fs.existsSync(file))
      throw new NetsiftError(
        `${caseName(file)}: a case of that name already exists; open it instead`,
        'input',
      );
    this.s.refuseWhileRunning();
    return this.s.openFile(file);
  }

  async closeCase(): Promise<void> {
    this.s.refuseWhileRunning(); // an import may be adding to the open case
    await this.s.leaveCase();
    this.s.publish({ type: 'case', info: null });
  }

  async recentCases(): Promise<RecentCase[]> {
    return listCases(this.s.store?.path ?? null);
  }

  async renameCase(ref: string, name: string): Promise<RecentCase[]> {
    const file = this.resolveCase(ref);
    if (!fs.existsSync(file)) throw new NetsiftError(`${ref}: no such case file`, 'input');
    this.s.refuseWhileRunning(); // a job may be writing this very case (a new one is listed already)
    const dest = path.join(path.dirname(file), `${safeCaseName(String(name ?? ''))}.duckdb`);
    if (dest === file) return this.recentCases();
    if (!this.s.grants.allows(dest, 'case'))
      throw new NetsiftError(
        `${dest}: forbidden: rename a case outside netsift's folders in your file manager`,
        'forbidden',
      );
    if (fs.existsSync(dest))
      throw new NetsiftError(`${caseName(dest)}: a case of that name already exists`, 'input');
    const wasOpen = this.s.store?.path === file;
    if (wasOpen) {
      await this.s.requireStore().run('CHECKPOINT');
      await this.s.leaveCase();
    }
    try {
      fs.renameSync(file, dest);
      if (fs.existsSync(`${file}.wal`)) fs.renameSync(`${file}.wal`, `${dest}.wal`);
    } catch (e) {
      if (wasOpen) await this.s.openFile(file);
      throw new NetsiftError(
        `${caseName(file)}: could not rename the case (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'case',
      );
    }
    caseMoved(file, dest);
    this.s.uploads.caseGone(file, dest);
    if (wasOpen) await this.s.openFile(dest);
    return this.recentCases();
  }

  async deleteCase(ref: string): Promise<RecentCase[]> {
    const file = this.resolveCase(ref);
    this.s.refuseWhileRunning(); // a job may be writing this very case (a new one is listed already)
    const entry = findCase(file, this.s.store?.path ?? null);
    if (this.s.store?.path === file) {
      await this.s.closeStore(); // not leaveCase: its figures are not to be remembered
      this.s.publish({ type: 'case', info: null });
    }
    if (entry?.managed ?? path.dirname(file) === realPath(casesDir())) {
      for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
      this.s.uploads.caseGone(file);
    }
    forgetCase(file);
    return this.recentCases();
  }

  async grantedFolders(): Promise<string[]> {
    return this.s.grants.folders();
  }

  async saveCaseAs(dest: string): Promise<CaseInfo> {
    const file = this.caseFileFor(dest);
    this.s.refuseWhileRunning();
    const src = this.s.requireStore().path;
    const info = await triageOps.saveCaseAs(
      this.s.requireStore(),
      file,
      () => this.s.closeStore(),
      (f) => this.s.openFile(f),
    );
    this.s.uploads.caseCopied(src, info.path);
    return info;
  }

  /** The case file `ref` names: an entry of the case list (by id), or a granted path. */
  private resolveCase(ref: unknown): string {
    if (typeof ref !== 'string' || !ref)
      throw new NetsiftError('name a case by its id from the case list', 'usage');
    const known = findCase(ref, this.s.store?.path ?? null);
    if (known) return known.path;
    return this.s.grants.check(ref, 'case', 'case');
  }

  /** A bare name is a case under NETSIFT_HOME/cases; a path must be granted. */
  /** A bare name is a case under NETSIFT_HOME/cases; a path must be granted. */
  caseFileFor(nameOrPath: unknown): string {
    if (typeof nameOrPath !== 'string' || !nameOrPath.trim())
      throw new NetsiftError('a case needs a name', 'usage');
    if (!/[\\/]/.test(nameOrPath))
      return path.join(casesDir(), `${safeCaseName(nameOrPath)}.duckdb`);
    return this.s.grants.check(
      nameOrPath.endsWith('.duckdb') ? nameOrPath : `${nameOrPath}.duckdb`,
      'case',
      'case',
    );
  }
}
