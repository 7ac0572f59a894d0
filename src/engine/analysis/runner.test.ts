import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { at, background } from '../../../tests/helpers/background';
import { selectedIds, labelledIds } from '../../../tests/helpers/evidence';
import { runDetection } from './runner';
import { buildReport } from './report';
import type { Detector } from '../detect/types';
import { DETECTORS } from '../detect/registry';

/** Detector ids as a run orders them (the registry's order). */
const inRunOrder = (ids: string[]) => DETECTORS.map((d) => d.id).filter((id) => ids.includes(id));

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
  const scan: FlowRow[] = [];
  for (let p = 1; p <= 120; p++)
    scan.push({
      ts: at(60 + p * 0.5),
      src_ip: '192.168.1.66',
      dst_ip: '192.168.1.20',
      dst_port: p,
      state: 'reset',
      dst_bytes: 0,
      label: 'scan',
    });
  await insertFlows(store, [...background(), ...scan]);
});
afterEach(() => store.close());

describe('detection runner', () => {
  it('writes alerts, incidents and the run; a re-run replaces them; the report reads them', async () => {
    // the seed's detectors and scan; a fixture this regular would rightly look like beacons to others
    const only = ['basic', 'port-activity', 'ip-activity', 'iqr', 'scan'];
    const r1 = await runDetection(store, { only }).result;
    expect(r1.detectors.map((d) => d.id)).toEqual(inRunOrder(only));
    expect(r1.incidents).toBe(1);
    const report = await buildReport(store);
    expect(report.summary).toMatchObject({
      flows: 975,
      window_seconds: 10,
      windows: 60,
      incidents: 1,
      alerts: r1.alerts,
    });
    const inc = report.incidents[0];
    expect(inc).toMatchObject({
      id: 1,
      key: 'vertical-scan:192.168.1.66',
      type: 'vertical-scan',
      attacker: '192.168.1.66',
      victims: ['192.168.1.20'],
    });
    expect(inc.detectors).toContain('scan');
    expect(await selectedIds(store, inc.evidence)).toEqual(await labelledIds(store, 'scan'));
    expect(inc.flow_count).toBe(120);
    expect(report.alerts.filter((a) => a.incident_id === 1).length).toBe(inc.alert_count);

    const r2 = await runDetection(store, { only: ['scan'], params: { scan: { minTargets: 500 } } })
      .result;
    expect(r2.runId).toBe(r1.runId + 1);
    const again = await buildReport(store);
    // scan's alerts were replaced (by none); the other detectors' latest alerts are kept
    const scanAlerts = r1.detectors.find((d) => d.id === 'scan')!.alerts;
    expect(again.alerts.filter((a) => a.detector === 'scan')).toEqual([]);
    expect(again.summary.alerts).toBe(r1.alerts - scanAlerts);
    expect(again.incidents.some((i) => i.detectors.includes('scan'))).toBe(false);
    expect(again.summary.detectors).toEqual([
      expect.objectContaining({ id: 'scan', params: expect.objectContaining({ minTargets: 500 }) }),
    ]);
  });

  it('a partial run (only) keeps the other detectors’ alerts and rebuilds the same incidents', async () => {
    const r1 = await runDetection(store, {
      only: ['basic', 'port-activity', 'ip-activity', 'iqr', 'scan'],
    }).result;
    const before = await buildReport(store);
    const r2 = await runDetection(store, { only: ['basic'] }).result;
    const after = await buildReport(store);
    expect(r2.alerts).toBe(r1.alerts);
    expect(after.incidents.map((i) => [i.key, i.flow_count])).toEqual(
      before.incidents.map((i) => [i.key, i.flow_count]),
    );
    expect(after.alerts.map((a) => a.detector).sort()).toEqual(
      before.alerts.map((a) => a.detector).sort(),
    );
  });

  it("previews the incidents after each detector, before the run ends, and ends on the run's own", async () => {
    const only = ['basic', 'port-activity', 'ip-activity', 'iqr', 'scan'];
    const seen: { keys: string[]; done: string[]; left: string[] }[] = [];
    const job = runDetection(store, {
      only,
      onIncidents: (so) =>
        seen.push({ keys: so.incidents.map((i) => i.key), done: so.done, left: so.left }),
    });
    await job.result;
    // previews come while detectors are still to run, each naming what is done and what is left;
    // the last (after the last detector that alerted) is the run's own list
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0].left.length).toBeGreaterThan(0);
    for (const s of seen) expect([...s.done, ...s.left]).toEqual(inRunOrder(only));
    const last = seen.at(-1)!;
    const report = await buildReport(store);
    expect(last.keys).toEqual(report.incidents.map((i) => i.key));
  });

  it('refuses unknown detectors and parameters before doing anything', () => {
    expect(() => runDetection(store, { only: ['nope'] })).toThrow(/unknown detector "nope"/);
    expect(() => runDetection(store, { params: { scan: { bogus: 1 } } })).toThrow(
      /unknown parameter "bogus"/,
    );
    expect(() => runDetection(store, { windowSeconds: 0 })).toThrow(/window/);
  });

  it('a failed or cancelled run leaves the previous results intact', async () => {
    await runDetection(store, { only: ['scan'] }).result;
    const before = await buildReport(store);
    const failing: Detector = {
      id: 'boom',
      title: 'fails',
      description: '',
      params: {},
      run: async () => {
        throw new Error('boom');
      },
    };
    const job = runDetection(store, { detectors: [failing] });
    await expect(job.result).rejects.toThrow('boom');
    const slow: Detector = {
      id: 'slow',
      title: 'slow query',
      description: '',
      params: {},
      run: async (ctx) => {
        await ctx.conn.run('SELECT count(*) FROM range(3000000000) a');
        return [];
      },
    };
    const j2 = runDetection(store, { detectors: [slow] });
    setTimeout(() => j2.cancel(), 300);
    await expect(j2.result).rejects.toThrow(/cancelled/);
    expect(j2.status).toBe('cancelled');
    const after = await buildReport(store);
    expect(after.incidents).toEqual(before.incidents);
    expect(after.summary.alerts).toBe(before.summary.alerts);
  });
});
