// The one API the doors carry, made of the domain services: each method of a domain's contract
// (CONTRACTS in src/shared/api.ts) is that domain's service's method, bound. The lists are
// checked against the interfaces at compile time, so every method has its implementation.
import { CONTRACTS, type Domain, type DomainApis, type NetsiftApi } from '../../shared/api';

export type DomainImplementations = { [D in Domain]: DomainApis[D] };

export function composeApi(
  services: DomainImplementations,
  contracts: { readonly [D in Domain]: readonly string[] } = CONTRACTS,
): NetsiftApi {
  const api: Record<string, unknown> = {};
  for (const domain of Object.keys(contracts) as Domain[]) {
    const service = services[domain] as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const method of contracts[domain]) {
      if (method in api) throw new Error(`contract: ${method} is in two domains`);
      api[method] = service[method].bind(service);
    }
  }
  return api as unknown as NetsiftApi;
}
