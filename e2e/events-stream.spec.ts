// The page keeps one event stream to the server, whatever the number of panes listening: each
// stream holds one of the browser's six connections to the server for as long as the page is
// open, and with three held (jobs, follow, toasts) a brush's six calls queued behind each other
// (issue 14: the pair scatter waited for the flows page to end before it was even sent).
import { expect, test } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

let app: NetsiftApp;

test.afterAll(async () => {
  await app?.stop();
});

test('one event stream for the whole page, and its events still come', async () => {
  test.skip(new NetsiftApp().mode === 'electron', 'Electron pushes events over IPC, not SSE');
  app = new NetsiftApp('browser', 'events-stream');
  await app.start(['--sample']);
  const page = app.page;
  // the streams open now, as the browser sees them (a dropped stream reconnects: a new one then)
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  // request id -> the document that opened it: the page before the reload may still open its
  // stream after Network.enable, and the browser does not report it ended when the reload drops
  // that document, so only the reloaded document's streams are counted
  const open = new Map<string, string>();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (new URL(e.request.url).pathname === '/api/events') open.set(e.requestId, e.loaderId);
  });
  cdp.on('Network.loadingFinished', (e) => open.delete(e.requestId));
  cdp.on('Network.loadingFailed', (e) => open.delete(e.requestId));
  const messages: string[] = [];
  cdp.on('Network.eventSourceMessageReceived', (m) => messages.push(m.data));
  await page.reload();
  await page.getByRole('button', { name: 'Open workspace' }).click({ timeout: 60_000 });
  await expect(page.locator('.incidents-pane .ag-row[row-index="0"]')).toBeVisible({
    timeout: 60_000,
  });
  // the panes that listen have mounted (the timeline marks the rest of the workspace as drawn)
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } })
        .document.body.dataset.timelineReady,
    null,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(1_000);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const mine = [...open.values()].filter((loader) => loader === frameTree.frame.loaderId);
  expect(mine).toHaveLength(1);
  // a detection run's job events come over that one stream
  const before = messages.length;
  await app.call('rerunDetection');
  await expect
    .poll(() => messages.slice(before).some((m) => m.includes('"type":"job"')), {
      timeout: 60_000,
    })
    .toBe(true);
});
