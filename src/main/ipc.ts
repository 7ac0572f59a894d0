// IPC for the service contract: one invoke channel, methods checked against API_METHODS, and only
// from our own window's top frame. Paths reach the service only as the user chose them: the
// native dialogs here and files dropped on the window (named by the preload from the File objects
// themselves) are granted before the page may name them (src/engine/service/path-grants.ts).
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import {
  API_METHODS,
  IPC_CHOOSE,
  IPC_CHOOSE_CASE,
  IPC_CHOOSE_FOLDER,
  IPC_EVENT,
  IPC_GRANT_DROPPED,
  IPC_RPC,
  isApiMethod,
} from '../shared/api';
import type { NetsiftService } from '../engine/service/netsift-service';
import { publicError } from '../engine/service/public-error';
import { CAPTURE_FILTERS, CASE_FILTERS } from './menu';
import { notifyIncidents } from './notify';

function trusted(e: IpcMainInvokeEvent, win: () => BrowserWindow | null): boolean {
  const w = win();
  return !!w && e.sender === w.webContents && e.senderFrame === w.webContents.mainFrame;
}

export function registerIpc(service: NetsiftService, win: () => BrowserWindow | null): void {
  const check = (e: IpcMainInvokeEvent) => {
    if (!trusted(e, win)) throw new Error('netsift: request from an untrusted frame');
  };
  ipcMain.handle(IPC_RPC, async (e, method: unknown, args: unknown) => {
    check(e);
    if (!isApiMethod(method))
      throw new Error(`netsift: unknown method ${String(method)} (known: ${API_METHODS.length})`);
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    try {
      return await fn.apply(service, Array.isArray(args) ? args : []);
    } catch (err) {
      // the renderer gets what the loopback server would answer: never SQL or internals
      const p = publicError(err, method);
      if (p.log) console.error(`netsift: ${method} failed:`, err);
      throw new Error(p.error.message);
    }
  });
  ipcMain.handle(IPC_CHOOSE, async (e) => {
    check(e);
    const r = await dialog.showOpenDialog(win()!, {
      properties: ['openFile', 'multiSelections'],
      filters: CAPTURE_FILTERS,
    });
    return r.canceled ? [] : r.filePaths.map((p) => service.grant(p));
  });
  ipcMain.handle(IPC_CHOOSE_CASE, async (e) => {
    check(e);
    const r = await dialog.showOpenDialog(win()!, {
      properties: ['openFile'],
      filters: CASE_FILTERS,
    });
    return r.canceled || !r.filePaths[0] ? null : service.grant(r.filePaths[0]);
  });
  // contract: follow: a folder to follow, chosen in the native dialog (granted like the others)
  ipcMain.handle(IPC_CHOOSE_FOLDER, async (e) => {
    check(e);
    const r = await dialog.showOpenDialog(win()!, { properties: ['openDirectory'] });
    return r.canceled || !r.filePaths[0] ? null : service.grant(r.filePaths[0]);
  });
  // the preload sends only paths it read from dropped File objects (webUtils.getPathForFile); the
  // page itself cannot reach this channel (no ipcRenderer in the main world)
  ipcMain.handle(IPC_GRANT_DROPPED, async (e, paths: unknown) => {
    check(e);
    if (!Array.isArray(paths)) return [];
    return paths
      .filter((p): p is string => typeof p === 'string' && p !== '')
      .map((p) => service.grant(p));
  });
  service.onEvent((ev) => {
    win()?.webContents.send(IPC_EVENT, ev);
    notifyIncidents(ev, win); // contract: follow
  });
}
