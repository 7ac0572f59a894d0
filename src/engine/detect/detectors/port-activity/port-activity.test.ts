import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../../store/case-store';
import { insertFlows } from '../../../../../tests/helpers/flows';
import { runDetector } from '../../../../../tests/helpers/detect';
import { at, background } from '../../../../../tests/helpers/background';
import { portActivityDetector } from './index';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

describe('port-activity detector', () => {
  it('reports a known host using new ports after warm-up, once per host', async () => {
    await insertFlows(store, [
      ...background(),
      { ts: at(400), src_ip: '192.168.1.12', dst_ip: '192.168.1.3', dst_port: 3389, label: 'new' },
      { ts: at(410), src_ip: '192.168.1.12', dst_ip: '192.168.1.3', dst_port: 3389, label: 'new' },
      { ts: at(420), src_ip: '192.168.1.12', dst_ip: '192.168.1.3', dst_port: 5900, label: 'new' },
    ]);
    const alerts = await runDetector(store, portActivityDetector);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a.src_ip).toBe('192.168.1.12');
    expect(a.features[0]).toMatchObject({ name: 'new_dst_ports', value: 2 });
    expect(a.evidence.dstPorts).toEqual([3389, 5900]);
    expect(a.flow_count).toBe(3);
    expect(a.score).toBeLessThan(0.5);
  });

  it('stays quiet when hosts keep to their ports', async () => {
    await insertFlows(store, background());
    expect(await runDetector(store, portActivityDetector)).toEqual([]);
  });
});
