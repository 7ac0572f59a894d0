// The desktop door as the page sees it, the bridge mocked as the preload exposes it: answers are
// envelopes, a failed one throws an ApiError with the engine's code (before, IPC threw a bare
// Error whose message the page cleaned with a regex, and the code was lost), and the page
// chooses its words by that code.
import { describe, expect, it, vi } from 'vitest';
import type { NetsiftBridge } from '../../../shared/api';
import { API_METHODS } from '../../../shared/api';
import { ApiError } from '../../../shared/api-error';
import { errorText } from './error-text';
import { createIpcApi } from './ipc-client';

function bridge(answer: (method: string, args: unknown[]) => unknown): NetsiftBridge {
  return Object.fromEntries(
    API_METHODS.map((m) => [m, vi.fn(async (...args: unknown[]) => answer(m, args))]),
  ) as unknown as NetsiftBridge;
}

describe('the contract over the preload bridge', () => {
  it('answers results and throws errors with their code', async () => {
    const api = createIpcApi(
      bridge((m, args) =>
        m === 'checkFilter'
          ? { ok: true, result: { ok: true } }
          : {
              ok: false,
              error: { code: 'forbidden', message: `${String(args[0])}: forbidden: not granted` },
            },
      ),
    );
    expect(await api.checkFilter('dst port 22')).toEqual({ ok: true });
    const e = await api.openCase('/etc/shadow').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ code: 'forbidden', message: '/etc/shadow: forbidden: not granted' });
    expect(errorText(e)).toBe('/etc/shadow: forbidden: not granted');
  });

  it('says a bridge that failed itself as internal, and cancelled as such', async () => {
    const broken = createIpcApi(
      bridge(() => {
        throw new Error("Error invoking remote method 'netsift:rpc': no handler");
      }),
    );
    const e = await broken.caseInfo().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'internal' });
    expect(errorText(e)).toMatch(/^netsift failed on its side/);
    const cancelled = createIpcApi(
      bridge(() => ({ ok: false, error: { code: 'cancelled', message: 'job cancelled' } })),
    );
    expect(errorText(await cancelled.jobs().catch((x: unknown) => x))).toBe('Cancelled.');
    expect(errorText(new Error('plain'))).toBe('plain');
  });
});
