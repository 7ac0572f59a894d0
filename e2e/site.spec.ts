// The site settings from the workspace header, on the bundled sample: the dialog shows the
// internal networks in use and the suggestion with its evidence; saving other networks re-runs
// detection (the sample's internal scanner, now outside, becomes background scanning) and the
// INT/PUB marks follow; "Back to defaults" restores the sample's incidents.
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

const SCANNER = '192.168.100.96';

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'site');
  await app.start();
  page = app.page;
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 110_000 });
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
});

test.afterAll(async () => {
  await app?.stop();
});

const types = async () =>
  (await app.call<{ type: string; attacker: string | null }[]>('incidents')).map((i) =>
    `${i.type} ${i.attacker ?? ''}`.trim(),
  );
const scannerKind = async () =>
  (await app.call<{ kind: string; internal: boolean }>('host', SCANNER)).kind;

test('shows the internal networks in use and the suggestion with its evidence', async () => {
  await page.getByRole('button', { name: 'Site' }).click();
  const dialog = page.getByRole('dialog', { name: 'Site: internal networks' });
  await expect(dialog.getByTestId('site-current')).toContainText(
    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (netsift's defaults",
  );
  await expect(dialog.getByRole('region', { name: 'Suggested networks' })).toContainText(
    '192.168.100.0/24',
  );
  await app.shot('site-dialog');
});

test('saving other networks re-runs detection and the marks follow', async () => {
  expect(await types()).toContain(`vertical-scan ${SCANNER}`);
  const dialog = page.getByRole('dialog', { name: 'Site: internal networks' });
  await dialog.getByLabel('Internal networks').fill('192.168.1.0/24');
  await dialog.getByRole('button', { name: 'Save and re-run detection' }).click();
  await expect(dialog.getByTestId('site-rerun')).toContainText('detection re-run', {
    timeout: 60_000,
  });
  await app.shot('site-saved');
  // the workstations are outside now: their scans of the servers are the internet's background
  const after = await types();
  expect(after).not.toContain(`vertical-scan ${SCANNER}`);
  expect(after.some((t) => t.startsWith('background-scan'))).toBe(true);
  // the host panel and the grid's marks: outside now, named by its range
  expect(await scannerKind()).toBe('private');
  // closing after a change reloads the workspace: the grid's marks follow the new networks
  await dialog.getByRole('button', { name: 'Close dialog' }).click();
  const input = page.getByLabel('Filter', { exact: true });
  // outside the site now, marked by its range (not INT). The workspace reloads after the close: a
  // filter typed before that reload is lost with it, so it is typed again until the grid shows it
  await expect(async () => {
    await input.fill(`src ip ${SCANNER}`);
    await input.press('Enter');
    await expect(page.getByRole('gridcell', { name: `priv ${SCANNER}` }).first()).toBeVisible({
      timeout: 5_000,
    });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole('gridcell', { name: `int ${SCANNER}` })).toHaveCount(0);
  await app.shot('site-marks');
  await input.fill('');
  await input.press('Enter');
  await page.getByRole('button', { name: 'Site' }).click();
  await expect(page.getByTestId('site-current')).toContainText(
    '192.168.1.0/24 (set by the analyst)',
  );
  // a bad entry is refused with the engine's message, nothing changes
  await page.getByRole('textbox', { name: 'Internal networks' }).fill('192.168.1.0/24, campus');
  await page.getByRole('button', { name: 'Save and re-run detection' }).click();
  await expect(page.getByRole('alert')).toContainText('"campus" is not a network');
  await page.getByRole('button', { name: 'Back to defaults' }).click();
  await expect(page.getByTestId('site-rerun')).toContainText('detection re-run', {
    timeout: 60_000,
  });
  expect(await types()).toContain(`vertical-scan ${SCANNER}`);
  expect(await scannerKind()).toBe('internal');
  await app.shot('site-defaults');
});
