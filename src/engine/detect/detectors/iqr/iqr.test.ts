import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows, type FlowRow } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at } from '../../../../../tests/helpers/background';
import { labelledIds, selectedIds } from '../../../../../tests/helpers/evidence';
import { iqrDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

/** One 10 s window: 12 pairs with 1-2 ports each, plus one pair with `ports` distinct ports. */
function window(ports: number): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let i = 0; i < 12; i++)
    for (let k = 0; k <= i % 2; k++)
      rows.push({
        ts: at(1 + i * 0.5),
        src_ip: `192.168.1.${10 + i}`,
        dst_ip: '192.168.1.3',
        dst_port: 445 + k,
      });
  for (let p = 0; p < ports; p++)
    rows.push({
      ts: at(2 + p * 0.01),
      src_ip: '192.168.1.66',
      dst_ip: '192.168.1.20',
      dst_port: 1 + p,
      label: 'out',
    });
  return rows;
}

describe('iqr detector', () => {
  it('flags the outlier pair once per window with its fence', async () => {
    await insertFlows(store, window(40));
    const alerts = await runDetector(store, iqrDetector);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect([a.src_ip, a.dst_ip]).toEqual(['192.168.1.66', '192.168.1.20']);
    expect(a.features).toEqual([
      expect.objectContaining({
        name: 'num_dst_ports',
        value: 40,
        threshold: 5,
        direction: 'above',
      }),
    ]);
    expect(await selectedIds(store, a.evidence)).toEqual(await labelledIds(store, 'out'));
  });

  it('ignores an outlier below the absolute floor (3 ports over a fence of 2 is not an attack)', async () => {
    await insertFlows(store, window(3));
    expect(await runDetector(store, iqrDetector)).toEqual([]);
  });

  it('seed profile: one alert per flow of the outlier pair, as the seed counted', async () => {
    await insertFlows(store, window(8));
    expect(await runDetector(store, iqrDetector)).toEqual([]);
    const alerts = await runDetector(store, iqrDetector, { profile: 'seed' });
    expect(alerts).toHaveLength(8);
    expect(new Set(alerts.map((a) => a.src_ip))).toEqual(new Set(['192.168.1.66']));
    const ids = (await Promise.all(alerts.map((a) => selectedIds(store, a.evidence))))
      .flat()
      .sort((x, y) => x - y);
    expect(ids).toEqual(await labelledIds(store, 'out'));
  });
});
