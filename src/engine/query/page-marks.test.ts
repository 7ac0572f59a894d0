// A flows page's address marks, worked out in TypeScript, against the SQL macros that mark
// addresses everywhere else (what the page's statement computed before): the same for every kind
// of address, with the default site and with one the analyst set (a lab range, an IPv6 site).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { CaseStore } from '../store/case-store';
import { queryFlows } from './flows';

const ADDRESSES = [
  '10.0.0.5',
  '192.168.1.255', // a /24's broadcast, inside the site
  '255.255.255.255',
  '0.0.0.0',
  '224.0.0.251',
  '239.255.255.250',
  '8.8.8.8',
  '192.0.2.7', // documentation
  '127.0.0.1',
  '169.254.3.4',
  '100.64.1.1',
  '198.18.0.9', // benchmarking, inside the lab site below
  '::',
  '::1',
  'ff02::fb',
  'fe80::1',
  'fd12:3456::9',
  '2001:db8::1',
  '2a00:1450:4001::200e',
];

/** The marks as the page's statement computed them with the macros (the reference). */
const SQL_MARKS = `
SELECT src_ip AS ip, ip_internal(src_num) AS internal,
  CASE WHEN ip_nonhost(src_num) THEN (CASE ip_special(src_num) WHEN 'multicast' THEN 'multicast'
    WHEN 'unspecified' THEN 'unspecified' WHEN 'this-network' THEN 'unspecified' ELSE 'broadcast' END)
  WHEN ip_internal(src_num) THEN 'internal' ELSE coalesce(ip_special(src_num), 'public') END AS kind
FROM flows ORDER BY id`;

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:', { threads: 1 });
  await insertFlows(
    store,
    ADDRESSES.map((ip, i) => ({
      ts: `2024-05-01 08:00:${String(i).padStart(2, '0')}`,
      src_ip: ip,
      dst_ip: ADDRESSES[(i + 5) % ADDRESSES.length],
    })),
  );
});
afterEach(() => store.close());

async function compare(): Promise<void> {
  const ref = await store.all<{ ip: string; internal: boolean; kind: string }>(SQL_MARKS);
  const { rows } = await queryFlows(store, { offset: 0, limit: 100 });
  expect(rows.map((r) => ({ ip: r.src_ip, internal: r.src_internal, kind: r.src_kind }))).toEqual(
    ref,
  );
  const byIp = new Map(ref.map((r) => [r.ip, r]));
  for (const r of rows)
    expect({ internal: r.dst_internal, kind: r.dst_kind }).toEqual({
      internal: byIp.get(r.dst_ip)!.internal,
      kind: byIp.get(r.dst_ip)!.kind,
    });
  // and every kind of address was there to compare
  expect(new Set(ref.map((r) => r.kind)).size).toBeGreaterThanOrEqual(6);
}

describe('flows page marks', () => {
  it('are the macros’ marks with the default site', compare);

  it('are the macros’ marks with a site the analyst set', async () => {
    const site = ['192.168.1.0/24', '198.18.0.0/15', 'fd12:3456::/32'];
    await store.setSetting('internal_networks', site);
    await store.refreshMacros(site);
    await compare();
  });
});
