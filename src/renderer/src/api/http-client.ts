// The contract over the loopback server: JSON RPC with the token from the page URL, events by SSE.
import type { ApiErrorBody, JobState, NetsiftApi, ServerEvent } from '../../../shared/api';
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

export async function httpUpload(token: string, file: File): Promise<JobState> {
  const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'x-netsift-token': token, 'content-type': 'application/octet-stream' },
    body: file,
  });
  const body = (await res.json()) as { ok: boolean; result?: JobState; error?: ApiErrorBody };
  if (!body.ok) throw new ApiError(body.error?.message ?? 'upload failed', body.error?.code ?? 'internal');
  return body.result!;
}
