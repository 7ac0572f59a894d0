// The contract over the loopback server (src/cli/server): JSON RPC with the session token in the
// X-Netsift-Token header, events by SSE, report downloads, uploads. The token arrives once in the
// page's address (the URL `netsift serve` prints); it is moved to sessionStorage and taken out of
// the address at once, so it is not left in history, bookmarks or a screenshot of the URL bar.
// The event stream and downloads cannot carry a header: they use single-use tickets.
import type { NetsiftApi, ServerEvent, UploadInfo } from '../../../shared/api';
import { API_METHODS } from '../../../shared/api';
import { ApiError, resultOf, type RpcAnswer } from '../../../shared/api-error';
import { supersedeKey } from './supersede';

const STORE_KEY = 'netsift-token';
const TOKEN_HEADER = 'x-netsift-token';

/** The session token: from the address on first load (then removed from it), else this tab's store. */
export function httpToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(STORE_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`,
    );
  }
  return fromUrl ?? sessionStorage.getItem(STORE_KEY) ?? '';
}

async function post(
  path: string,
  token: string,
  body: unknown,
  init: RequestInit = {},
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
      body: JSON.stringify(body),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError')
      throw new ApiError({ code: 'cancelled', message: 'superseded by a newer request' });
    throw new ApiError({
      code: 'network',
      message: `cannot reach netsift serve (${(e as Error).message})`,
    });
  }
  let answer: RpcAnswer;
  try {
    answer = (await res.json()) as RpcAnswer;
  } catch {
    throw new ApiError({
      code: 'network',
      message: `server answered ${res.status} ${res.statusText}`,
    });
  }
  return resultOf(answer);
}

export function createHttpApi(token: string): NetsiftApi {
  // A view's newer request makes its older, different ones useless (the analyst moved on: j/k
  // through incidents, a new filter): they are aborted, and the server drops or interrupts
  // their queries when the connection closes (src/engine/service/query-lanes.ts).
  const inFlight = new Map<string, Map<AbortController, string>>();
  const call = async (method: string, args: unknown[]) => {
    const key = supersedeKey(method, args);
    if (key === null) return post('/api/rpc', token, { method, args });
    const mine = new AbortController();
    const same = inFlight.get(method) ?? new Map<AbortController, string>();
    inFlight.set(method, same);
    for (const [other, otherKey] of same) if (otherKey !== key) other.abort();
    same.set(mine, key);
    try {
      return await post('/api/rpc', token, { method, args }, { signal: mine.signal });
    } finally {
      same.delete(mine);
    }
  };
  return Object.fromEntries(
    API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as NetsiftApi;
}

/** A single-use ticket for the event stream or one download (see src/cli/server/tickets.ts). */
async function ticket(
  token: string,
  req: { purpose: 'events' } | { purpose: 'download'; name: string },
): Promise<string> {
  return ((await post('/api/ticket', token, req)) as { ticket: string }).ticket;
}

/**
 * Server events over SSE, one stream for the page whatever the number of listeners (three panes
 * listen): each stream holds one of the browser's six connections to the server for good, and
 * with three held a brush's six calls had three left, the pair scatter and the countries waiting
 * for the flows page to end (issue 14: brush -> charts). A dropped stream reconnects with a new
 * ticket; the last listener gone closes it.
 */
export function httpEvents(token: string, listener: (e: ServerEvent) => void): () => void {
  const shared = (events ??= openEvents(token));
  shared.listeners.add(listener);
  return () => {
    shared.listeners.delete(listener);
    if (shared.listeners.size === 0) {
      shared.close();
      if (events === shared) events = null;
    }
  };
}

interface EventStream {
  listeners: Set<(e: ServerEvent) => void>;
  close(): void;
}

let events: EventStream | null = null;

function openEvents(token: string): EventStream {
  const listeners = new Set<(e: ServerEvent) => void>();
  let es: EventSource | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = async (delay: number) => {
    try {
      const t = await ticket(token, { purpose: 'events' });
      if (closed) return;
      es = new EventSource(`/api/events?ticket=${encodeURIComponent(t)}`);
      es.onmessage = (m) => {
        const e = JSON.parse(m.data) as ServerEvent;
        for (const l of [...listeners]) l(e);
      };
      es.onopen = () => (delay = 500);
      es.onerror = () => {
        // EventSource would retry with the used ticket: close it and start over with a new one
        es?.close();
        if (!closed) retry = setTimeout(() => void connect(Math.min(delay * 2, 10_000)), delay);
      };
    } catch {
      if (!closed) retry = setTimeout(() => void connect(Math.min(delay * 2, 10_000)), delay);
    }
  };
  void connect(500);
  return {
    listeners,
    close: () => {
      closed = true;
      clearTimeout(retry);
      es?.close();
    },
  };
}

/** Hands an exported report to the browser's downloads (a link with a one-use ticket). */
export async function httpDownload(token: string, fileName: string): Promise<void> {
  const t = await ticket(token, { purpose: 'download', name: fileName });
  const a = document.createElement('a');
  a.href = `/api/exports/${encodeURIComponent(fileName)}?ticket=${encodeURIComponent(t)}`;
  a.download = fileName;
  a.click();
}

/** A call that must survive the page unloading (a note being typed when the tab closes). */
export function httpCallOnUnload(token: string, method: string, args: unknown[]): void {
  void post('/api/rpc', token, { method, args }, { keepalive: true }).catch(() => undefined);
}

/**
 * Uploads one file; the server stores it and answers its id (the import names it by that id).
 * XMLHttpRequest, not fetch: fetch reports no upload progress. `signal` aborts the transfer
 * (the server then keeps nothing of it).
 */
export function httpUpload(
  token: string,
  file: File,
  onProgress?: (sent: number) => void,
  signal?: AbortSignal,
): Promise<UploadInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader(TOKEN_HEADER, token);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      let body: RpcAnswer<UploadInfo>;
      try {
        body = JSON.parse(xhr.responseText) as RpcAnswer<UploadInfo>;
      } catch {
        reject(
          new ApiError({
            code: 'network',
            message: `server answered ${xhr.status} ${xhr.statusText}`,
          }),
        );
        return;
      }
      try {
        resolve(resultOf(body));
      } catch (e) {
        reject(e);
      }
    };
    xhr.onerror = () =>
      reject(
        new ApiError({ code: 'network', message: `${file.name}: upload failed (connection lost)` }),
      );
    xhr.onabort = () =>
      reject(new ApiError({ code: 'cancelled', message: `${file.name}: upload cancelled` }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
