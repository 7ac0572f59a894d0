// Triage, report export, allow rules and the case lifecycle end to end on the bundled sample:
// triage the top incident, reload and find it as left, export an HTML report from the workspace
// (and download it), allow the scanner and re-run detection, and refuse a case from a newer
// netsift with a message. Screenshots go to test-results/screens/.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

// the sample's labelled top incident (resources/sample/netsift-sample.incidents.csv)
const SCANNER = '192.168.100.96';
const NOTE = 'Port scan from **the lab box**; ticket INC-4711.';

interface IncidentRow {
  id: number;
  key: string;
  type: string;
  attacker: string | null;
}

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;
let scannerKey = '';

test.beforeAll(async () => {
  app = new NetsiftApp();
  await app.start();
  page = app.page;
});

test.afterAll(async () => {
  await app?.stop();
});

const incidentCell = (row: number, col: string) => page.locator(`.incidents-pane .ag-row[row-index="${row}"] [col-id="${col}"]`);
const triagePane = () => page.getByRole('region', { name: 'Triage' });

test('opens the sample and triages the top incident: status and a note', async () => {
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 110_000 });
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(incidentCell(0, 'attacker')).toHaveText(SCANNER, { timeout: 30_000 });
  await incidentCell(0, 'type').click();
  await page.getByRole('tab', { name: 'Triage' }).click();
  await expect(triagePane().getByLabel('Status')).toHaveValue('new');
  await triagePane().getByLabel('Status').selectOption('confirmed');
  await expect(triagePane().getByTestId('audit-trail')).toContainText('status');
  await triagePane().getByLabel('Notes (Markdown)').fill(NOTE);
  await expect(triagePane().getByTestId('notes-state')).toHaveAttribute('data-state', 'dirty');
  await triagePane().getByRole('button', { name: 'Save', exact: true }).click();
  await expect(triagePane().getByTestId('notes-state')).toHaveAttribute('data-state', 'saved', { timeout: 30_000 });
  await triagePane().getByLabel('Add tag').fill('lab');
  await triagePane().getByLabel('Add tag').press('Enter');
  await expect(triagePane().getByLabel('Tags')).toContainText('lab');
  await triagePane().getByRole('tab', { name: 'Preview' }).click();
  await expect(triagePane().locator('.markdown strong')).toHaveText('the lab box');
  await app.shot('triage-confirmed');
});

test('a reload reopens the case where it was left: incident, tab, status, note, tags', async () => {
  // the workspace saves its view state shortly after a change
  await expect
    .poll(async () => (await app.call<{ selectedIncidentKey?: string; tab?: string }>('uiState')).tab, { timeout: 15_000 })
    .toBe('triage');
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Triage' })).toHaveAttribute('aria-selected', 'true', { timeout: 30_000 });
  await expect(triagePane().getByLabel('Status')).toHaveValue('confirmed', { timeout: 30_000 });
  await expect(triagePane().getByLabel('Notes (Markdown)')).toHaveValue(NOTE);
  await expect(triagePane().getByLabel('Tags')).toContainText('lab');
  await expect(triagePane()).toContainText(SCANNER);
  await expect(page.locator('.incidents-pane .ag-row-selected [col-id="attacker"]')).toHaveText(SCANNER);
  await app.shot('reopened-as-left');
});

test('exports an HTML report of the incident from the workspace and downloads it', async () => {
  await page.getByRole('button', { name: 'Export report' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export report' });
  await expect(dialog.getByLabel(/This incident/)).toBeChecked();
  await dialog.getByLabel(/HTML/).check();
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const result = dialog.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await app.shot('export-html');
  const file = (await result.getAttribute('data-path'))!;
  expect(path.dirname(file)).toBe(path.join(app.home, 'exports'));
  const html = fs.readFileSync(file, 'utf8');
  expect(html).toContain(SCANNER);
  expect(html).toContain('the lab box'); // the analyst's note travels with the report
  expect(html).toMatch(/confirmed/i);
  // self-contained: no external src/href/url() (SVG xmlns names are not requests)
  expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  expect(html).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
  expect(html).toContain('<svg');
  // the browser got the same file through the token-protected download route
  const saved = await (await download).path();
  expect(fs.readFileSync(saved, 'utf8')).toBe(html);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  // how the report reads (a screenshot to look at; the page is the file itself, offline)
  const report = await page.context().newPage();
  await report.goto(`file://${file}`);
  await expect(report.getByText(SCANNER).first()).toBeVisible();
  await report.screenshot({ path: path.join(path.dirname(await app.shot('after-export')), 'report-html.png'), fullPage: false });
  await report.close();
});

test('the download route needs a fresh ticket for that file and serves only exported files', async () => {
  const base = new URL(app.url);
  const name = path.basename(fs.readdirSync(path.join(app.home, 'exports'))[0]);
  const token = base.searchParams.get('token')!;
  const ticket = async (file: string) => {
    const r = await fetch(`${base.origin}/api/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netsift-token': token },
      body: JSON.stringify({ purpose: 'download', name: file }),
    });
    return ((await r.json()) as { result: { ticket: string } }).result.ticket;
  };
  const file = `${base.origin}/api/exports/${encodeURIComponent(name)}`;
  expect((await fetch(file)).status).toBe(401);
  // the session token is never taken from an address
  expect((await fetch(`${file}?token=${token}`)).status).toBe(401);
  const t = await ticket(name);
  expect((await fetch(`${file}?ticket=${t}`)).status).toBe(200);
  expect((await fetch(`${file}?ticket=${t}`)).status).toBe(401); // used up
  const outside = await fetch(
    `${base.origin}/api/exports/..%2Frecent.json?ticket=${await ticket('../recent.json')}`,
  );
  expect(outside.status).toBe(400);
});

test('an allow rule for the scanner, then re-running detection, suppresses its alerts and nothing more', async () => {
  const before = await app.call<IncidentRow[]>('incidents');
  expect(before[0].attacker).toBe(SCANNER);
  scannerKey = before[0].key;
  await triagePane().getByRole('button', { name: 'Allow…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Allow rule' });
  await expect(dialog.getByRole('textbox', { name: 'Host' })).toHaveValue(SCANNER);
  await dialog.getByLabel('Reason').fill('authorised scan from the lab');
  await dialog.getByRole('button', { name: 'Add rule' }).click();
  await expect(dialog.getByTestId('allow-added')).toContainText('re-run detection');
  await app.shot('allow-rule-added');
  await dialog.getByRole('button', { name: 'Re-run detection' }).click();
  const rerun = dialog.getByTestId('rerun-result');
  await expect(rerun).toBeVisible({ timeout: 110_000 });
  const suppressed = Number(await rerun.getAttribute('data-suppressed'));
  expect(suppressed).toBeGreaterThan(0);
  await expect(rerun).toContainText(`${suppressed} alert`);
  await app.shot('rerun-suppressed');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  const after = await app.call<IncidentRow[]>('incidents');
  expect(after.some((i) => i.attacker === SCANNER)).toBe(false);
  // the other attackers are still reported
  const others = new Set(before.filter((i) => i.attacker && i.attacker !== SCANNER).map((i) => i.attacker));
  for (const a of others) expect(after.some((i) => i.attacker === a)).toBe(true);
  await expect(incidentCell(0, 'attacker')).not.toHaveText(SCANNER, { timeout: 30_000 });

  // the rules list shows the rule; the triage of the silenced incident is still in the case
  await page.getByRole('button', { name: 'Allow rules' }).click();
  const rules = page.getByRole('dialog', { name: 'Allow rules' });
  await expect(rules.getByTestId('allow-rules')).toContainText(`host ${SCANNER}`);
  await expect(rules.getByTestId('allow-rules')).toContainText('authorised scan from the lab');
  await app.shot('allow-rules');
  await rules.getByRole('button', { name: 'Close allow rules' }).click();
  const t = await app.call<{ status: string }>('triage', before[0].key);
  expect(t.status).toBe('confirmed');
});

test('save as continues on a copy that holds the triage, the rules and the view', async () => {
  // a name: the copy is kept with netsift's cases (a path must be in a granted folder)
  const dest = path.join(app.home, 'cases', 'sift-copy.duckdb');
  await page.getByRole('button', { name: 'Save as…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save case as' });
  await dialog.getByLabel('New case name or path').fill('sift-copy');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.case-name')).toHaveText('sift-copy', { timeout: 60_000 });
  expect(fs.existsSync(dest)).toBe(true);
  expect((await app.call<{ path: string }>('caseInfo')).path).toBe(dest);
  await expect(page.getByRole('tab', { name: 'Triage' })).toHaveAttribute('aria-selected', 'true', { timeout: 30_000 });
  expect((await app.call<{ ip: string }[]>('allowRules')).map((r) => r.ip)).toEqual([SCANNER]);
  expect((await app.call<{ status: string; notes: string }>('triage', scannerKey)).notes).toBe(NOTE);
  await expect(incidentCell(0, 'attacker')).not.toHaveText(SCANNER, { timeout: 30_000 });
  await app.shot('saved-as-copy');
});

test('a case written by a newer netsift is refused with a clear message', async () => {
  const file = path.join(app.home, 'cases', 'from-the-future.duckdb');
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  await conn.run('CREATE TABLE schema_meta (version INTEGER NOT NULL, written_by VARCHAR NOT NULL, applied TIMESTAMP NOT NULL)');
  await conn.run("INSERT INTO schema_meta VALUES (999, '9.9.9', now()::TIMESTAMP)");
  conn.closeSync();
  db.closeSync();
  await page.getByRole('button', { name: 'netsift', exact: true }).click();
  await page.locator('tr[data-case="from-the-future"]').getByRole('button', { name: 'from-the-future', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('written by netsift 9.9.9', { timeout: 30_000 });
  await expect(page.getByRole('alert')).toContainText('Update netsift');
  await app.shot('newer-case-refused');
  // the case that was open is still open
  expect((await app.call<{ name: string } | null>('caseInfo'))?.name).toBe('sift-copy');
  // both cases are among the recent ones
  await expect(page.getByTestId('case-list')).toContainText('sift-copy');
  await expect(page.getByTestId('case-list')).toContainText('netsift-sample');
});
