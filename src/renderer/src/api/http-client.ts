// The contract over the loopback server: JSON RPC with the token from the page URL, events by SSE.
import type { ApiErrorBody, NetsiftApi, ServerEvent, UploadInfo } from '../../../shared/api';
import { API_METHODS } from '../../../shared/api';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly offset?: number,
    readonly length?: number,
  ) {
    super(message);
  }
}

export function httpToken(): string {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem('netsift-token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('netsift-token') ?? '';
}

export function createHttpApi(token: string): NetsiftApi {
  const call = async (method: string, args: unknown[]) => {
    const res = await fetch('/api/rpc', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netsift-token': token },
      body: JSON.stringify({ method, args }),
    });
    let body: { ok: boolean; result?: unknown; error?: ApiErrorBody & { offset?: number; length?: number } };
    try {
      body = await res.json();
    } catch {
      throw new ApiError(`server answered ${res.status} ${res.statusText}`, 'network');
    }
    if (!body.ok) {
      const e = body.error;
      throw new ApiError(e?.message ?? 'request failed', e?.code ?? 'internal', e?.offset, e?.length);
    }
    return body.result;
  };
  return Object.fromEntries(
    API_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]),
  ) as unknown as NetsiftApi;
}

export function httpEvents(token: string, listener: (e: ServerEvent) => void): () => void {
  const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  es.onmessage = (m) => listener(JSON.parse(m.data) as ServerEvent);
  return () => es.close();
}

/**
 * Uploads one file; the server stores it and answers its id (the import names it by that id).
 * XMLHttpRequest, not fetch: fetch reports no upload progress. `signal` aborts the transfer
 * (the server then keeps nothing of it).
 */
export function httpUpload(token: string, file: File, onProgress?: (sent: number) => void, signal?: AbortSignal): Promise<UploadInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('x-netsift-token', token);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      let body: { ok: boolean; result?: UploadInfo; error?: ApiErrorBody };
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new ApiError(`server answered ${xhr.status} ${xhr.statusText}`, 'network'));
        return;
      }
      if (body.ok && body.result) resolve(body.result);
      else reject(new ApiError(body.error?.message ?? 'upload failed', body.error?.code ?? 'internal'));
    };
    xhr.onerror = () => reject(new ApiError(`${file.name}: upload failed (connection lost)`, 'network'));
    xhr.onabort = () => reject(new ApiError(`${file.name}: upload cancelled`, 'cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
