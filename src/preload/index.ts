// The one bridge between renderer and main: exposes only the contract's methods (generated from
// API_METHODS), an event subscription, and the two native helpers. No raw ipcRenderer.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_METHODS, IPC_CHOOSE, IPC_EVENT, IPC_RPC, type ServerEvent } from '../shared/api';

const api: Record<string, unknown> = Object.fromEntries(
  API_METHODS.map((m) => [m, (...args: unknown[]) => ipcRenderer.invoke(IPC_RPC, m, args)]),
);
api.onEvent = (listener: (e: ServerEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: ServerEvent) => listener(payload);
  ipcRenderer.on(IPC_EVENT, wrapped);
  return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
};
api.chooseFiles = () => ipcRenderer.invoke(IPC_CHOOSE);
api.pathForFile = (file: File) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('netsift', api);
