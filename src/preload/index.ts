// The one bridge between renderer and main: exposes only the contract's methods (generated from
// API_METHODS), an event subscription, and the two native helpers. No raw ipcRenderer.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  API_METHODS,
  IPC_CHOOSE,
  IPC_CHOOSE_CASE,
  IPC_CHOOSE_FOLDER,
  IPC_EVENT,
  IPC_GRANT_DROPPED,
  IPC_RPC,
  type ServerEvent,
} from '../shared/api';

const api: Record<string, unknown> = Object.fromEntries(
  API_METHODS.map((m) => [m, (...args: unknown[]) => ipcRenderer.invoke(IPC_RPC, m, args)]),
);
api.onEvent = (listener: (e: ServerEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: ServerEvent) => listener(payload);
  ipcRenderer.on(IPC_EVENT, wrapped);
  return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
};
api.chooseFiles = () => ipcRenderer.invoke(IPC_CHOOSE);
api.chooseCase = () => ipcRenderer.invoke(IPC_CHOOSE_CASE);
api.chooseFolder = () => ipcRenderer.invoke(IPC_CHOOSE_FOLDER); // contract: follow
api.pathForFile = (file: File) => webUtils.getPathForFile(file);
// the paths come from the File objects here, never from the page: a File the page made itself
// has no path ('') and grants nothing
api.grantDropped = (files: File[]) =>
  ipcRenderer.invoke(
    IPC_GRANT_DROPPED,
    Array.from(files, (f) => webUtils.getPathForFile(f)).filter(Boolean),
  );

contextBridge.exposeInMainWorld('netsift', api);
