// PDF from the HTML report through headless Chromium (CLI and server). Electron prints its own
// window with webContents.printToPDF instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NetsiftError } from '../core/errors';

const CANDIDATES = [
  process.env.NETSIFT_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

export function findChromium(): string | null {
  for (const c of CANDIDATES) if (c && fs.existsSync(c)) return c;
  return null;
}

/**
 * Chromium's sandbox stays on (the report is our own HTML, but a renderer bug is then contained),
 * except where Chromium refuses to start with it: as root on Linux, where it needs --no-sandbox.
 */
export function sandboxArgs(platform: NodeJS.Platform = process.platform, uid = process.getuid?.() ?? -1): string[] {
  return platform === 'linux' && uid === 0 ? ['--no-sandbox'] : [];
}

export async function htmlToPdf(html: string, out: string, timeoutMs = 60_000): Promise<void> {
  const chromium = findChromium();
  if (!chromium)
    throw new NetsiftError(
      'PDF export needs Chromium or Chrome installed (none found; set NETSIFT_CHROMIUM to its path), or export HTML and print it',
      'usage',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-pdf-'));
  const page = path.join(dir, 'report.html');
  const tmpOut = path.join(dir, 'report.pdf');
  fs.writeFileSync(page, html);
  const args = [
    '--headless',
    ...sandboxArgs(),
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${path.join(dir, 'profile')}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${tmpOut}`,
    `file://${page}`,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new NetsiftError(`Chromium did not finish the PDF within ${timeoutMs / 1000} s`, 'internal'));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new NetsiftError(`cannot start ${chromium}: ${e.message}`, 'internal'));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0 && fs.existsSync(tmpOut)) resolve();
        else reject(new NetsiftError(`Chromium failed to print the PDF (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`, 'internal'));
      });
    });
    fs.copyFileSync(tmpOut, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
