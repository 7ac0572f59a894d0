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
import type { RpcAnswer } from '../shared/api-error';
import { answerCall, type NetsiftService } from '../engine/index';
import { CAPTURE_FILTERS, CASE_FILTERS } from './menu';
import { notifyIncidents } from './notify';

function trusted(e: IpcMainInvokeEvent, win: () => BrowserWindow | null): boolean {
  const w = win();
  return !!w && e.sender === w.webContents && e.senderFrame === w.webContents.mainFrame;
}

/** Errors the page is not shown in full (internal faults) go to main's log. */
function logFailure(method: string, e: unknown): void {
  console.error(`netsift: ${method} failed:`, e);
}

/**
 * Every channel answers the error envelope as a value (src/shared/api-error.ts), never a thrown
 * error: Electron passes only a thrown error's message to the page, so its code would be lost.
 * The renderer's client unwraps it (resultOf) and throws a typed ApiError, as over HTTP.
 */
function handle(
  channel: string,
  win: () => BrowserWindow | null,
  answer: (...args: unknown[]) => Promise<RpcAnswer>,
): void {
  ipcMain.handle(channel, async (e, ...args: unknown[]): Promise<RpcAnswer> => {
    if (!trusted(e, win))
      return {
        ok: false,
        error: { code: 'forbidden', message: 'netsift: request from an untrusted frame' },
      };
    return answer(...args);
  });
}

export function registerIpc(service: NetsiftService, win: () => BrowserWindow | null): void {
  handle(IPC_RPC, win, async (method: unknown, args: unknown) => {
    if (!isApiMethod(method))
      return {
        ok: false,
        error: {
          code: 'usage',
          message: `netsift: unknown method ${String(method).slice(0, 60)} (known: ${API_METHODS.length})`,
        },
      };
    // the renderer gets what the loopback server would answer: never SQL or internals
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    return answerCall(method, () => fn.apply(service, Array.isArray(args) ? args : []), logFailure);
  });
  handle(IPC_CHOOSE, win, () =>
    answerCall(
      'chooseFiles',
      async () => {
        const r = await dialog.showOpenDialog(win()!, {
          properties: ['openFile', 'multiSelections'],
          filters: CAPTURE_FILTERS,
        });
        return r.canceled ? [] : r.filePaths.map((p) => service.grant(p));
      },
      logFailure,
    ),
  );
  handle(IPC_CHOOSE_CASE, win, () =>
    answerCall(
      'chooseCase',
      async () => {
        const r = await dialog.showOpenDialog(win()!, {
          properties: ['openFile'],
          filters: CASE_FILTERS,
        });
        return r.canceled || !r.filePaths[0] ? null : service.grant(r.filePaths[0]);
      },
      logFailure,
    ),
  );
  // a folder to follow, chosen in the native dialog (granted like the others)
  handle(IPC_CHOOSE_FOLDER, win, () =>
    answerCall(
      'chooseFolder',
      async () => {
        const r = await dialog.showOpenDialog(win()!, { properties: ['openDirectory'] });
        return r.canceled || !r.filePaths[0] ? null : service.grant(r.filePaths[0]);
      },
      logFailure,
    ),
  );
  // the preload sends only paths it read from dropped File objects (webUtils.getPathForFile); the
  // page itself cannot reach this channel (no ipcRenderer in the main world)
  handle(IPC_GRANT_DROPPED, win, (paths: unknown) =>
    answerCall(
      'grantDropped',
      async () => {
        if (!Array.isArray(paths)) return [];
        return paths
          .filter((p): p is string => typeof p === 'string' && p !== '')
          .map((p) => service.grant(p));
      },
      logFailure,
    ),
  );
  service.onEvent((ev) => {
    win()?.webContents.send(IPC_EVENT, ev);
    notifyIncidents(ev, win); // following: new incidents as desktop notifications
  });
}
