// File > Export to PDF in the desktop app: the engine renders the self-contained HTML report and
// Electron's own Chromium prints it (webContents.printToPDF), so no separate browser is needed.
import { BrowserWindow } from 'electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type NetsiftService } from '../engine/index';

export async function exportPdf(service: NetsiftService, out: string): Promise<string> {
  const html = await service.domains.report.html({});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-pdf-'));
  const page = path.join(dir, 'report.html');
  fs.writeFileSync(page, html);
  // an invisible, script-less window on the local file; the report makes no requests
  // sandboxed like every renderer (app.enableSandbox); no --no-sandbox anywhere in the desktop app
  const win = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, devTools: false } });
  try {
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await win.loadFile(page);
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
    const tmp = `${out}.partial`;
    fs.writeFileSync(tmp, pdf);
    fs.renameSync(tmp, out);
    return out;
  } finally {
    win.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
