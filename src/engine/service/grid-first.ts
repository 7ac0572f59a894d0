// The flows grid's pages go first. Every query shares the machine's few cores (DuckDB spreads
// each one over all its threads), so a chart or the pair scatter started beside a page roughly
// doubles the time until the analyst sees rows. Heavy work waits for the pages being read when it
// asks, for a bounded time.
//
// Only those pages: pages that start later do not hold it up again. Under load (issue 15: 20
// analysts on one server) a page is nearly always being read, and "wait until no page runs" held
// every chart, count and alerts list for the full limit (400 ms) on every call.

export class GridFirst {
  /** The pages being read now (each settles when its page is answered or failed). */
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly maxWaitMs = 400) {}

  /** Runs a grid page; heavy work asking meanwhile starts once this page is done. */
  async page<T>(run: () => Promise<T>): Promise<T> {
    const p = run();
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    try {
      return await p;
    } finally {
      this.running.delete(settled);
    }
  }

  /** Runs other work after the pages in flight now (or after maxWaitMs, whichever comes first). */
  async background<T>(run: () => Promise<T>): Promise<T> {
    await this.quiet();
    return run();
  }

  /** Resolves when the pages in flight now are done (at once if none is), or after maxWaitMs. */
  async quiet(): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((r) => (timer = setTimeout(r, this.maxWaitMs)));
    await Promise.race([Promise.all([...this.running]), waited]);
    clearTimeout(timer);
  }
}
