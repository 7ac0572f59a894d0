// A followed growing text file as a follower source (the work is in growing-file.ts).
import type { FollowBatch } from '../../shared/follow';
import type { CaseStore } from '../store/case-store';
import type { FollowSourceRunner, SourceBacklog } from './follow-source';
import { GrowingFile, type GrowingFileOptions } from './growing-file';
import type { BatchResult } from './live-import';

export class FileSource implements FollowSourceRunner {
  readonly file: GrowingFile;

  constructor(store: CaseStore, abs: string, opts: GrowingFileOptions) {
    this.file = new GrowingFile(store, abs, opts);
  }

  get describe(): string {
    return `file ${this.file.path}`;
  }

  private batch(b: BatchResult): FollowBatch {
    return {
      importId: b.importId,
      source: this.file.path,
      flows: b.flows,
      rejects: b.rejects,
      fromTs: b.firstTs,
      toTs: b.lastTs,
      flowIds: b.flowIds,
    };
  }

  async step(now: number): Promise<{ batches: FollowBatch[]; more: boolean }> {
    const r = await this.file.step(now);
    return { batches: r.batches.map((b) => this.batch(b)), more: r.more };
  }

  async finish(reason: string): Promise<FollowBatch[]> {
    const b = await this.file.finish(reason);
    return b ? [this.batch(b)] : [];
  }

  abandon(): void {
    this.file.abandon();
  }

  backlog(): SourceBacklog {
    const s = this.file.status();
    return {
      oldestWaitingSince: s.behindSince,
      queuedFiles: 0,
      queuedBytes: 0,
      // an unfinished last line is the writer's, not ours: it is not lag
      unreadBytes: Math.max(0, s.size - s.offset - s.partialBytes),
    };
  }
}
