// Time to the first incident (issue 16) in Chromium against `netsift serve`: while an import's
// detection runs, the incidents of the detectors done so far are listed, saying how many detectors
// are still running; when the job is done the workspace opens on the run's own list.
import { expect, test, type Page } from '@playwright/test';
import type { Incident } from '../src/shared/model';
import { NetsiftApp } from './helpers/netsift-app';

let app: NetsiftApp;
let page: Page;

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'so-far');
  await app.start();
  page = app.page;
});

test.afterAll(async () => {
  await app?.stop();
});

test('incidents show while the remaining detectors run, then the workspace lists the same', async () => {
  // every state of the "so far" list the page showed, recorded in the page as it changes
  await page.evaluate(() => {
    // runs in the page: document and MutationObserver are the browser's
    interface El {
      textContent: string | null;
      querySelector(s: string): El | null;
      querySelectorAll(s: string): { length: number };
    }
    const g = globalThis as unknown as {
      __soFar: { text: string; rows: number }[];
      document: El & { body: unknown };
      MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void };
    };
    g.__soFar = [];
    new g.MutationObserver(() => {
      const el = g.document.querySelector('[data-testid="incidents-so-far"]');
      if (!el) return;
      const text = el.querySelector('.so-far-title')?.textContent ?? '';
      if (g.__soFar.at(-1)?.text !== text)
        g.__soFar.push({ text, rows: el.querySelectorAll('tbody tr').length });
    }).observe(g.document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  const soFar = page.getByTestId('incidents-so-far');
  await expect(soFar).toBeVisible({ timeout: 110_000 });
  await app.shot('incidents-so-far');
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 110_000 });
  const seen = await page.evaluate(
    () => (globalThis as unknown as { __soFar: { text: string; rows: number }[] }).__soFar,
  );
  // shown while detectors were still running, each list as long as it says
  const early = seen.filter((s) => /detectors? still running/.test(s.text));
  expect(early.length).toBeGreaterThan(0);
  expect(early[0].rows).toBeGreaterThan(0);
  for (const s of seen) expect(s.text).toMatch(new RegExp(`^${s.rows} incidents? so far`));
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
  const incidents = await app.call<Incident[]>('incidents');
  expect(incidents.length).toBeGreaterThanOrEqual(seen.at(-1)!.rows);
});
