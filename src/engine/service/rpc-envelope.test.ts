// The one error envelope, end to end without Electron: what main's IPC handler answers for a
// call (answerCall, as src/main/ipc.ts uses it), and what the renderer's client makes of it
// (resultOf throws an ApiError). Before the envelope, IPC threw and the page got only a message:
// the code ('forbidden', 'cancelled'...) was lost and the page stripped Electron's prefix.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { ApiError, resultOf, type RpcAnswer } from '../../shared/api-error';
import { NetsiftError } from '../core/errors';
import { FilterError } from '../query/filter/filter-error';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';
import { answerCall, publicError } from './public-error';

describe('the error envelope (IPC and HTTP alike)', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  const logged: string[] = [];
  const log = (method: string) => void logged.push(method);

  beforeAll(() => {
    process.env.NETSIFT_HOME = tmp.file('home');
    fs.mkdirSync(tmp.file('outside'));
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
  });
  afterAll(async () => {
    await svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it("answers a refused call with its code, which the page's client throws as an ApiError", async () => {
    const outside = path.join(tmp.file('outside'), 'case.duckdb');
    const answer = await answerCall('openCase', () => svc.openCase(outside), log);
    expect(answer.ok).toBe(false);
    expect(answer).toMatchObject({ error: { code: 'forbidden' } });
    let thrown: unknown;
    try {
      resultOf(answer);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).code).toBe('forbidden');
    expect((thrown as ApiError).message).toContain(outside);
    expect(logged).toEqual([]); // refused on purpose: nothing for the log
  });

  it('answers a result as { ok: true, result }, and nothing as null', async () => {
    const info = await answerCall('caseInfo', () => svc.caseInfo(), log);
    expect(info).toEqual({ ok: true, result: null });
    expect(resultOf(await answerCall('recentCases', () => svc.recentCases(), log))).toEqual([]);
  });

  it('carries the file and line of an error, and a filter error its place', async () => {
    const place = await answerCall(
      'importFiles',
      () => Promise.reject(new NetsiftError('bad field', 'input', { file: 'a.csv', line: 7 })),
      log,
    );
    expect(place).toEqual({
      ok: false,
      error: { code: 'input', message: 'bad field', file: 'a.csv', line: 7 },
    });
    const filter = publicError(new FilterError('unknown word', 4, 3, 'xyz')).error;
    expect(filter).toMatchObject({ code: 'input', offset: 4, length: 3 });
  });

  it('never quotes SQL or internals: an unexpected error is internal and logged', async () => {
    const answer: RpcAnswer = await answerCall(
      'flows',
      () => Promise.reject(new Error('Binder Error: LINE 1: SELECT secret FROM flows')),
      log,
    );
    expect(answer).toEqual({
      ok: false,
      error: { code: 'internal', message: 'internal error; the details are in the netsift log' },
    });
    expect(logged).toEqual(['flows']);
  });

  it('answers an answer the page cannot read as an internal ApiError', () => {
    expect(() => resultOf(undefined)).toThrow(ApiError);
    expect(() => resultOf({ ok: false } as unknown as RpcAnswer)).toThrow(/cannot read/);
  });
});
