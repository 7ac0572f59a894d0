// The contract mocked for renderer tests: every method of NetsiftApi (generated from
// API_METHODS, so a new method is there too) is a vi.fn that fails loudly unless the test gives
// it an answer. Components import `api` from api/client; a test mocks that module with
// `vi.mock('<path>/api/client', () => mockClient())` and sets answers on `mockApi`.
import { vi, type Mock } from 'vitest';
import { API_METHODS, type ApiMethod, type NetsiftApi } from '../../../shared/api';
import { errorText } from '../api/error-text';

export type MockApi = { [M in ApiMethod]: Mock<NetsiftApi[M]> };

export const mockApi = Object.fromEntries(
  API_METHODS.map((m) => [m, vi.fn()]),
) as unknown as MockApi;

/** Every method back to "not answered": a call the test did not expect fails the test. */
export function resetMockApi(): void {
  for (const m of API_METHODS)
    mockApi[m]
      .mockReset()
      .mockImplementation((() =>
        Promise.reject(new Error(`the test gave no answer for api.${m}`))) as never);
}

/** What api/client exports, over the mocked contract. */
export function mockClient() {
  return {
    api: mockApi,
    transport: 'http' as const,
    errorText,
    onServerEvent: () => () => undefined,
    callOnUnload: (method: ApiMethod, args: unknown[]) =>
      void (mockApi[method] as unknown as (...a: unknown[]) => Promise<unknown>)(...args),
    uploadFile: vi.fn(),
    downloadExport: vi.fn(),
    grantDropped: null,
    chooseCase: null,
    chooseFiles: null,
  };
}
