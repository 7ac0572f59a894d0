// "Drawn" as the analyst sees it: an element in the page and one frame painted with it. ag-grid
// reports its first data rendered before React has put the row elements in the page (its rows are
// React components committed in a task of their own), so work started on that event still ran
// ahead of the rows it was meant to follow (issue 16: the timeline's set-up, ~200 ms of the one
// thread, went in before the incident list's first row).

/**
 * Resolves once `selector` matches inside `root` and the next frame is painted, or after
 * `maxMs` whatever happened (a pane that never draws must not hold the others back).
 */
export function whenPainted(root: Element, selector: string, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      obs.disconnect();
      clearTimeout(timer);
      // after the frame that shows it: the next task once that frame is painted
      requestAnimationFrame(() => setTimeout(resolve));
    };
    const obs = new MutationObserver(() => root.querySelector(selector) && finish());
    const timer = setTimeout(finish, maxMs);
    obs.observe(root, { subtree: true, childList: true });
    if (root.querySelector(selector)) finish();
  });
}
