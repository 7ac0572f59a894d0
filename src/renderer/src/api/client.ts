// One client for both doors: Electron's preload bridge when present, else the loopback server.
import type { JobState, NetsiftApi, NetsiftBridge, ServerEvent } from '../../../shared/api';
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

export const api: NetsiftApi = bridge ?? createHttpApi(token);

export function onServerEvent(listener: (e: ServerEvent) => void): () => void {
  return bridge ? bridge.onEvent(listener) : httpEvents(token, listener);
}

/** Import a file the user picked or dropped: by path in Electron, uploaded in the browser. */
export async function importBrowserFile(file: File): Promise<JobState> {
  if (bridge?.pathForFile) return bridge.importFiles([bridge.pathForFile(file)]);
  return httpUpload(token, file);
}

/** Browser mode: hands an exported report (by its file name) to the browser's downloads. */
export function downloadExport(fileName: string): Promise<void> {
  return httpDownload(token, fileName);
}

/** A call that must survive the page closing (a beacon-like request in the browser). */
export function callOnUnload(method: 'updateTriage', args: unknown[]): void {
  if (bridge)
    void (bridge[method] as (...a: unknown[]) => Promise<unknown>)(...args).catch(() => undefined);
  else httpCallOnUnload(token, method, args);
}

/** Native open dialog (Electron only). */
export const chooseFiles: (() => Promise<string[]>) | null = bridge?.chooseFiles ?? null;

export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Electron wraps handler errors as "Error invoking remote method 'x': Error: msg"
  return msg.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
}
