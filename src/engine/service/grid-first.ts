// The flows grid's pages go first. Every query shares the machine's few cores (DuckDB spreads
// each one over all its threads), so a count, a chart or the alerts list started beside a page
// roughly doubles the time until the analyst sees rows. Background queries wait while a page is
// being read, for a bounded time so a long scroll never starves them.

export class GridFirst {
  private pages = 0;
  private idle: Promise<void> = Promise.resolve();
  private wake: () => void = () => undefined;

  constructor(private readonly maxWaitMs = 400) {}

  /** Runs a grid page; background work queued meanwhile starts when no page is running. */
  async page<T>(run: () => Promise<T>): Promise<T> {
    if (this.pages++ === 0) this.idle = new Promise((r) => (this.wake = r));
    try {
      return await run();
    } finally {
      if (--this.pages === 0) this.wake();
    }
  }

  /** Runs other work after the pages in flight (or after maxWaitMs, whichever comes first). */
  async background<T>(run: () => Promise<T>): Promise<T> {
    await this.quiet();
    return run();
  }

  /** Resolves when no page is being read (at once if none is), or after maxWaitMs. */
  async quiet(): Promise<void> {
    if (this.pages === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((r) => (timer = setTimeout(r, this.maxWaitMs)));
    await Promise.race([this.idle, waited]);
    clearTimeout(timer);
  }
}
