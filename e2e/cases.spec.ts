// Cases that never mix (issue 14 items 1-3) in Chromium against `netsift serve`: an upload while
// a case is open makes a new case and leaves the open one untouched; adding to the open case only
// on an explicit choice, with a warning; several files dropped at once are one job; the time
// zone chosen at import shows in the grid and the header. Screenshots go to test-results/screens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { CaseInfo, RecentCase } from '../src/shared/api';
import { NetsiftApp } from './helpers/netsift-app';

test.describe.configure({ mode: 'serial' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-e2e-files-'));
let app: NetsiftApp;
let page: Page;

/** Seed-format flows (zone-less timestamps) from `start`, one a second. */
function seed(name: string, start: string, n: number, host = 10): string {
  const t0 = Date.parse(`${start}Z`);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = new Date(t0 + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lines.push(
      `${ts},tcp,established,10.9.0.${host},${40000 + i},93.184.216.${1 + (i % 5)},443,${600 + i},${7000 + i}`,
    );
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A CTU-13 binetflow: Argus local times, no zone in the file. */
function binetflow(name: string): string {
  const head =
    'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label';
  const rows = [0, 1, 2, 3, 4].map(
    (i) =>
      `2011/08/10 09:46:5${i}.000000,0.5,tcp,147.32.84.${160 + i},${1027 + i},   ->,74.125.232.195,80,S_RA,0,0,2,120,60,flow=Background`,
  );
  const file = path.join(dir, name);
  fs.writeFileSync(file, [head, ...rows].join('\n') + '\n');
  return file;
}

const caseInfo = () => app.call<CaseInfo>('caseInfo');
const cases = () => app.call<RecentCase[]>('recentCases');

/** Drops files on the window as a browser would (a DataTransfer built in the page). */
async function dropFiles(files: string[]): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
  const dt = await page.evaluateHandle((items) => {
    // runs in the page: DataTransfer is the browser's
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(f: File): void } };
    };
    const d = new g.DataTransfer();
    for (const it of items) d.items.add(new File([it.text], it.name, { type: 'text/csv' }));
    return d;
  }, payload);
  for (const type of ['dragenter', 'dragover', 'drop'])
    await page.dispatchEvent('body', type, { dataTransfer: dt });
}

const dialog = () => page.getByRole('dialog', { name: 'Import files' });

/**
 * Waits for THIS import's summary: the one of the import before may still be on screen for a
 * moment after the click (a loaded machine showed it), so the target line is what is waited for.
 */
async function waitSummary(target: string): Promise<void> {
  await expect(page.getByTestId('import-target')).toHaveText(target, { timeout: 110_000 });
  await expect(page.getByTestId('import-summary')).toBeVisible();
}

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'cases');
  await app.start();
  page = app.page;
});

test.afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Home offers New case, Open case and the sample; the sample opens as a case', async () => {
  await expect(page.getByRole('button', { name: 'New case…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open case…' })).toBeVisible();
  await app.shot('home-empty');
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  await waitSummary('New case netsift-sample');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
  expect((await caseInfo()).flows).toBe(147537);
});

test('an upload while a case is open makes a new case and leaves the open one untouched', async () => {
  const sample = await caseInfo();
  const file = seed('office-capture.csv', '2024-03-01 10:00:00', 120);
  await page.getByRole('button', { name: 'netsift' }).first().click(); // Home, the sample still open
  await expect(page.getByRole('button', { name: 'Back to netsift-sample' })).toBeVisible();
  // browser mode's Open case…: the cases netsift knows, or a path in a granted folder
  await page.getByRole('button', { name: 'Open case…' }).click();
  const picker = page.getByRole('dialog', { name: 'Open case' });
  await expect(picker.getByRole('button', { name: 'netsift-sample' })).toBeVisible();
  await picker.getByLabel('Case file path').fill('/etc/passwd');
  await picker.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(picker.getByRole('alert')).toContainText('/etc/passwd: forbidden');
  await app.shot('open-case-dialog');
  await picker.getByRole('button', { name: 'Close dialog' }).click();
  await page.getByLabel('Files for a new case').setInputFiles(file);
  await expect(dialog()).toBeVisible();
  const row = dialog().locator('tr[data-file="office-capture.csv"]');
  await expect(row).toContainText('seed');
  await expect(page.getByLabel('New case name', { exact: true })).toHaveValue('office-capture');
  // the default is a new case; adding to the sample is a choice the analyst did not make
  await expect(dialog().getByRole('radio').first()).toBeChecked();
  await app.shot('import-dialog-new');
  await dialog().getByRole('button', { name: 'Import 1 file into a new case' }).click();
  await waitSummary('New case office-capture');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.locator('.case-name')).toHaveText('office-capture');
  const now = await caseInfo();
  expect(now.flows).toBe(120);
  expect(now.imports.map((i) => path.basename(i.path))).toEqual(['office-capture.csv']);
  // the sample is as it was
  const list = await cases();
  expect(list.find((c) => c.id === sample.id)?.flows).toBe(sample.flows);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(page.getByRole('main', { name: 'Home' })).toBeVisible();
  await expect(page.locator('tr[data-case="netsift-sample"]')).toContainText('147,537');
  await expect(page.locator('tr[data-case="office-capture"]')).toContainText('120');
  await app.shot('home-cases');
  await page
    .locator('tr[data-case="netsift-sample"]')
    .getByRole('button', { name: 'netsift-sample', exact: true })
    .click();
  await expect(page.locator('.case-name')).toHaveText('netsift-sample');
  expect((await caseInfo()).flows).toBe(sample.flows);
});

test('adds to the open case only on the explicit choice, with a warning when far apart', async () => {
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page
    .locator('tr[data-case="office-capture"]')
    .getByRole('button', { name: 'office-capture', exact: true })
    .click();
  await expect(page.locator('.case-name')).toHaveText('office-capture');
  const before = await caseInfo();
  const later = seed('same-office-later.csv', '2024-03-01 11:00:00', 30, 11);
  const old = seed('old-capture.csv', '2011-08-10 09:00:00', 25, 12);
  await dropFiles([later]);
  await expect(dialog()).toBeVisible();
  await expect(dialog().locator('tr[data-file="same-office-later.csv"]')).toContainText('seed');
  await dialog()
    .getByLabel(/Add to this case/)
    .check();
  await expect(page.getByTestId('import-warnings')).toHaveCount(0);
  await dialog().getByRole('button', { name: 'Add 1 file to office-capture' }).click();
  await waitSummary('Added to office-capture');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  const after = await caseInfo();
  expect(after.id).toBe(before.id);
  expect(after.flows).toBe(before.flows + 30);
  // a capture years apart: the dialog warns before anything is added
  await dropFiles([old]);
  await dialog()
    .getByLabel(/Add to this case/)
    .check();
  const warn = page.getByTestId('import-warnings');
  await expect(warn).toContainText(
    "old-capture.csv starts 2011-08-10, 13 years before this case's flows",
  );
  await app.shot('import-dialog-add-warning');
  // the analyst thinks again: a case of its own
  await dialog()
    .getByLabel(/New case named/)
    .check();
  await dialog().getByRole('button', { name: 'Import 1 file into a new case' }).click();
  await waitSummary('New case old-capture');
  expect((await cases()).find((c) => c.id === before.id)?.flows).toBe(before.flows + 30);
});

test('several files dropped at once are one import job with a row per file', async () => {
  const files = [1, 2, 3].map((i) =>
    seed(`branch-${i}.csv`, `2024-03-0${i} 08:00:00`, 40 + i, 20 + i),
  );
  await dropFiles(files);
  await expect(dialog()).toBeVisible();
  for (const f of files)
    await expect(dialog().locator(`tr[data-file="${path.basename(f)}"]`)).toContainText('seed');
  await dialog().getByLabel('New case name', { exact: true }).fill('branches');
  await app.shot('import-dialog-three');
  await dialog().getByRole('button', { name: 'Import 3 files into a new case' }).click();
  await waitSummary('New case branches');
  await expect(page.getByRole('heading', { name: 'Import 3 files' })).toBeVisible();
  const jobs =
    await app.call<
      { title: string; import?: { files: { name: string; status: string; flows: number }[] } }[]
    >('jobs');
  const job = jobs.filter((j) => j.title === 'Import 3 files').pop()!;
  expect(job.import!.files.map((f) => [f.name, f.status, f.flows])).toEqual([
    ['branch-1.csv', 'done', 41],
    ['branch-2.csv', 'done', 42],
    ['branch-3.csv', 'done', 43],
  ]);
  await app.shot('import-summary-three');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  const info = await caseInfo();
  expect(info.name).toBe('branches');
  expect(info.flows).toBe(126);
  expect(info.imports).toHaveLength(3);
});

test('a folder is imported file by file, hidden files left out', async () => {
  const folder = path.join(dir, 'day-of-logs');
  fs.mkdirSync(folder);
  const inFolder = [
    seed('day-of-logs/a-morning.csv', '2024-03-05 08:00:00', 11, 31),
    seed('day-of-logs/b-noon.csv', '2024-03-05 12:00:00', 12, 32),
  ];
  fs.writeFileSync(path.join(folder, '.hidden.csv'), 'not this\n');
  await dropFiles([seed('lone.csv', '2024-03-05 07:00:00', 10, 30)]);
  await expect(dialog().locator('tr[data-file="lone.csv"]')).toContainText('seed');
  await dialog().getByLabel('Add a folder to import').setInputFiles(folder);
  for (const f of inFolder)
    await expect(dialog().locator(`tr[data-file="${path.basename(f)}"]`)).toContainText('seed');
  await expect(dialog().locator('tr[data-file=".hidden.csv"]')).toHaveCount(0);
  await dialog().getByRole('button', { name: 'Import 3 files into a new case' }).click();
  await waitSummary('New case lone');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  const info = await caseInfo();
  expect(info.imports.map((i) => path.basename(i.path))).toEqual([
    'lone.csv',
    'a-morning.csv',
    'b-noon.csv',
  ]);
  expect(info.flows).toBe(33);
});

test('the time zone chosen at import shows in the grid and the header', async () => {
  const file = binetflow('local-times.binetflow');
  await dropFiles([file]);
  await expect(dialog().locator('tr[data-file="local-times.binetflow"]')).toContainText('argus');
  await expect(dialog().locator('tr[data-file="local-times.binetflow"]')).toContainText('none'); // no zone in the file
  await expect(page.getByTestId('zone-note')).toContainText(
    'local-times.binetflow: no time zone in its timestamps; read as UTC (assumed)',
  );
  await dialog().getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
  await expect(page.getByTestId('zone-note')).toContainText('read as Europe/Berlin');
  // the start is shown as it will land: 09:46:50 in Berlin (summer) is 07:46:50 UTC
  await expect(dialog().locator('tr[data-file="local-times.binetflow"]')).toContainText(
    '2011-08-10 07:46:50',
  );
  await app.shot('import-dialog-zone');
  await dialog().getByRole('button', { name: 'Import 1 file into a new case' }).click();
  await expect(page.getByTestId('import-zones')).toContainText(
    'Europe/Berlin (chosen at import): local-times.binetflow',
    { timeout: 110_000 },
  );
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByTestId('case-zone')).toHaveText('local times read as Europe/Berlin');
  const first = page.locator('.flows-pane .ag-row[row-index="0"] [col-id="ts"]');
  await expect(first).toHaveText('2011-08-10 07:46:50.000');
  await app.shot('workspace-zone-chosen');
  // without a choice the zone is assumed, and the header says so
  const again = binetflow('local-times-utc.binetflow');
  await dropFiles([again]);
  await expect(page.getByTestId('zone-note')).toContainText('read as UTC (assumed)');
  await dialog().getByRole('button', { name: 'Import 1 file into a new case' }).click();
  await expect(page.getByTestId('import-zones')).toContainText(
    'UTC (assumed: the files carry no zone): local-times-utc.binetflow',
    { timeout: 110_000 },
  );
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByTestId('case-zone')).toHaveText('local times read as UTC (assumed)');
  await expect(page.locator('.flows-pane .ag-row[row-index="0"] [col-id="ts"]')).toHaveText(
    '2011-08-10 09:46:50.000',
  );
  await app.shot('workspace-zone-assumed');
});

test('cases are renamed and deleted from Home, deletion after a confirmation', async () => {
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const row = page.locator('tr[data-case="branches"]');
  await row.getByRole('button', { name: 'Rename branches' }).click();
  await page.getByLabel('New name for branches').fill('three branches');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(page.locator('tr[data-case="three branches"]')).toBeVisible();
  await page
    .locator('tr[data-case="old-capture"]')
    .getByRole('button', { name: 'Delete old-capture' })
    .click();
  const confirm = page.getByRole('dialog', { name: 'Delete old-capture' });
  await expect(confirm).toContainText('It cannot be undone');
  await app.shot('home-confirm-delete');
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(page.locator('tr[data-case="old-capture"]')).toBeVisible();
  await page
    .locator('tr[data-case="old-capture"]')
    .getByRole('button', { name: 'Delete old-capture' })
    .click();
  await page
    .getByRole('dialog', { name: 'Delete old-capture' })
    .getByRole('button', { name: 'Delete case' })
    .click();
  await expect(page.locator('tr[data-case="old-capture"]')).toHaveCount(0);
  expect((await cases()).map((c) => c.name)).not.toContain('old-capture');
});
