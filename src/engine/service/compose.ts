// The one API the doors carry, made of the domain services: each method of a domain's contract
// (CONTRACTS in src/shared/api.ts) is that domain's service's method, bound. The lists are
// checked against the interfaces at compile time, so every method has its implementation. Each
// call's arguments are checked against the method's shapes first (call-shapes.ts): the doors
// carry untyped JSON, the services are written for the contract's types.
import { CONTRACTS, type Domain, type DomainApis, type NetsiftApi } from '../../shared/api';
import { checkCallArgs, type Shape } from './call-args';
import { CALL_SHAPES } from './call-shapes';

export type DomainImplementations = { [D in Domain]: DomainApis[D] };

export function composeApi(
  services: DomainImplementations,
  contracts: { readonly [D in Domain]: readonly string[] } = CONTRACTS,
  shapes: Readonly<Record<string, readonly Shape[]>> = CALL_SHAPES,
): NetsiftApi {
  const api: Record<string, unknown> = {};
  for (const domain of Object.keys(contracts) as Domain[]) {
    const service = services[domain] as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const method of contracts[domain]) {
      if (method in api) throw new Error(`contract: ${method} is in two domains`);
      const fn = service[method];
      const argShapes = shapes[method];
      api[method] = argShapes
        ? async (...args: unknown[]) => {
            checkCallArgs(method, args, argShapes);
            return fn.apply(service, args);
          }
        : fn.bind(service);
    }
  }
  return api as unknown as NetsiftApi;
}
