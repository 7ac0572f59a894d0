// IPC for the service contract: one invoke channel, methods checked against API_METHODS, and only
// from our own window's top frame.
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { API_METHODS, IPC_CHOOSE, IPC_EVENT, IPC_RPC, isApiMethod } from '../shared/api';
import type { NetsiftService } from '../engine/service/netsift-service';
import { publicError } from '../engine/service/public-error';
import { CAPTURE_FILTERS } from './menu';

function trusted(e: IpcMainInvokeEvent, win: () => BrowserWindow | null): boolean {
  const w = win();
  return !!w && e.sender === w.webContents && e.senderFrame === w.webContents.mainFrame;
}

export function registerIpc(service: NetsiftService, win: () => BrowserWindow | null): void {
  ipcMain.handle(IPC_RPC, async (e, method: unknown, args: unknown) => {
    if (!trusted(e, win)) throw new Error('netsift: request from an untrusted frame');
    if (!isApiMethod(method)) throw new Error(`netsift: unknown method ${String(method)} (known: ${API_METHODS.length})`);
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
    if (!trusted(e, win)) throw new Error('netsift: request from an untrusted frame');
    const w = win();
    const r = await dialog.showOpenDialog(w!, { properties: ['openFile', 'multiSelections'], filters: CAPTURE_FILTERS });
    return r.canceled ? [] : r.filePaths;
  });
  service.onEvent((ev) => win()?.webContents.send(IPC_EVENT, ev));
}
