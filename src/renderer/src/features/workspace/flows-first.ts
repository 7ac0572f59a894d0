// The flows grid's first rows go first. The renderer has one thread: when a selection changes,
// the alerts rows, the timeline's marks and the graph each take tens of milliseconds of it, and
// done at once they held the flows rows (what the analyst waits for) back by several hundred.
// Those panes wait here until the grid has painted its first page, or at most MAX_WAIT_MS.

const MAX_WAIT_MS = 500;

let waiting: Promise<void> | null = null;
let release: () => void = () => undefined;

/**
 * The grid asked for a new selection's first page. Call the function returned when that page is
 * in the grid (or failed); the other panes go once it is painted.
 */
export function flowsLoading(): () => void {
  release();
  let open!: () => void;
  const mine = new Promise<void>((r) => (open = r));
  const done = () => {
    if (waiting === mine) waiting = null;
    open();
  };
  waiting = mine;
  release = done;
  // ag-grid hands the rows to React, which renders them in tasks of its own: wait for the first
  // idle moment after the next frame, i.e. once the rows are on screen
  return () => requestAnimationFrame(() => requestIdleCallback(done, { timeout: MAX_WAIT_MS }));
}

/** Resolves once the grid's first rows are on screen (at once when it is not loading). */
export function afterFlowsRows(): Promise<void> {
  if (!waiting) return Promise.resolve();
  return Promise.race([waiting, new Promise<void>((r) => setTimeout(r, MAX_WAIT_MS))]);
}
