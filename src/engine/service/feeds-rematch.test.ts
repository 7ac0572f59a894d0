// A feed refresh that changes a list matches the open case again (the blacklist detector alone,
// on the flows already imported: refreshThenRematch); one that changes nothing runs no detection.
// Real feed server on 127.0.0.1, real case file, feeds in a temp NETSIFT_HOME.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import type { ServerEvent } from '../../shared/api';
import { startTestServer, type TestServer } from '../intel/test-server';
import { CaseStore } from '../store/case-store';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';

describe('refresh then re-match', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  let srv: TestServer;
  const events: ServerEvent[] = [];

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    srv = await startTestServer();
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
    svc.grant(tmp.dir);
    svc.onEvent((e) => events.push(e));
  });
  afterAll(async () => {
    await svc.close();
    await srv.close();
    if (prevHome === undefined) delete process.env.NETSIFT_HOME;
    else process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('re-matches the open case after a feed changed, and skips detection when nothing changed', async () => {
    let body = '45.77.1.1\n';
    srv.route('/rd', (_q, r) => (r.writeHead(200), r.end(body)));
    await svc.addFeed({ id: 'rd', url: srv.url('/rd'), format: 'ip-list', intervalSeconds: 0 });
    const file = tmp.file('rematch.duckdb');
    const s = await CaseStore.open(file);
    const at = '2017-01-27 16:24:42';
    await insertFlows(s, [
      { ts: at, src_ip: '192.168.1.40', dst_ip: '45.77.1.1', dst_port: 443, dst_bytes: 500 },
      { ts: at, src_ip: '192.168.1.41', dst_ip: '45.77.2.2', dst_port: 443, dst_bytes: 500 },
    ]);
    s.close();
    await svc.openCase(file);
    const rematches = () => events.filter((e) => e.type === 'case' && e.info?.path === file).length;

    const opened = rematches();
    await svc.refreshFeeds(['rd']);
    expect(rematches()).toBe(opened + 1);
    expect((await svc.caseInfo())!.alerts).toBe(1);

    await svc.refreshFeeds(['rd']); // the same body: no new version, no detection
    expect(rematches()).toBe(opened + 1);

    body = '45.77.1.1\n45.77.2.2\n';
    await svc.refreshFeeds(['rd']);
    expect(rematches()).toBe(opened + 2);
    expect((await svc.caseInfo())!.alerts).toBe(2);
    await svc.removeFeed('rd');
  });
});
