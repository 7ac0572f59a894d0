// The contract over Electron's preload bridge: each call resolves to the answer envelope main
// returned (src/shared/api-error.ts), unwrapped here into the result or a thrown ApiError, so an
// error keeps its code as it does over HTTP.
import { API_METHODS, type NetsiftApi, type NetsiftBridge } from '../../../shared/api';
import { ApiError, resultOf, type RpcAnswer } from '../../../shared/api-error';

/** An answer of the bridge, unwrapped; a call the bridge itself failed is an internal error. */
export function unwrap<T>(answer: Promise<RpcAnswer<T>>): Promise<T> {
  return answer.then(resultOf, (e: unknown) => {
    throw new ApiError({
      code: 'internal',
      message: `the desktop app did not answer (${e instanceof Error ? e.message : String(e)})`,
    });
  });
}

export function createIpcApi(bridge: NetsiftBridge): NetsiftApi {
  return Object.fromEntries(
    API_METHODS.map((m) => [
      m,
      (...args: unknown[]) =>
        unwrap((bridge[m] as (...a: unknown[]) => Promise<RpcAnswer>)(...args)),
    ]),
  ) as unknown as NetsiftApi;
}
