// One client for both doors: Electron's preload bridge when present, else the loopback server.
// Either way a failed call throws an ApiError with the error's code (src/shared/api-error.ts).
import type { NetsiftApi, NetsiftBridge, ServerEvent, UploadInfo } from '../../../shared/api';
import { createIpcApi, unwrap } from './ipc-client';
import {
  createHttpApi,
  httpCallOnUnload,
  httpDownload,
  httpEvents,
  httpToken,
  httpUpload,
} from './http-client';

declare global {
  interface Window {
    netsift?: NetsiftBridge;
  }
}

const bridge = typeof window !== 'undefined' ? window.netsift : undefined;
const token = bridge ? '' : httpToken();

export const transport: 'ipc' | 'http' = bridge ? 'ipc' : 'http';

export const api: NetsiftApi = bridge ? createIpcApi(bridge) : createHttpApi(token);

export function onServerEvent(listener: (e: ServerEvent) => void): () => void {
  return bridge ? bridge.onEvent(listener) : httpEvents(token, listener);
}

/** Browser mode: uploads a file the user picked or dropped; the import then names it by id. */
export function uploadFile(
  file: File,
  onProgress?: (sent: number) => void,
  signal?: AbortSignal,
): Promise<UploadInfo> {
  return httpUpload(token, file, onProgress, signal);
}

/** Electron: grants the dropped (or picked) files and returns their paths; null in the browser. */
export const grantDropped: ((files: File[]) => Promise<string[]>) | null = bridge
  ? (files) => unwrap(bridge.grantDropped(files))
  : null;

/** Electron: native open dialog for a case file (granted); null in the browser. */
export const chooseCase: (() => Promise<string | null>) | null = bridge
  ? () => unwrap(bridge.chooseCase())
  : null;

/** Electron: native dialog for a folder to follow (granted); null in the browser. contract: follow */
export const chooseFolder: (() => Promise<string | null>) | null = bridge
  ? () => unwrap(bridge.chooseFolder())
  : null;

/** Browser mode: hands an exported report (by its file name) to the browser's downloads. */
export function downloadExport(fileName: string): Promise<void> {
  return httpDownload(token, fileName);
}

/** A call that must survive the page closing (a beacon-like request in the browser). */
export function callOnUnload(method: 'updateTriage', args: unknown[]): void {
  if (bridge)
    void (api[method] as (...a: unknown[]) => Promise<unknown>)(...args).catch(() => undefined);
  else httpCallOnUnload(token, method, args);
}

/** Native open dialog (Electron only). */
export const chooseFiles: (() => Promise<string[]>) | null = bridge
  ? () => unwrap(bridge.chooseFiles())
  : null;

export { errorText } from './error-text';
