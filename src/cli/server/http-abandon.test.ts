// Issue 15's load: work for a client that went away. A real loopback server, a real case and real
// DuckDB queries on the service's pool: when the client closes the socket of a call still
// running, its query is interrupted and its connection serves the next call; a quick call is
// answered while heavy calls hold the pool. The slow call is a contract method of the real
// service whose query runs on the real lanes for minutes unless interrupted (no call of the
// contract is that slow on a fixture small enough for a test).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../engine/core/errors';
import type { CaseSession } from '../../engine/service/case-session';
import { defaultOps } from '../../engine/service/default-ops';
import { NetsiftService } from '../../engine/service/netsift-service';
import type { LaneName } from '../../engine/service/query-lanes';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { startServer, type RunningServer } from './http-server';

/** Runs for minutes unless interrupted. */
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000000) t(x) WHERE x % 7 = 3';

describe('netsift serve: calls whose client went away, quick calls under heavy ones', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  let server: RunningServer;
  let session: CaseSession;
  /** The slow calls' outcomes, as the service saw them. */
  const outcomes: Promise<unknown>[] = [];
  let started = 0;

  /** Makes `method` of the service run an endless query on `lane` (see the header). */
  const slow = (method: 'timeline' | 'pairScatter' | 'topTalkers', lane: LaneName) => {
    (svc as unknown as Record<string, () => Promise<unknown>>)[method] = () => {
      const run = session.lane(lane, async (s) => {
        await s.one('SELECT 1'); // the connection is taken at the first statement
        started++;
        return s.one(ENDLESS);
      });
      outcomes.push(run.catch((e: unknown) => e));
      return run;
    };
  };

  const call = (method: string, args: unknown[] = []) => {
    const body = JSON.stringify({ method, args });
    let req!: http.ClientRequest;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/rpc',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-netsift-token': server.token },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    return { answer, req };
  };

  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    // three connections: heavy calls may hold two, one is left to quick calls
    svc = new NetsiftService({
      ops: defaultOps(),
      resourcesDir: tmp.file('none'),
      threads: 1,
      queryConnections: 3,
    });
    session = (svc as unknown as { session: CaseSession }).session;
    await svc.openFile(tmp.file('case.duckdb'));
    server = await startServer({ service: svc, rendererDir: tmp.file('renderer') });
  });
  afterAll(async () => {
    await server.close();
    await svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('interrupts the query of a call whose client closed the socket', async () => {
    slow('timeline', 'charts');
    const before = started;
    const { answer, req } = call('timeline', [{}]);
    answer.catch(() => undefined); // the socket is closed below: no answer comes
    await until(() => started === before + 1);
    req.destroy();
    // the service's run ends with a cancellation, not by running on for minutes
    expect(await outcomes.at(-1)).toBeInstanceOf(CancelledError);
  });

  it('answers a count while heavy calls hold all the connections they may', async () => {
    slow('pairScatter', 'scatter');
    slow('topTalkers', 'charts');
    const before = started;
    const heavy = [call('pairScatter', [{ feature: 'num_conns' }]), call('topTalkers', [{}])];
    for (const h of heavy) h.answer.catch(() => undefined);
    await until(() => started === before + 2);
    const count = await call('countFlows', [{}]).answer;
    expect(count.status).toBe(200);
    expect(JSON.parse(count.body)).toEqual({ ok: true, result: 0 });
    const page = await call('flows', [{ filter: 'dst port 443', offset: 0, limit: 50 }]).answer;
    expect(JSON.parse(page.body)).toMatchObject({ ok: true, result: { rows: [] } });
    // the heavy calls were still running meanwhile; their clients leave and they stop
    for (const h of heavy) h.req.destroy();
    const ended = await Promise.all(outcomes.slice(-2));
    expect(ended.every((e) => e instanceof CancelledError)).toBe(true);
  });
});
