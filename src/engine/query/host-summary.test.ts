import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../store/case-store';
import { ipToBigInt, parseCidr } from '../util/ip';
import { fixtureStore } from './fixture.test-helper';
import { hostSummary } from './host-summary';
import { importsList, rejectsPage } from './imports';

let store: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
  const r = parseCidr('10.0.0.0/29')!;
  const one = ipToBigInt('8.8.8.8')!;
  await store.run(
    `INSERT INTO intel_ranges VALUES ('test-feed', 'v1', '10.0.0.0/29', $1::UHUGEINT, $2::UHUGEINT),
       ('other', '2019-10-03', '8.8.8.8', $3::UHUGEINT, $3::UHUGEINT)`,
    [r.lo.toString(), r.hi.toString(), one.toString()],
  );
  await store.run(
    `INSERT INTO incidents VALUES
       (1, 1, 'k1', 'vertical-scan', 'high', 0.9, '10.0.0.5', ['10.0.0.9'], ['10.0.0.5', '10.0.0.9'],
        '2017-01-27 16:00:01', '2017-01-27 16:00:02', ['scan'], 2, 2, 'scan of 10.0.0.9', '{}'),
       (2, 1, 'k2', 'blacklist', 'medium', 0.5, '8.8.8.8', ['10.0.0.5'], ['8.8.8.8', '10.0.0.5'],
        '2017-01-27 16:00:00', '2017-01-27 16:00:00', ['blacklist'], 1, 1, 'listed', '{}'),
       (3, 1, 'k3', 'anomaly', 'low', 0.2, '192.168.1.7', [], ['192.168.1.7'],
        '2017-01-27 16:00:03', '2017-01-27 16:00:03', ['hbos'], 1, 1, 'odd', '{}')`,
  );
  await store.run(
    `INSERT INTO rejects VALUES (1, 7, 'garbage line', 'bad timestamp'), (1, 3, 'x,y', 'too few fields'),
       (2, 9, 'z', 'bad address')`,
  );
});
afterAll(() => store.close());

describe('hostSummary', () => {
  it('summarises a host from both sides of its flows', async () => {
    const h = await hostSummary(store, '10.0.0.5');
    expect(h).toEqual({
      ip: '10.0.0.5',
      kind: 'internal',
      internal: true,
      first_seen: '2017-01-27T16:00:00.000Z',
      last_seen: '2017-01-27T17:00:00.000Z',
      flows_as_src: 4,
      flows_as_dst: 1,
      bytes_out: 1000 + 100 + 100 + 64 + 200,
      bytes_in: 5000 + 0 + 0 + 64 + 80,
      peers: [
        { ip: '10.0.0.9', flows: 3, bytes: 480 },
        { ip: '8.8.8.8', flows: 1, bytes: 6000 },
        { ip: '8.8.4.4', flows: 1, bytes: 128 },
      ],
      dst_ports: [
        { port: 443, proto: 'tcp', service: 'https', flows: 1, bytes: 6000 },
        { port: null, proto: 'icmp', service: null, flows: 1, bytes: 128 },
        { port: 22, proto: 'tcp', service: 'ssh', flows: 1, bytes: 100 },
        { port: 3389, proto: 'tcp', service: 'rdp', flows: 1, bytes: 100 },
      ],
      served_ports: [{ port: 33333, proto: 'udp', service: null, flows: 1, bytes: 280 }],
      blacklist: [{ feed_id: 'test-feed', feed_version: 'v1', entry: '10.0.0.0/29' }],
      incidents: [
        { id: 1, type: 'vertical-scan', severity: 'high', score: 0.9, summary: 'scan of 10.0.0.9' },
        { id: 2, type: 'blacklist', severity: 'medium', score: 0.5, summary: 'listed' },
      ],
    });
  });

  it('serves the other side, public hosts, IPv6 and unknown hosts', async () => {
    const g = await hostSummary(store, '8.8.8.8');
    expect(g).toMatchObject({
      kind: 'public',
      internal: false,
      flows_as_src: 0,
      flows_as_dst: 1,
      bytes_out: 5000,
      bytes_in: 1000,
    });
    expect(g.served_ports).toEqual([
      { port: 443, proto: 'tcp', service: 'https', flows: 1, bytes: 6000 },
    ]);
    expect(g.blacklist).toEqual([
      { feed_id: 'other', feed_version: '2019-10-03', entry: '8.8.8.8' },
    ]);
    const v6 = await hostSummary(store, '2001:DB8:0::1');
    expect(v6).toMatchObject({
      ip: '2001:db8::1',
      kind: 'documentation',
      flows_as_src: 1,
      last_seen: '2017-01-27T16:30:00.000Z',
    });
    const none = await hostSummary(store, '1.2.3.4');
    expect(none).toMatchObject({
      flows_as_src: 0,
      flows_as_dst: 0,
      first_seen: null,
      peers: [],
      dst_ports: [],
      incidents: [],
    });
    await expect(hostSummary(store, '999.1.1.1')).rejects.toThrow(/invalid IP address '999.1.1.1'/);
  });

  it('uses ts_end for last seen', async () => {
    expect((await hostSummary(store, '203.0.113.9')).last_seen).toBe('2017-01-27T16:06:00.000Z');
  });
});

describe('imports and rejects', () => {
  it('lists imports and pages rejected lines', async () => {
    const list = await importsList(store);
    expect(list.map((i) => [i.id, i.format, i.rows_read])).toEqual([
      [1, 'fixture', 6],
      [2, 'fixture', 2],
    ]);
    expect(await rejectsPage(store, { offset: 0, limit: 10 })).toEqual({
      total: 3,
      rows: [
        { import_id: 1, line: 3, raw: 'x,y', reason: 'too few fields' },
        { import_id: 1, line: 7, raw: 'garbage line', reason: 'bad timestamp' },
        { import_id: 2, line: 9, raw: 'z', reason: 'bad address' },
      ],
    });
    expect(await rejectsPage(store, { importId: 1, offset: 1, limit: 10 })).toEqual({
      total: 2,
      rows: [{ import_id: 1, line: 7, raw: 'garbage line', reason: 'bad timestamp' }],
    });
    await expect(rejectsPage(store, { offset: 0, limit: -1 })).rejects.toThrow(/limit/);
  });
});
