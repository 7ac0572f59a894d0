// echarts is a script of its own, loaded when the first chart mounts (issue 16). When it does not
// load, the chart says so in its place and the incident list still works.
import { expect, test } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

let app: NetsiftApp;

test.afterAll(async () => {
  await app?.stop();
});

test('a chart whose script did not load says so, and the incident list still works', async () => {
  app = new NetsiftApp('browser', 'charts-script');
  await app.start(['--sample']);
  const page = app.page;
  await page.route('**/assets/echarts-parts-*.js', (r) => r.abort());
  await page.reload();
  await page.getByRole('button', { name: 'Open workspace' }).click({ timeout: 60_000 });
  await expect(page.locator('.incidents-pane .ag-row[row-index="0"]')).toBeVisible({
    timeout: 60_000,
  });
  await expect(
    page
      .getByRole('region', { name: 'Timeline' })
      .getByText(/Charts could not load: .*echarts-parts/),
  ).toBeVisible({ timeout: 30_000 });
  await app.shot('refused');
  // the console says so too; the harness fails a spec on it, and here it is expected
  expect(app.libraryIssues.join('\n')).toContain('[ECharts] the charts script did not load');
  app.libraryIssues.length = 0;
});
