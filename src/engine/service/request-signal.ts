// The abort signal of the request a service call serves, without adding a parameter to every
// method of the contract: a door runs the call inside withRequestSignal(), and the query lanes
// (query-lanes.ts) read it to drop a queued query or interrupt a running one when the client
// went away (the page closed the request, or superseded it with a newer one).
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

export function withRequestSignal<T>(signal: AbortSignal, fn: () => T): T {
  return current.run(signal, fn);
}

export function requestSignal(): AbortSignal | undefined {
  return current.getStore();
}
