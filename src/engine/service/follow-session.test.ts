// "Follow a folder" through the service, as the workspace asks for it: only a granted folder, one
// at a time; files dropped into it arrive as batches and detection runs, with 'follow' events
// carrying the status and 'incidents' events the incidents that appeared at or above the chosen
// severity; the flows cache sees the new flows; re-run detection goes through the follower;
// adding to the open case is refused while it follows; closing the case stops following.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../shared/api';
import type { IncidentNotice } from '../../shared/follow';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { seedLines } from '../../../tests/follow/seed-lines';
import { until } from '../../../tests/netflow/flow-tools';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';

const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;

describe('following a folder through the service', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  const events: ServerEvent[] = [];
  const granted = tmp.file('granted');
  const elsewhere = tmp.file('elsewhere');
  const lastFollow = () => {
    const e = events.filter((x) => x.type === 'follow').at(-1);
    return e?.type === 'follow' ? e.follow : null;
  };

  beforeAll(async () => {
    process.env.NETSIFT_HOME = tmp.file('home');
    fs.mkdirSync(path.join(granted, 'capture'), { recursive: true });
    fs.mkdirSync(elsewhere);
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
    svc.grant(granted);
    svc.onEvent((e) => events.push(e));
    await svc.createCase('live');
  });
  afterAll(async () => {
    await svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('follows only a granted folder (or one below it), one at a time', async () => {
    await expect(svc.followFolder({ path: elsewhere })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      svc.followFolder({ path: path.join(granted, 'capture'), notify: 'loud' as never }),
    ).rejects.toThrow(/notify: one of low, medium, high, critical/);
    expect(await svc.followStatus()).toBeNull();
  });

  it(
    'imports dropped files, detects after each batch, tells of new incidents and stops with the case',
    { timeout: 120_000 },
    async () => {
      const folder = path.join(granted, 'capture');
      const view = await svc.followFolder({ path: folder, notify: 'medium' });
      expect(view).toMatchObject({ folder, notify: 'medium', status: { state: 'following' } });
      await expect(svc.followFolder({ path: granted })).rejects.toThrow(/already following/);
      const other = path.join(granted, 'other.csv');
      fs.writeFileSync(other, seedLines(T0 + 5000, 10));
      await expect(
        svc.importFiles({
          sources: [{ path: other }],
          target: { kind: 'open' },
        }),
      ).rejects.toThrow(/following a folder/);

      // a count the workspace made before the batch must not be served from the cache after it
      expect(await svc.countFlows({})).toBe(0);
      fs.writeFileSync(path.join(folder, 'a.csv'), seedLines(T0, 300));
      await until(
        'batch 1 detected',
        () => (lastFollow()?.status.detection?.runs ?? 0) >= 1,
        60_000,
      );
      expect(await svc.countFlows({})).toBe(300);
      expect(events.some((e) => e.type === 'incidents')).toBe(false);

      fs.writeFileSync(path.join(folder, 'b.csv'), seedLines(T0 + 100, 400, { scan: true }));
      await until('the notice', () => events.some((e) => e.type === 'incidents'), 60_000);
      const notices = events.flatMap((e) =>
        e.type === 'incidents' ? e.notices : [],
      ) as IncidentNotice[];
      expect(notices).toEqual([
        expect.objectContaining({
          change: 'new',
          attacker: '192.168.100.66',
          type: expect.stringMatching(/scan/),
        }),
      ]);
      const incidents = await svc.incidents();
      expect(incidents.map((i) => i.key)).toContain(notices[0].key);
      expect(incidents.find((i) => i.key === notices[0].key)!.id).toBe(notices[0].id);
      // status events came along, with the lag and the detection's state
      const last = events.filter((e) => e.type === 'follow').at(-1);
      expect(last).toMatchObject({ type: 'follow', follow: { folder, status: { flows: 700 } } });
      await until('a case event with the new flows', () =>
        events.some((e) => e.type === 'case' && e.info?.flows === 700),
      );

      // re-run detection goes through the follower (its runs own the case's alerts)
      const rerun = await svc.rerunDetection();
      expect(rerun.incidents).toBe(incidents.length);
      expect(incidents.find((i) => i.key === notices[0].key)!.id).toBe(
        (await svc.incidents()).find((i) => i.key === notices[0].key)!.id,
      );

      await svc.closeCase();
      const end = await svc.followStatus();
      expect(end).toBeNull();
      expect(events.filter((e) => e.type === 'follow').at(-1)).toMatchObject({
        follow: { status: { state: 'stopped', stopReason: 'the case was closed' } },
      });
    },
  );
});
