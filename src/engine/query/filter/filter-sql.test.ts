// The compiled filters run on a real DuckDB case: each expression selects exactly these flows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../../store/case-store';
import { fixtureStore } from '../fixture.test-helper';
import { filterToSql } from './index';

let store: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
});
afterAll(() => store.close());

async function ids(filter: string): Promise<number[]> {
  const { sql, params } = filterToSql(filter);
  const rows = await store.all<{ id: number }>(
    `SELECT id FROM flows WHERE ${sql} ORDER BY id`,
    params,
  );
  return rows.map((r) => r.id);
}

const CASES: [string, number[]][] = [
  ['any', [1, 2, 3, 4, 5, 6, 7, 8]],
  ['', [1, 2, 3, 4, 5, 6, 7, 8]],
  ['src ip 10.0.0.5', [1, 2, 3, 5]],
  ['dst ip 10.0.0.5', [8]],
  ['ip 10.0.0.5', [1, 2, 3, 5, 8]],
  ['host 10.0.0.5', [1, 2, 3, 5, 8]],
  ['ip in [8.8.8.8 8.8.4.4]', [1, 5]],
  ['dst ip != 10.0.0.9', [1, 4, 5, 7, 8]],
  ['dst net 10.0.0.0/8', [2, 3, 6, 8]],
  ['not dst net 10.0.0.0/8', [1, 4, 5, 7]],
  ['net 2001:db8::/32', [7]],
  ['src net 10.0.0.4/30', [1, 2, 3, 5]],
  ['net 10.0.0.8/29', [2, 3, 6, 8]],
  ['dst net 0.0.0.0/0', [1, 2, 3, 4, 5, 6, 8]],
  ['src net 192.168.1.0/24', [4]],
  ['src net 10.0.0.0/16 and not src net 10.0.0.0/24', []],
  ['src net 2001:db8::1/128', [7]],
  ['dst ip 2001:db8:0:0::2', [7]],
  ['net in [192.168.0.0/16 203.0.113.0/24]', [4, 6]],
  ['port 22', [2]],
  ['dst port in [22 3389]', [2, 3]],
  ['port 5353', [4]],
  ['not port 22', [1, 3, 4, 5, 6, 7, 8]],
  ['port != 22', [1, 3, 4, 5, 6, 7, 8]],
  ['dst port 1-1024', [1, 2, 6, 7]],
  ['src port > 50000', [2, 3]],
  ['dst port <= 80', [2, 6]],
  ['proto udp', [4, 8]],
  ['proto 17', [4, 8]],
  ['proto icmp', [5]],
  ['! proto tcp', [4, 5, 8]],
  ['state reset', [2, 3]],
  ['state in [closed reset]', [2, 3, 6, 7]],
  ['bytes > 1000', [1, 6]],
  ['bytes >= 1k', [1, 6, 7]],
  ['src bytes >= 1000', [1, 6]],
  ['dst bytes = 0', [2, 3, 4]],
  ['packets > 10', [1]],
  ['label "normal"', [1]],
  ['label ~ "BOTNET"', [2]],
  ['not label ~ "botnet"', [1, 3, 4, 5, 6, 7, 8]],
  ['label != "Normal"', [2, 3, 4, 5, 6, 7, 8]],
  ['time >= "2017-01-27 16:05"', [6, 7, 8]],
  ['time < "2017-01-27 16:00:02"', [1, 2]],
  ['time >= 2017-01-27 16:00:01 and time <= 2017-01-27 16:00:03', [2, 3, 4]],
  ['duration > 10', [6]],
  ['duration > 59s', [6]],
  ['duration = 60000', [6]],
  ['duration > 60000', []],
  ['duration < 1', [1, 2, 3, 4, 5, 7, 8]],
  // packet counts only on flow 1 (5 out): the rates of the others are unknown, so never match
  ['bpp = 200', [1]],
  ['bpp < 1000', [1]],
  ['pps >= 0', [1]],
  ['bps = 0', [1, 2, 3, 4, 5, 7, 8]],
  ['bps = 266', [6]], // 8 * 2000 B / 60 s = 266.7, truncated as nfdump does
  ['bps > 266', []],
  // no flag text in these rows: TCP flows match neither way, other protocols have none set
  ['flags S', []],
  ['not flags S', [4, 5, 8]],
  ['src internal', [1, 2, 3, 4, 5, 8]],
  ['dst public', [1, 5]],
  ['import 2', [7, 8]],
  ['src ip 10.0.0.5 and (dst port 22 or dst port 3389)', [2, 3]],
  ['proto udp or proto icmp and src ip 10.0.0.5', [4, 5, 8]],
  ['(proto udp or proto icmp) and src ip 10.0.0.5', [5]],
  ['SRC IP 10.0.0.5 && !(DST PORT 22 || dst port 3389)', [1, 5]],
  [
    'src ip 10.0.0.5 and dst port in [22 3389] and state reset and bytes > 50 and not dst net 192.168.0.0/16',
    [2, 3],
  ],
];

describe('compiled filters on DuckDB', () => {
  it.each(CASES)('%s', async (filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
  });
});
