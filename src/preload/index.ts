// The one bridge between renderer and main: exposes only the contract's methods (generated from
// API_METHODS), an event subscription, and the native helpers. No raw ipcRenderer. Every call
// resolves to the answer envelope main returns (src/shared/api-error.ts): an error thrown across
// the bridge would keep only its message, so the renderer's client unwraps it and throws there.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  IPC_CHOOSE,
  IPC_CHOOSE_CASE,
  IPC_CHOOSE_FOLDER,
  IPC_EVENT,
  IPC_GRANT_DROPPED,
  IPC_RPC,
  type ApiMethod,
  type NetsiftBridge,
  type ServerEvent,
} from '../shared/api';

const calls = Object.fromEntries(
  API_METHODS.map((m) => [m, (...args: unknown[]) => ipcRenderer.invoke(IPC_RPC, m, args)]),
) as { [M in ApiMethod]: NetsiftBridge[M] };

const api: NetsiftBridge = {
  ...calls,
  onEvent: (listener: (e: ServerEvent) => void) => {
    const wrapped = (_e: IpcRendererEvent, payload: ServerEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
  chooseFiles: () => ipcRenderer.invoke(IPC_CHOOSE),
  chooseCase: () => ipcRenderer.invoke(IPC_CHOOSE_CASE),
  chooseFolder: () => ipcRenderer.invoke(IPC_CHOOSE_FOLDER),
  // the paths come from the File objects here, never from the page: a File the page made itself
  // has no path ('') and grants nothing
  grantDropped: (files: File[]) =>
    ipcRenderer.invoke(
      IPC_GRANT_DROPPED,
      Array.from(files, (f) => webUtils.getPathForFile(f)).filter(Boolean),
    ),
};

contextBridge.exposeInMainWorld('netsift', api);
