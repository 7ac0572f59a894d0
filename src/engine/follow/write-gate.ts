// One writer at a time per open case. A follower writes batches, drops old windows and rebuilds
// address context while the same process (netsift serve hosting "Follow a folder") may import a
// file or re-run detection on the same case. DuckDB runs such transactions side by side, but
// flow ids are taken as max(id) + 1 inside each transaction: two imports committing together
// would number their flows alike. Every follower write goes through the gate of its case; the
// service runs its own imports through the same gate while a follower runs (writeGate(store)).
import type { CaseStore } from '../store/case-store';

export class WriteGate {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** Runs fn when every earlier holder is done; the next waits for fn (even if it fails). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    this.holders++;
    return before.then(fn).finally(() => {
      this.holders--;
      release();
    });
  }

  /** Writers holding or waiting for the gate. */
  get busy(): number {
    return this.holders;
  }
}

const gates = new WeakMap<object, WriteGate>();

/** The gate of the case `store` is open on (shared by every view of the same open case). */
export function writeGate(store: CaseStore): WriteGate {
  let g = gates.get(store.cacheScope);
  if (!g) {
    g = new WriteGate();
    gates.set(store.cacheScope, g);
  }
  return g;
}
