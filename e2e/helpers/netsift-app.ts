// An e2e harness: starts `netsift serve` (the built CLI) on a random port with its own NETSIFT_HOME
// and opens the workspace in Chromium; or, when NETSIFT_E2E=electron and an Electron binary is
// installed, launches the desktop app through Playwright's Electron support instead.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, chromium, type Browser, type ConsoleMessage, type ElectronApplication, type Page } from '@playwright/test';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.NETSIFT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
  '--metrics-recording-only',
  '--disable-domain-reliability',
];

function electronBinary(): string | null {
  try {
    const pathFile = path.join(ROOT, 'node_modules/electron/path.txt');
    if (!fs.existsSync(pathFile)) return null;
    const bin = path.join(ROOT, 'node_modules/electron/dist', fs.readFileSync(pathFile, 'utf8').trim());
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export type Mode = 'browser' | 'electron';

export function chosenMode(): Mode {
  return process.env.NETSIFT_E2E === 'electron' && electronBinary() ? 'electron' : 'browser';
}

export class NetsiftApp {
  page!: Page;
  url = '';
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-e2e-'));
  private server: ChildProcess | null = null;
  private browser: Browser | null = null;
  private electron: ElectronApplication | null = null;
  private shots = 0;
  /**
   * ag-grid's and echarts' console errors and warnings: a feature whose module is not registered
   * (src/renderer/src/main.tsx, components/echarts-parts.ts) says so only there. stop() fails on them.
   */
  readonly libraryIssues: string[] = [];

  /** `name` prefixes this app's screenshot files, so specs do not overwrite each other's. */
  constructor(
    readonly mode: Mode = chosenMode(),
    readonly name = '',
  ) {}

  async start(extraArgs: string[] = []): Promise<void> {
    const env = { ...process.env, NETSIFT_HOME: this.home, NETSIFT_OFFLINE: '1' };
    if (this.mode === 'electron') {
      // the app's first run opens the sample itself; mark it done so specs start from Home
      fs.writeFileSync(path.join(this.home, 'app-settings.json'), JSON.stringify({ sampleOpened: true }));
      this.electron = await _electron.launch({ executablePath: electronBinary()!, args: [ROOT], env });
      this.page = await this.electron.firstWindow();
      this.page.on('console', (m) => this.noteConsole(m));
      return;
    }
    const cli = path.join(ROOT, 'out/cli/netsift.mjs');
    if (!fs.existsSync(cli)) throw new Error(`${cli} missing: run npm run build first`);
    this.server = spawn(process.execPath, [cli, 'serve', '--port', '0', '--threads', '2', ...extraArgs], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    this.url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`netsift serve did not start:\n${log}`)), 60_000);
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(log);
        if (m) {
          clearTimeout(t);
          resolve(m[1]);
        }
      };
      this.server!.stdout!.on('data', onData);
      this.server!.stderr!.on('data', onData);
      this.server!.on('exit', (code) => reject(new Error(`netsift serve exited ${code}:\n${log}`)));
    });
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const ctx = await this.browser.newContext({ viewport: { width: 1600, height: 960 } });
    ctx.on('console', (m) => this.noteConsole(m));
    this.page = await ctx.newPage();
    await this.page.goto(this.url);
  }

  private noteConsole(m: ConsoleMessage): void {
    const line = `${m.type()}: ${m.text()}`;
    if ((m.type() === 'error' || m.type() === 'warning') && /AG Grid|\[ECharts\]/.test(line))
      if (!this.libraryIssues.includes(line)) this.libraryIssues.push(line);
  }

  /** Calls the service contract from the page, through whichever transport the app uses. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      async ([m, a]) => {
        const w = globalThis as unknown as { sessionStorage: { getItem(k: string): string | null }; netsift?: Record<string, (...x: unknown[]) => Promise<unknown>> };
        if (w.netsift) return w.netsift[m as string](...(a as unknown[]));
        const res = await fetch('/api/rpc', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-netsift-token': w.sessionStorage.getItem('netsift-token') ?? '' },
          body: JSON.stringify({ method: m, args: a }),
        });
        const body = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
        if (!body.ok) throw new Error(body.error?.message);
        return body.result;
      },
      [method, args] as const,
    ) as Promise<T>;
  }

  /** Saves a numbered screenshot under test-results/ (look at them). */
  async shot(name: string): Promise<string> {
    const file = path.join(ROOT, 'test-results', 'screens', `${this.name ? `${this.name}-` : ''}${String(++this.shots).padStart(2, '0')}-${this.mode}-${name}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.electron?.close().catch(() => undefined);
    if (this.server && this.server.exitCode === null) {
      const exited = new Promise((r) => this.server!.once('exit', r));
      this.server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (this.server.exitCode === null) this.server.kill('SIGKILL');
    }
    fs.rmSync(this.home, { recursive: true, force: true });
    if (this.libraryIssues.length)
      throw new Error(`ag-grid/echarts reported on the console:\n${this.libraryIssues.join('\n')}`);
  }
}
