// Electron main: the thin desktop door onto the engine. Windows, menus and IPC live here;
// everything else is in src/engine (the same NetsiftService the loopback server uses).
import { app, BrowserWindow, session } from 'electron';
import fs from 'node:fs';
import { join } from 'node:path';
import { defaultOps, NetsiftService } from '../engine/index';
import { APP_URL, registerAppScheme, securityHeadersOnHttp, serveRenderer } from './app-protocol';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';

let win: BrowserWindow | null = null;
let service: NetsiftService;

// every renderer sandboxed, whatever a window asks for; the app's own protocol for its files
app.enableSandbox();
registerAppScheme();

/**
 * The development server's address (electron-vite dev), only in a development build: a packaged
 * app ignores ELECTRON_RENDERER_URL, so no environment can point it at another page.
 */
function devServerUrl(): string | null {
  return !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
}

function resourcesDir(): string {
  const packaged = join(process.resourcesPath ?? '', 'resources');
  return app.isPackaged && fs.existsSync(packaged) ? packaged : join(__dirname, '../../resources');
}

async function createWindow(): Promise<void> {
  const settings = await service.appSettings();
  const bounds = settings.window ?? { width: 1400, height: 900 };
  win = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#121418',
    title: 'netsift',
    icon: join(resourcesDir(), 'icon.png'),
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // DevTools only in development builds
      devTools: !app.isPackaged,
    },
  });
  // no new windows, no navigation away from the app
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  // remember the window size
  win.on('close', () => {
    if (win && !win.isMinimized()) service.saveAppSettings({ window: win.getBounds() });
  });
  win.on('closed', () => (win = null));
  await win.loadURL(devServerUrl() ?? APP_URL);
}

const reload = () => {
  win?.webContents.reload();
  void buildMenu(service, () => win, reload);
};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void app.whenReady().then(async () => {
    // the renderer talks to nothing but its own files; deny every permission request
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    // the Content-Security-Policy and the other security headers as response headers
    serveRenderer(join(__dirname, '../renderer'));
    securityHeadersOnHttp();
    service = new NetsiftService({ ops: defaultOps(), resourcesDir: resourcesDir() });
    service.sweepAtStart(); // stale uploads and killed analyze runs' temporary cases
    registerIpc(service, () => win);
    await buildMenu(service, () => win, reload);
    // first run opens the bundled sample capture
    const settings = await service.appSettings();
    if (!settings.sampleOpened) await service.openSample().catch(() => undefined);
    await createWindow();
    // threat-intel feeds: refresh what is due now and then every 15 minutes (each feed keeps its
    // own interval, Spamhaus at least an hour); a changed list is matched again on the open case
    const refreshDue = () => void service.domains.feeds.refreshDue().catch(() => undefined);
    refreshDue();
    setInterval(refreshDue, 15 * 60 * 1000).unref();
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });
  app.on('window-all-closed', () => {
    // jobs cancelled and queries stopped before DuckDB closes (see NetsiftService.close)
    void (service ? service.close() : Promise.resolve()).finally(() => app.quit());
  });
}
