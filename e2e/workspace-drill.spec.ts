// The workspace as a daily tool, end to end on the bundled sample: drill from an alert to exactly
// its flows (compared with the engine's own selection of the alert's evidence), its features
// against thresholds, the triage status filter, Back and Forward through selections and filters
// without leaving the app, pane sizes kept across a reload, and the light theme. Screenshots go
// to test-results/screens/ (workspace-drill-*).
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

interface Incident {
  id: number;
  key: string;
  type: string;
  attacker: string | null;
  victims: string[];
  flow_count: number;
  evidence: unknown;
}
interface Alert {
  id: number;
  detector: string;
  flow_count: number;
  window_start: string;
  window_end: string;
  features: { name: string; value: number; threshold?: number }[];
  evidence: unknown;
}
type Grid = {
  getDisplayedRowCount(): number;
  ensureIndexVisible(i: number, pos?: string): void;
  forEachNode(f: (n: { data?: { id: number } }) => void): void;
};

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;
let incidents: Incident[] = [];
/** Files the page asked for that the server did not have (the favicon was one). */
const missing: string[] = [];

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'workspace-drill');
  await app.start();
  page = app.page;
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/api/'))
      missing.push(`${r.status()} ${r.url()}`);
  });
});

test.afterAll(async () => {
  await app?.stop();
});

const incidentRow = (id: number) =>
  page.locator(`.incidents-pane .ag-row[row-id="${id}"] [col-id="type"]`);

/** Every flow id the flows grid holds, scrolled block by block until it has loaded all its rows. */
async function gridIds(expected: number): Promise<number[]> {
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          (globalThis as unknown as { __flowsGrid: Grid }).__flowsGrid.getDisplayedRowCount(),
        ),
      { timeout: 30_000 },
    )
    .toBe(expected);
  const loaded = () =>
    page.evaluate(() => {
      let n = 0;
      (globalThis as unknown as { __flowsGrid: Grid }).__flowsGrid.forEachNode(
        (x) => x.data && n++,
      );
      return n;
    });
  const stops = [
    ...Array.from({ length: Math.ceil(expected / 150) }, (_, k) => k * 150),
    expected - 1,
  ];
  for (const i of stops) {
    if ((await loaded()) >= expected) break;
    await page.evaluate(
      (k) =>
        (globalThis as unknown as { __flowsGrid: Grid }).__flowsGrid.ensureIndexVisible(k, 'top'),
      i,
    );
    await expect
      .poll(
        () =>
          page.evaluate(
            (k) =>
              (
                globalThis as unknown as {
                  __flowsGrid: {
                    getDisplayedRowAtIndex(i: number): { data?: unknown } | undefined;
                  };
                }
              ).__flowsGrid.getDisplayedRowAtIndex(k)?.data != null,
            i,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
  }
  await expect.poll(loaded, { timeout: 30_000 }).toBe(expected);
  return page.evaluate(() => {
    const ids: number[] = [];
    (globalThis as unknown as { __flowsGrid: Grid }).__flowsGrid.forEachNode(
      (x) => x.data && ids.push(x.data.id),
    );
    return ids.sort((a, b) => a - b);
  });
}

/** The engine's own selection of a selector's flows (at most 10,000). */
async function engineRows(
  selector: unknown,
): Promise<{ id: number; src_ip: string; dst_ip: string }[]> {
  const page1 = await app.call<{ rows: { id: number; src_ip: string; dst_ip: string }[] }>(
    'flows',
    { selector, offset: 0, limit: 10_000 },
  );
  return page1.rows;
}
const engineIds = async (selector: unknown) =>
  (await engineRows(selector)).map((r) => r.id).sort((a, b) => a - b);

test('opens the sample', async () => {
  await page.getByRole('button', { name: 'Open the sample capture' }).click();
  await expect(page.getByTestId('import-summary')).toBeVisible({ timeout: 110_000 });
  await page.getByRole('button', { name: 'Open workspace' }).click();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
  incidents = await app.call<Incident[]>('incidents');
  expect(incidents.length).toBeGreaterThan(2);
  await expect(incidentRow(incidents[0].id)).toBeVisible({ timeout: 30_000 });
});

test('selecting an alert selects exactly its evidence flows, frames its window and shows its features', async () => {
  // an alert with thresholds that selects fewer flows than its incident (so the drill shows)
  let chosen: { inc: Incident; alerts: Alert[]; at: number } | null = null;
  for (const inc of incidents) {
    const alerts = await app.call<Alert[]>('alerts', inc.id);
    const at = alerts.findIndex(
      (a) =>
        a.flow_count > 0 &&
        a.flow_count < inc.flow_count &&
        a.flow_count <= 2000 &&
        a.features.some((f) => (f.threshold ?? 0) > 0),
    );
    if (alerts.length >= 2 && at >= 0) {
      chosen = { inc, alerts, at };
      break;
    }
  }
  expect(chosen, 'an incident with an alert narrower than itself').not.toBeNull();
  const { inc, alerts, at } = chosen!;
  await incidentRow(inc.id).click();
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(inc.flow_count),
    { timeout: 30_000 },
  );
  const alertRow = (id: number) =>
    page.locator(`.alerts-pane .ag-row[row-id="${id}"] [col-id="detector"]`);
  const first = alerts[at];
  await alertRow(first.id).click();
  await expect(page.getByTestId('alert-chip')).toHaveText(new RegExp(`alert #${first.id}`));
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${inc.id}`);
  const expected = await engineIds(first.evidence);
  expect(expected.length).toBe(first.flow_count);
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(expected.length),
    { timeout: 30_000 },
  );
  expect(await gridIds(expected.length)).toEqual(expected);
  // its window framed on the timeline, its features against their thresholds in the detail panel
  await expect(page.getByTestId('timeline')).toHaveAttribute(
    'data-alert-frame',
    `${first.window_start}/${first.window_end}`,
  );
  const detail = page.getByTestId('alert-detail');
  await expect(detail).toBeVisible();
  const table = detail.getByRole('table', { name: 'Features against thresholds' });
  for (const f of first.features) await expect(table).toContainText(f.name);
  // a bar with its threshold marked for each feature that has a threshold
  const thresholds = first.features.filter((f) => f.threshold != null && f.threshold > 0).length;
  await expect(table.locator('.fbar .mark')).toHaveCount(thresholds);
  await app.shot('alert-detail');

  // keyboard: up and down move through the alerts (in the list's order); above the first alert
  // is the whole incident again
  await page.getByRole('heading', { name: 'Flows' }).click(); // focus leaves the grids and inputs
  const step = at + 1 < alerts.length ? 1 : -1;
  const next = alerts[at + step];
  await page.keyboard.press(step > 0 ? 'ArrowDown' : 'ArrowUp');
  await expect(page.getByTestId('alert-chip')).toHaveText(new RegExp(`alert #${next.id}`));
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(next.flow_count),
    { timeout: 30_000 },
  );
  await alertRow(alerts[0].id).click();
  await expect(page.getByTestId('alert-chip')).toHaveText(new RegExp(`alert #${alerts[0].id}`));
  await page.getByRole('heading', { name: 'Flows' }).click();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('alert-chip')).toHaveCount(0);
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(inc.flow_count),
    { timeout: 30_000 },
  );

  // one click on the incident's chip goes back to the whole incident
  await alertRow(first.id).click();
  await expect(page.getByTestId('alert-chip')).toBeVisible();
  await page
    .getByTestId('incident-chip')
    .getByRole('button', { name: `incident #${inc.id}` })
    .click();
  await expect(page.getByTestId('alert-chip')).toHaveCount(0);
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(inc.flow_count),
    { timeout: 30_000 },
  );
});

test('a victim in the detail panel drills to the flows with that host in the incident', async () => {
  const inc = incidents.find(
    (i) => i.flow_count < 10_000 && i.victims.filter((v) => v !== i.attacker).length > 0,
  )!;
  await incidentRow(inc.id).click();
  await expect(page.getByTestId('incident-detail')).toBeVisible();
  const victim = inc.victims.find((v) => v !== inc.attacker)!;
  await page
    .getByTestId('incident-detail')
    .getByRole('button', { name: victim, exact: true })
    .click();
  await expect(page.getByTestId('drill-chip')).toContainText(`host ${victim}`);
  // the incident's flows that involve the victim, as the engine selects the incident's evidence
  const expected = (await engineRows(inc.evidence))
    .filter((r) => r.src_ip === victim || r.dst_ip === victim)
    .map((r) => r.id)
    .sort((a, b) => a - b);
  expect(expected.length).toBeGreaterThan(0);
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(expected.length),
    { timeout: 30_000 },
  );
  if (expected.length <= 2000) expect(await gridIds(expected.length)).toEqual(expected);
  await page.getByTestId('drill-chip').getByRole('button', { name: 'Clear drill' }).click();
  await expect(page.getByTestId('flows-count')).toHaveAttribute(
    'data-count',
    String(inc.flow_count),
    { timeout: 30_000 },
  );
});

test('a click on a victim in the graph pivots to that host: its flows in the incident and its host panel', async () => {
  const inc = incidents.find(
    (i) =>
      i.flow_count < 10_000 && i.attacker && i.victims.filter((v) => v !== i.attacker).length >= 2,
  )!;
  await incidentRow(inc.id).click();
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${inc.id}`);
  const graph = page.getByTestId('incident-graph').locator('.chart');
  await expect(graph).toBeVisible();
  await page.waitForTimeout(500); // drawn after the flows grid's first rows
  // the graph draws its nodes where its layout puts them, in pixels of the chart's box
  const box = (await graph.boundingBox())!;
  const nodes = JSON.parse(
    (await page.getByTestId('incident-graph').getAttribute('data-nodes'))!,
  ) as { name: string; x: number; y: number; kind: string }[];
  const victim = nodes.find((n) => n.kind === 'victim')!;
  await page.mouse.click(box.x + victim.x, box.y + victim.y);
  await expect(page.getByTestId('drill-chip')).toContainText(`host ${victim.name}`);
  await expect(page.getByTestId('host-panel')).toContainText(`Host ${victim.name}`);
  const expected = (await engineRows(inc.evidence)).filter(
    (r) => r.src_ip === victim.name || r.dst_ip === victim.name,
  ).length;
  await expect(page.getByTestId('flows-count')).toHaveAttribute('data-count', String(expected), {
    timeout: 30_000,
  });
  await app.shot('graph-pivot');
  await page.keyboard.press('Escape'); // the host panel
  await page.keyboard.press('Escape'); // the drill
  await expect(page.getByTestId('drill-chip')).toHaveCount(0);
});

test('the status filter hides closed and false-positive incidents until asked, with counts per status', async () => {
  const target = incidents[1];
  const filter = page.getByRole('group', { name: 'Status filter' });
  const shown = async () => Number(await page.getByTestId('incidents-count').textContent());
  await expect.poll(shown).toBe(incidents.length);
  await expect(filter.getByRole('button', { name: /^New/ })).toContainText(
    String(incidents.length),
  );
  await incidentRow(target.id).click();
  await page.getByRole('tab', { name: 'Triage' }).click();
  await page
    .getByRole('region', { name: 'Triage' })
    .getByLabel('Status')
    .selectOption('false-positive');
  // gone from the list, counted under its status
  await expect(incidentRow(target.id)).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(shown).toBe(incidents.length - 1);
  await expect(filter.getByRole('button', { name: /^False positive/ })).toContainText('1');
  await expect(filter.getByRole('button', { name: /^False positive/ })).toHaveAttribute(
    'aria-pressed',
    'false',
  );
  // one click shows everything
  await filter.getByRole('button', { name: /show all/ }).click();
  await expect(incidentRow(target.id)).toBeVisible();
  await expect(
    page.locator(`.incidents-pane .ag-row[row-id="${target.id}"] [col-id="status"]`),
  ).toHaveText('False positive');
  await expect.poll(shown).toBe(incidents.length);
  await app.shot('status-filter-all');
  await filter.getByRole('button', { name: 'hide closed' }).click();
  await expect(incidentRow(target.id)).toHaveCount(0);
  await page.getByRole('tab', { name: 'Graph' }).click();
});

test('Back and Forward walk selections and filters, and Back never leaves the app', async () => {
  const [a, b] = [incidents[0], incidents[2]];
  const origin = new URL(page.url()).origin;
  await incidentRow(a.id).click();
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${a.id}`);
  await incidentRow(b.id).click();
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${b.id}`);
  const input = page.getByLabel('Filter', { exact: true });
  await input.fill('proto tcp');
  await input.press('Enter');
  await expect(input).toHaveValue('proto tcp');
  await page.getByRole('heading', { name: 'Flows' }).click(); // focus leaves the grids and inputs

  await page.goBack();
  await expect(input).toHaveValue('');
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${b.id}`);
  await page.goBack();
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${a.id}`);
  await page.goForward();
  await expect(page.getByTestId('incident-chip')).toContainText(`incident #${b.id}`);
  await page.getByRole('button', { name: 'Forward' }).click();
  await expect(input).toHaveValue('proto tcp');
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await expect(input).toHaveValue('');

  // undo of the last filter change, apart from Back
  await input.fill('proto udp');
  await input.press('Enter');
  await expect(input).toHaveValue('proto udp');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(input).toHaveValue('');

  // far more Backs than places: still the app, on its first place
  for (let i = 0; i < 12; i++) await page.goBack();
  expect(new URL(page.url()).origin).toBe(origin);
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Forward' })).toBeVisible();
});

test('pane sizes are kept in the case across a reload', async () => {
  const left = page.getByTestId('left-column');
  const before = (await left.boundingBox())!.width;
  const handle = page.getByRole('separator', { name: 'Resize left column' });
  const h = (await handle.boundingBox())!;
  await page.mouse.move(h.x + h.width / 2, h.y + 200);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 + 60, h.y + 200, { steps: 4 });
  await page.mouse.move(h.x + h.width / 2 + 120, h.y + 200, { steps: 4 });
  await page.mouse.up();
  const after = (await left.boundingBox())!.width;
  expect(after).toBeGreaterThan(before + 100);
  const timeline = page.getByRole('separator', { name: 'Resize timeline' });
  await timeline.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  const tlHeight = Number(await timeline.getAttribute('aria-valuenow'));
  await expect
    .poll(
      async () =>
        (await app.call<{ panes?: { left?: number; timeline?: number } }>('uiState')).panes?.left,
      { timeout: 15_000 },
    )
    .toBe(Math.round(after));
  await expect
    .poll(
      async () => (await app.call<{ panes?: { timeline?: number } }>('uiState')).panes?.timeline,
      { timeout: 15_000 },
    )
    .toBe(tlHeight);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Incidents' })).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(async () => Math.round((await page.getByTestId('left-column').boundingBox())!.width))
    .toBe(Math.round(after));
  await expect(page.getByRole('separator', { name: 'Resize timeline' })).toHaveAttribute(
    'aria-valuenow',
    String(tlHeight),
  );
});

test('follows a light system preference, with grids and charts, and toggles', async () => {
  await incidentRow(incidents[0].id).click();
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const bg = () =>
    page
      .locator('.flows-pane .ag-root-wrapper')
      .evaluate(
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      );
  await expect.poll(bg).toBe('rgb(255, 255, 255)');
  await expect(page.locator('.timeline-pane .chart')).toHaveAttribute('data-theme', 'light');
  await expect(page.locator('.graph-box .chart')).toHaveAttribute('data-theme', 'light');
  await page.waitForTimeout(300); // the charts' redraw after the theme change
  await app.shot('light-theme');
  // the toggle overrides the system: Light -> Dark
  const toggle = page.locator('.theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme-choice', 'system');
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-theme-choice', 'light');
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-theme-choice', 'dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(bg).toBe('rgb(22, 24, 29)');
  await page.waitForTimeout(300);
  await app.shot('dark-theme');
  await toggle.click(); // back to the system's choice
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('the app has its icon: the page names it and the server serves it, nothing the page asked for was missing', async () => {
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', './favicon.svg');
  const svg = await page.request.get(new URL('favicon.svg', page.url()).href);
  expect(svg.status()).toBe(200);
  expect(svg.headers()['content-type']).toContain('image/svg+xml');
  const ico = await page.request.get(new URL('/favicon.ico', page.url()).href);
  expect(ico.status()).toBe(200);
  expect(missing).toEqual([]);
});
