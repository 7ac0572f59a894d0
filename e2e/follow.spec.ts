// "Follow a folder" end to end (issue 20) in Chromium against `netsift serve --grant DIR`: the
// workspace follows a granted folder, the test drops flow files into it as a collector would, and
// a new incident appears in the list with a toast, without a reload and without losing the
// analyst's selected incident; the status shows the lag; Stop ends it. Screenshots of each step go
// to test-results/screens/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

test.describe.configure({ mode: 'serial' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-e2e-follow-'));
const capture = path.join(dir, 'capture');
const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;
let app: NetsiftApp;
let page: Page;

/** Seed-format flows: office traffic, 10 a second from `start`; with `scanner`, it probes closed ports. */
function lines(start: number, n: number, scanner?: string): string {
  const out: string[] = [];
  const time = (s: number) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 19);
  for (let i = 0; i < n; i++) {
    const t = time(start + Math.floor(i / 10));
    if (scanner && i % 2 === 1)
      out.push(`${t},tcp,reset,${scanner},${40000 + i},192.168.1.9,${1000 + i},60,0`);
    else
      out.push(
        `${t},tcp,closed,192.168.100.${10 + (i % 30)},${20000 + i},192.168.1.${1 + (i % 5)},${[80, 443][i % 2]},${300 + (i % 50)},${1200 + (i % 300)}`,
      );
  }
  return out.map((l) => `${l}\n`).join('');
}

/** Writes a file as a collector does: under a temporary name, renamed into place when complete. */
function drop(name: string, text: string): void {
  const tmp = path.join(capture, `.${name}.part`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path.join(capture, name));
}

const incidentRows = () => page.locator('.incidents-pane .ag-row');
const gridRows = () =>
  page.evaluate(() =>
    (
      globalThis as unknown as { __flowsGrid: { getDisplayedRowCount(): number } }
    ).__flowsGrid.getDisplayedRowCount(),
  );
const flowsCount = async () =>
  Number(await page.getByTestId('flows-count').getAttribute('data-count'));

test.beforeAll(async () => {
  fs.mkdirSync(capture);
  // the first file is there before following starts: one scanner already at work
  drop('part-1.csv', lines(T0, 400, '192.168.100.66'));
  app = new NetsiftApp('browser', 'follow');
  await app.start(['--grant', capture, '--case', path.join(dir, 'live.duckdb')]);
  page = app.page;
});

test.afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('follows a granted folder chosen in the dialog', async () => {
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
  await page.getByRole('button', { name: 'Follow…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Follow a folder' });
  await expect(dialog).toBeVisible();
  // the only folder the page may follow is the granted one, chosen already
  await expect(dialog.getByRole('radio')).toHaveCount(1);
  await expect(dialog.getByRole('radio')).toBeChecked();
  await expect(dialog).toContainText(fs.realpathSync(capture));
  await dialog.getByLabel('Notify at or above').selectOption('medium');
  await app.shot('follow-dialog');
  await dialog.getByRole('button', { name: 'Follow', exact: true }).click();
  await expect(dialog).toBeHidden();
  const status = page.getByTestId('follow-status');
  await expect(status).toHaveAttribute('data-state', 'following');
  // the file that was there is imported and detected: its scanner's incident is listed
  await expect(incidentRows()).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('follow-detection')).toHaveText(/incidents current/, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('follow-lag')).toHaveText('caught up');
  await expect.poll(flowsCount, { timeout: 30_000 }).toBe(400);
  // the grid, empty when following began, holds them
  await expect.poll(gridRows, { timeout: 30_000 }).toBe(400);
  // the first detection found it new to the case: a toast says so; the analyst dismisses it
  const first = page.getByTestId('incident-toast').filter({ hasText: '192.168.100.66' });
  await expect(first).toContainText(
    /New (medium|high|critical) incident: \S*scan by 192\.168\.100\.66/,
  );
  await app.shot('following');
  await first.getByRole('button', { name: 'Dismiss' }).click();
  await expect(first).toBeHidden();
});

test('a new incident appears without a reload, the selection stays, a toast tells of it', async () => {
  // the analyst works on the first incident meanwhile
  await incidentRows().first().locator('[col-id="type"]').click();
  const chip = page.getByTestId('incident-chip');
  await expect(chip).toBeVisible();
  const chosen = await chip.textContent();
  await page.evaluate(() => ((globalThis as unknown as { __noReload: number }).__noReload = 1));

  // the collector writes the next files: quiet traffic, then another host scanning
  drop('part-2.csv', lines(T0 + 100, 300));
  drop('part-3.csv', lines(T0 + 200, 400, '192.168.100.77'));

  const toast = page.getByTestId('incident-toast').filter({ hasText: '192.168.100.77' });
  await expect(toast).toBeVisible({ timeout: 90_000 });
  await expect(toast).toContainText(
    /New (medium|high|critical) incident: \S*scan by 192\.168\.100\.77/,
  );
  await expect(incidentRows()).toHaveCount(2);
  await expect(page.locator('.incidents-pane')).toContainText('192.168.100.77');
  // nothing was reloaded and the analyst's incident is still the one selected
  expect(
    await page.evaluate(() => (globalThis as unknown as { __noReload?: number }).__noReload),
  ).toBe(1);
  await expect(chip).toHaveText(chosen!);
  await expect(page.locator('.incidents-pane .ag-row-selected')).toContainText('192.168.100.66');
  await app.shot('new-incident-toast');

  // the toast opens the new incident
  await toast.getByRole('button', { name: 'Open incident' }).click();
  await expect(page.locator('.incidents-pane .ag-row-selected')).toContainText('192.168.100.77');
  await expect(toast).toBeHidden();
  await app.shot('toast-opened');
});

test('the header counts the new flows, and Stop ends following', async () => {
  await expect(page.locator('.facts-line')).toContainText('1,100 flows', { timeout: 30_000 });
  // the flows grid of the selected incident counts its flows again as they arrive
  await page.getByTestId('follow-status').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('follow-status')).toHaveAttribute('data-state', 'stopped', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('follow-status')).toContainText('Stopped following');
  await app.shot('stopped');
  // a file dropped now stays out of the case
  drop('part-4.csv', lines(T0 + 300, 50));
  await page.waitForTimeout(3000);
  expect((await app.call<{ flows: number }>('caseInfo')).flows).toBe(1100);
});
