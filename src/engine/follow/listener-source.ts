// The NetFlow/IPFIX listener as a follower source: it receives and writes on its own timer
// (netflow-listener.ts); each step hands over the batches written since the last one.
import type { FollowBatch } from '../../shared/follow';
import type { FollowSourceRunner, SourceBacklog } from './follow-source';
import type { BatchResult } from './live-import';
import type { NetflowListener } from './netflow-listener';

export class ListenerSource implements FollowSourceRunner {
  private written: FollowBatch[] = [];
  private oldestQueued: number | null = null;

  constructor(readonly listener: NetflowListener) {
    listener.onBatch((b) => this.written.push(this.batch(b)));
  }

  get describe(): string {
    return this.listener.stats().listen;
  }

  private batch(b: BatchResult): FollowBatch {
    return {
      importId: b.importId,
      source: this.describe,
      flows: b.flows,
      rejects: b.rejects,
      fromTs: b.firstTs,
      toTs: b.lastTs,
      flowIds: b.flowIds,
    };
  }

  async step(): Promise<{ batches: FollowBatch[]; more: boolean }> {
    const limit = this.listener.limitReached();
    if (limit) throw limit;
    const out = this.written;
    this.written = [];
    return { batches: out, more: false };
  }

  async finish(reason: string): Promise<FollowBatch[]> {
    await this.listener.stop(reason);
    const out = this.written;
    this.written = [];
    return out;
  }

  abandon(): void {
    // the process ends: the datagrams waiting in memory are not written
  }

  backlog(now: number): SourceBacklog {
    const s = this.listener.stats();
    if (s.queued === 0) this.oldestQueued = null;
    else this.oldestQueued ??= now;
    return {
      oldestWaitingSince: this.oldestQueued,
      queuedFiles: 0,
      queuedBytes: 0,
      unreadBytes: 0,
    };
  }
}
