// Requests the renderer tags with `supersede` (src/shared/query.ts): a later request with the same
// tag cancels the one before it, in the engine (its DuckDB query is interrupted, see
// src/engine/query/cancel.ts), not only in the page that stops waiting for it. Tags carry the
// page's own id, so two windows never cancel each other's requests.
import { NetsiftError } from '../core/errors';

const MAX_TAG = 200;

export class Supersede {
  private readonly running = new Map<string, AbortController>();

  /** Runs `work` with a signal that aborts when a newer request takes the same tag (or cancel()). */
  async run<T>(
    tag: string | undefined,
    work: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (tag === undefined) return work(undefined);
    if (typeof tag !== 'string' || !tag || tag.length > MAX_TAG)
      throw new NetsiftError(`supersede must be a tag of 1 to ${MAX_TAG} characters`, 'usage');
    this.running.get(tag)?.abort();
    const mine = new AbortController();
    this.running.set(tag, mine);
    try {
      return await work(mine.signal);
    } finally {
      if (this.running.get(tag) === mine) this.running.delete(tag);
    }
  }

  /** Cancels the running requests of these tags (a pane that closed). */
  cancel(tags: readonly string[]): void {
    for (const t of tags) {
      this.running.get(t)?.abort();
      this.running.delete(t);
    }
  }

  /** Cancels everything (the case is closing). */
  cancelAll(): void {
    this.cancel([...this.running.keys()]);
  }
}
