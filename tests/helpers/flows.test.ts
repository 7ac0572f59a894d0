import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/engine/store/case-store';
import { insertFlows } from './flows';

describe('insertFlows fixture helper', () => {
  it('appends flows with numeric addresses', async () => {
    const s = await CaseStore.open(':memory:');
    await insertFlows(s, [
      { ts: '2017-01-27 16:24:42', src_ip: '192.168.1.5', dst_ip: '8.8.8.8', dst_port: 53, proto: 'udp' },
      { ts: '2017-01-27 16:24:43.5', src_ip: '2001:db8::1', dst_ip: '::1', dst_port: 80 },
    ]);
    const rows = await s.all(
      `SELECT id, ts, src_ip, ip_internal(src_num) AS internal, ip_special(dst_num) AS kind FROM flows ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, ts: '2017-01-27T16:24:42.000Z', src_ip: '192.168.1.5', internal: true, kind: null },
      { id: 2, ts: '2017-01-27T16:24:43.500Z', src_ip: '2001:db8::1', internal: false, kind: 'loopback' },
    ]);
    s.close();
  });
});
