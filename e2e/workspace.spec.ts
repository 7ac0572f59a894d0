// The workspace end to end on the bundled sample: open it, find the port scan, drill to its flows,
// brush the timeline, use the filter bar, open the host panel. Screenshots of each step go to
// test-results/screens/.
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

// the sample's labelled top incident (resources/sample/netsift-sample.incidents.csv)
const SCANNER = '192.168.100.96';

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'workspace');
  await app.start();
  page = app.page;
});

test.afterAll(async () => {
  await app?.stop();
});

// NaN while the grid is still counting, so polls wait for a real number
const flowsCount = async () => {
  const v = await page.getByTestId('flows-count').getAttribute('data-count');
  return v && /^\d+$/.test(v) ? Number(v) : NaN;
};
const waitForCount = async () => {
  await expect(page.getByTestId('flows-count')).toHaveAttribute('data-count', /^\d+$/, { timeout: 30_000 });
  return flowsCount();
};
const incidentCell = (row: number, col: string) =>
  page.locator(`.incidents-pane .ag-row[row-index="${row}"] [col-id="${col}"]`);

test('opens the bundled sample from Home and shows the import summary', async () => {
  await expect(page.getByRole('button', { name: 'Open the sample capture' })).toBeVisible();
  await app.shot('home');
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  await expect(page.getByRole('progressbar').or(page.getByTestId('import-summary'))).toBeVisible();
  await app.shot('import-progress');
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 110_000 });
  await expect(page.getByTestId('import-summary')).toContainText('Flows');
  await app.shot('import-summary');
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
});

test('the top incident is the vertical port scan by the sample scanner', async () => {
  await expect(incidentCell(0, 'type')).toHaveText('vertical-scan', { timeout: 30_000 });
  await expect(incidentCell(0, 'attacker')).toHaveText(SCANNER);
  await waitForCount();
  await app.shot('workspace');
});

test('selecting it fills the flows grid with its flows and only those', async () => {
  const all = await waitForCount();
  const [top] = await app.call<{ id: number; type: string; attacker: string; flow_count: number }[]>('incidents');
  expect(top.type).toBe('vertical-scan');
  const expected = top.flow_count;
  expect(expected).toBeGreaterThan(0);
  await incidentCell(0, 'type').click();
  await expect(page.getByTestId('flows-count')).toHaveAttribute('data-count', String(expected), { timeout: 30_000 });
  expect(expected).toBeLessThan(all);
  // the grid itself holds exactly that many rows, and the loaded ones involve the scanner
  await expect
    .poll(() => page.evaluate(() => (globalThis as unknown as { __flowsGrid: { getDisplayedRowCount(): number } }).__flowsGrid.getDisplayedRowCount()))
    .toBe(expected);
  const firstSrc = page.locator('.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]');
  await expect(firstSrc).toContainText(SCANNER);
  const involved = await page.evaluate((ip) => {
    const rows: { src_ip: string; dst_ip: string }[] = [];
    (globalThis as unknown as { __flowsGrid: { forEachNode(f: (n: { data?: { src_ip: string; dst_ip: string } }) => void): void } }).__flowsGrid.forEachNode(
      (n) => n.data && rows.push(n.data),
    );
    return { loaded: rows.length, others: rows.filter((r) => r.src_ip !== ip && r.dst_ip !== ip).length };
  }, SCANNER);
  expect(involved.loaded).toBeGreaterThan(0);
  expect(involved.others).toBe(0);
  await expect(page.getByRole('region', { name: 'Alerts' }).locator('.ag-row').first()).toBeVisible();
  await app.shot('incident-selected');
});

test('brushing the timeline narrows the grid', async () => {
  // on the whole case: the selected incident's flows may lie outside the brushed range
  await page.keyboard.press('Escape');
  await expect(page.getByText(/incident #\d+/)).toHaveCount(0);
  const before = (await app.call<{ flows: number }>('caseInfo')).flows;
  await expect.poll(flowsCount, { timeout: 30_000 }).toBe(before);
  const chart = page.getByTestId('timeline-chart');
  const box = (await chart.boundingBox())!;
  const y = box.y + box.height * 0.5;
  await page.mouse.move(box.x + box.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.45, y, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.6, y, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: 'Clear time range' })).toBeVisible();
  await expect.poll(flowsCount, { timeout: 30_000 }).toBeLessThan(before);
  expect(await flowsCount()).toBeGreaterThan(0);
  await app.shot('timeline-brushed');
  await page.getByRole('button', { name: 'Clear time range' }).click();
  await expect.poll(flowsCount, { timeout: 30_000 }).toBe(before);
  // back to the scanner's incident for the specs that follow
  await incidentCell(0, 'type').click();
  const [top] = await app.call<{ flow_count: number }[]>('incidents');
  await expect.poll(flowsCount, { timeout: 30_000 }).toBe(top.flow_count);
});

test('the filter bar accepts a valid expression and rejects an invalid one', async () => {
  const before = await waitForCount();
  const input = page.getByLabel('Filter', { exact: true });
  await page.keyboard.press('/');
  await expect(input).toBeFocused();
  await input.fill('dst port in [22 80 443] and proto tcp');
  await input.press('Enter');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  await expect.poll(flowsCount, { timeout: 30_000 }).toBeLessThan(before);
  await app.shot('filter-valid');
  await input.fill('dst prot 22');
  await input.press('Enter');
  const err = page.getByTestId('filter-error');
  await expect(err).toBeVisible();
  await expect(err.locator('mark')).toHaveText('prot');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await app.shot('filter-invalid');
  await input.fill('');
  await input.press('Enter');
  await expect.poll(flowsCount, { timeout: 30_000 }).toBe(before);
});

test('the host panel opens from a cell', async () => {
  const cell = page.locator('.flows-pane .ag-row[row-index="0"] [col-id="src_ip"]');
  await cell.click({ button: 'right' });
  await page.getByRole('menuitem', { name: `Show host ${SCANNER}` }).click();
  const panel = page.getByTestId('host-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(`Host ${SCANNER}`);
  await expect(panel).toContainText('First seen');
  await expect(panel.getByRole('button', { name: /vertical-scan/ })).toBeVisible({ timeout: 30_000 });
  await app.shot('host-panel');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
});
