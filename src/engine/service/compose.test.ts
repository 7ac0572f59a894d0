// The one API is the domain services' methods: every method of every domain contract is there,
// bound to its domain's service, and nothing outside the contract is reachable by method name.
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { API_METHODS, CONTRACTS, isApiMethod, type Domain } from '../../shared/api';
import { NetsiftError } from '../core/errors';
import { CALL_SHAPES } from './call-shapes';
import { composeApi, type DomainImplementations } from './compose';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';

describe('contracts by domain, composed', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());

  it('lists each method once, in exactly one domain', () => {
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    const count = Object.values(CONTRACTS).reduce((n, l) => n + l.length, 0);
    expect(API_METHODS.length).toBe(count);
  });

  it("gives the service every contract method, as its domain's service's own", async () => {
    const svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none') });
    try {
      for (const domain of Object.keys(CONTRACTS) as Domain[])
        for (const m of CONTRACTS[domain]) {
          expect(typeof svc[m], m).toBe('function');
          expect(m in svc.domains[domain], `${domain}.${m}`).toBe(true);
        }
      // the domain's service answers through the composed method
      svc.domains.jobs.jobs = async () => [];
      expect(await svc.jobs()).toEqual([]);
    } finally {
      await svc.close();
    }
  });

  it('keeps what only a door may do out of reach of the page', () => {
    for (const m of ['grant', 'uploadStore', 'sweepAtStart', 'openFile', 'close', 'refreshDue'])
      expect(isApiMethod(m), m).toBe(false);
    for (const m of ['exportTo', 'html', 'samplePath', 'domains', 'saveAppSettings'])
      expect(isApiMethod(m), m).toBe(false);
  });

  it('refuses a method two domains claim', () => {
    const noop = () => undefined;
    const services = Object.fromEntries(
      Object.entries(CONTRACTS).map(([d, methods]) => [
        d,
        Object.fromEntries([...methods, 'flows'].map((m) => [m, noop])),
      ]),
    ) as unknown as DomainImplementations;
    expect(() => composeApi(services)).not.toThrow();
    const twice = { ...CONTRACTS, jobs: [...CONTRACTS.jobs, 'flows'] };
    expect(() => composeApi(services, twice)).toThrow(/flows is in two domains/);
  });
});

describe('arguments checked at the contract boundary', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());

  it('refuses values of the wrong shape with a usage error naming the method and field', async () => {
    const svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none') });
    const call = (m: string, ...args: unknown[]) =>
      (svc as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m](...args);
    try {
      const refused = async (p: Promise<unknown>) => {
        const e = await p.then(
          () => null,
          (x: unknown) => x,
        );
        expect(e).toBeInstanceOf(NetsiftError);
        return { code: (e as NetsiftError).code, message: (e as NetsiftError).message };
      };
      expect(await refused(call('flows', { filter: 7, offset: 0, limit: 10 }))).toEqual({
        code: 'usage',
        message: 'invalid arguments for flows: filter must be text',
      });
      expect((await refused(call('host', { ip: '10.0.0.1' }))).message).toBe(
        'invalid arguments for host: the argument must be text',
      );
      expect((await refused(call('countFlows', { selector: { srcPorts: ['22'] } }))).message).toBe(
        'invalid arguments for countFlows: selector.srcPorts[0] must be a whole number',
      );
      expect((await refused(call('flows', { offset: '10', limit: 10 }))).message).toMatch(
        /offset must be a whole number/,
      );
      expect((await refused(call('renameCase', 'a', 'b', 'c'))).message).toMatch(
        /renameCase: takes 2 arguments/,
      );
      // null is JSON's absent: accepted where a field is optional
      expect(await call('jobs')).toEqual([]);
      expect(await call('checkFilter', 'proto tcp')).toEqual({ ok: true });
    } finally {
      await svc.close();
    }
  });

  it('knows every contract method', () => {
    expect(Object.keys(CALL_SHAPES).sort()).toEqual([...API_METHODS].sort());
  });
});
