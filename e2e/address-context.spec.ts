// Address context in the workspace (issue 17), in Chromium against `netsift serve`, on a case
// built from the repository's fixtures: a Zeek folder (conn.log with public addresses, dns.log,
// http.log, ssl.log) and a capture recorded in network namespaces with DNS answers and HTTP
// (tests/fixtures/context/dns-http.pcap). The flows grid shows country and AS columns and the
// names beside addresses; `dst country` and `host name` filters select what the engine selects;
// the host panel holds country, AS, names and the Zeek context; Export packets downloads a pcap
// that tcpdump reads with exactly the selected flows' packets; a case of flow records only has
// the button disabled with the reason. Screenshots: test-results/screens/address-context-*.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(ROOT, 'tests/fixtures');
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

interface Row {
  id: number;
  src_ip: string;
  dst_ip: string;
  src_pkts: number | null;
  dst_pkts: number | null;
  dst_country?: string | null;
  dst_names?: string[] | null;
}

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;
let dir: string;
let recordsCase: string;

function cli(...args: string[]): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'out/cli/netsift.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, NETSIFT_HOME: app.home, NETSIFT_OFFLINE: '1' },
  });
  if (r.status !== 0) throw new Error(`netsift ${args.join(' ')}: ${r.stderr}`);
}

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-e2e-context-'));
  fs.cpSync(path.join(FIXTURES, 'zeek-context'), path.join(dir, 'zeek-context'), {
    recursive: true,
  });
  fs.copyFileSync(path.join(FIXTURES, 'context/dns-http.pcap'), path.join(dir, 'dns-http.pcap'));
  app = new NetsiftApp('browser', 'address-context');
  const file = path.join(dir, 'context.duckdb');
  cli('import', path.join(dir, 'zeek-context'), path.join(dir, 'dns-http.pcap'), '--case', file);
  // the same Zeek folder alone: flows from flow records only, no packets anywhere
  recordsCase = path.join(dir, 'records.duckdb');
  cli('import', path.join(dir, 'zeek-context'), '--case', recordsCase);
  await app.start(['--case', file, '--grant', dir]);
  page = app.page;
  await expect(page.getByRole('region', { name: 'Flows' })).toBeVisible({ timeout: 30_000 });
});

test.afterAll(async () => {
  await app?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const flowsCount = () => page.getByTestId('flows-count');
const gridRow = (text: string) => page.locator('.flows-pane .ag-row', { hasText: text }).first();

async function applyFilter(text: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Filter' });
  await box.fill(text);
  await box.press('Enter');
}

/** The engine's own rows for a filter (the contract, as the page calls it). */
async function engineRows(filter: string): Promise<Row[]> {
  return (await app.call<{ rows: Row[] }>('flows', { filter, offset: 0, limit: 1000 })).rows;
}

test('the flows grid shows country and AS columns, and the names beside the addresses', async () => {
  const header = page.locator('.flows-pane .ag-header');
  for (const h of ['Src CC', 'Dst CC', 'Dst AS']) await expect(header).toContainText(h);
  const google = gridRow('142.250.74.68');
  await expect(google.locator('[col-id="dst_country"]')).toHaveText('US', { timeout: 30_000 });
  await expect(google.locator('[col-id="dst_asn"]')).toContainText('15169');
  await expect(google.locator('[col-id="dst_asn"]')).toContainText(/google/i);
  // the name the address had at the flow's start, from the Zeek dns.log beside the conn.log
  await expect(google.locator('[col-id="dst_ip"] .ip-name')).toHaveText(/www\.google\.com/);
  // private addresses have no country; the capture's own DNS answers name them
  const web = gridRow('10.77.1.10');
  await expect(web.locator('[col-id="dst_country"]')).toHaveText('');
  await expect(web.locator('[col-id="dst_ip"] .ip-name')).toHaveText(/www\.example\.test/);
  await app.shot('grid');
});

test('`dst country` selects what the engine selects, and a bad code is marked where it is', async () => {
  await applyFilter('dst country us');
  const expected = await engineRows('dst country us');
  expect(expected.length).toBe(3); // the two HTTP connections and the TLS one
  expect(expected.every((r) => r.dst_country === 'US')).toBe(true);
  await expect(flowsCount()).toHaveAttribute('data-count', String(expected.length), {
    timeout: 30_000,
  });
  await expect(page.locator('.flows-pane .ag-row')).toHaveCount(3);
  for (const cell of await page.locator('.flows-pane [col-id="dst_country"]').all())
    if ((await cell.getAttribute('role')) === 'gridcell') await expect(cell).toHaveText('US');

  await applyFilter('proto tcp and dst country USA');
  const err = page.getByTestId('filter-error');
  await expect(err).toContainText("expected a two-letter country code (CN, US, DE, ...) at 'USA'");
  await expect(err.locator('mark')).toHaveText('USA');
  await app.shot('filter-error');
  // the grid still shows the last good filter
  await expect(flowsCount()).toHaveAttribute('data-count', '3');
});

test('`host name` selects by the names DNS answers gave, exact and with every name under it', async () => {
  await applyFilter('host name www.google.com');
  const exact = await engineRows('host name www.google.com');
  expect(exact.map((r) => r.dst_ip)).toEqual(['142.250.74.68']);
  await expect(flowsCount()).toHaveAttribute('data-count', '1', { timeout: 30_000 });

  await applyFilter('dst host name *.example.test');
  const suffix = await engineRows('dst host name *.example.test');
  // www, api and cdn.example.test resolved to 10.77.1.10, 10.77.1.20 and fd77:1::10
  expect(new Set(suffix.map((r) => r.dst_ip))).toEqual(
    new Set(['10.77.1.10', '10.77.1.20', 'fd77:1::10']),
  );
  await expect(flowsCount()).toHaveAttribute('data-count', String(suffix.length), {
    timeout: 30_000,
  });
  await expect(gridRow('10.77.1.20').locator('.ip-name')).toHaveText(/api\.example\.test/);
  await app.shot('host-name-filter');
});

test('the host panel shows country, AS, every name and the Zeek context, each a pivot', async () => {
  await applyFilter('');
  await expect(flowsCount()).toHaveAttribute('data-count', '19', { timeout: 30_000 });
  await gridRow('142.250.74.68').locator('[col-id="dst_ip"]').dblclick();
  const panel = page.getByTestId('host-panel');
  await expect(panel.getByTestId('host-country')).toContainText('US · United States');
  await expect(panel.getByTestId('host-as')).toContainText('AS15169');
  await expect(panel.getByTestId('host-names')).toContainText('www.google.com');
  await expect(panel.getByTestId('host-ctx-tls')).toContainText('www.google.com');
  await app.shot('host-panel');
  await panel.getByRole('button', { name: 'Close host panel' }).click();

  // the client's side: its HTTP hosts and URIs, and its DNS queries; a line pivots to its flows
  await gridRow('192.168.1.50').locator('[col-id="src_ip"]').dblclick();
  await expect(panel.getByTestId('host-ctx-http')).toContainText('www.example.com');
  await expect(panel.getByTestId('host-ctx-http')).toContainText('GET /login?next=%2Fadmin');
  await expect(panel.getByTestId('host-ctx-dns')).toContainText('nonexistent.example.org');
  await app.shot('host-panel-client');
  await panel.getByTestId('host-ctx-tls').getByRole('button', { name: 'www.google.com' }).click();
  await expect(page.getByTestId('drill-chip')).toContainText('tls www.google.com');
  await expect(flowsCount()).toHaveAttribute('data-count', '1', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Close host panel' }).click();
  await page.getByRole('button', { name: 'Clear drill' }).click();
});

test('the About box names each data set with version, data date and licence', async () => {
  await page.getByRole('button', { name: 'About' }).click();
  const about = page.getByRole('dialog', { name: 'About netsift' });
  const table = about.getByTestId('geo-sources');
  await expect(table).toContainText('@ip-location-db/geo-whois-asn-country');
  await expect(table).toContainText('@ip-location-db/asn');
  await expect(table).toContainText(/\d{4}-\d{2}-\d{2}/);
  await expect(table).toContainText('CC BY 4.0');
  await expect(about).toContainText('DB-IP');
  await expect(about.getByTestId('case-context')).toContainText('2 with a country');
  await app.shot('about');
  await about.getByRole('button', { name: 'Close dialog' }).click();
});

test('Export packets downloads a pcap with exactly the packets of the flows shown', async () => {
  test.skip(!hasTcpdump, 'tcpdump is not installed: the exported capture cannot be read back');
  const filter = 'dst host name www.example.test';
  await applyFilter(filter);
  const rows = await engineRows(filter);
  expect(rows.length).toBeGreaterThan(0);
  const expected = rows.reduce((a, r) => a + (r.src_pkts ?? 0) + (r.dst_pkts ?? 0), 0);
  await expect(flowsCount()).toHaveAttribute('data-count', String(rows.length), {
    timeout: 30_000,
  });
  await page
    .locator('.flows-pane')
    .getByRole('button', { name: /^Export packets/ })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Export packets' });
  await expect(dialog.getByRole('radio', { name: /Every flow shown/ })).toBeChecked();
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const result = dialog.getByTestId('packets-result');
  await expect(result).toHaveAttribute('data-packets', String(expected), { timeout: 60_000 });
  await expect(result).toHaveAttribute('data-expected', String(expected));
  const saved = path.join(dir, 'shown.pcap');
  await (await download).saveAs(saved);
  await app.shot('export-packets');
  expect(tcpdumpCount(saved)).toBe(expected);
  await dialog.getByRole('button', { name: 'Close dialog' }).click();
});

test('Export packets of one picked row holds that flow’s packets only', async () => {
  test.skip(!hasTcpdump, 'tcpdump is not installed: the exported capture cannot be read back');
  const rows = await engineRows('dst host name www.example.test');
  const one = rows.find((r) => r.dst_ip === '10.77.1.10')!;
  await gridRow('10.77.1.10').locator('[col-id="ts"]').click();
  const button = page.locator('.flows-pane').getByRole('button', { name: 'Export packets (1)' });
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Export packets' });
  await expect(dialog.getByRole('radio', { name: /The 1 picked row/ })).toBeChecked();
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const expected = (one.src_pkts ?? 0) + (one.dst_pkts ?? 0);
  await expect(dialog.getByTestId('packets-result')).toHaveAttribute(
    'data-packets',
    String(expected),
    { timeout: 60_000 },
  );
  const saved = path.join(dir, 'picked.pcap');
  await (await download).saveAs(saved);
  expect(tcpdumpCount(saved)).toBe(expected);
  // every packet is of that connection
  const lines = tcpdump(saved);
  expect(lines.every((l) => l.includes('10.77.1.10.80'))).toBe(true);
  await dialog.getByRole('button', { name: 'Close dialog' }).click();
});

test('a case of flow records only has Export packets disabled, saying why', async () => {
  await app.call('openCase', recordsCase);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Flows' })).toBeVisible({ timeout: 30_000 });
  await expect(flowsCount()).toHaveAttribute('data-count', '7', { timeout: 30_000 });
  const button = page.locator('.flows-pane').getByRole('button', { name: /^Export packets/ });
  await expect(button).toBeDisabled();
  await expect(button).toHaveAttribute('title', /came from flow records .* keep no packets/);
  // and the engine refuses with the same reason when asked anyway
  await expect(app.call('exportPackets', { query: {} })).rejects.toThrow(/flow records/);
  await app.shot('records-only');
});

function tcpdump(file: string): string[] {
  const r = spawnSync('tcpdump', ['-nr', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tcpdump -r ${file}: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean);
}

function tcpdumpCount(file: string): number {
  return tcpdump(file).length;
}
