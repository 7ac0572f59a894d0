import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store';
import { insertFlows, type FlowRow } from '../../../tests/helpers/flows';
import { at } from '../../../tests/helpers/background';
import { addressClass, parseCidr, type IpRange } from '../util/ip';
import { parseNetworkList, readSite, refreshSuggestion, resetSite, writeSite } from './site-model';

let store: CaseStore;
beforeEach(async () => {
  store = await CaseStore.open(':memory:');
});
afterEach(() => store.close());

/** A campus on public addresses: 20 hosts of 147.32.84.0/24 and 5 of 147.32.80.0/24 browsing the internet. */
function campus(): FlowRow[] {
  const rows: FlowRow[] = [];
  for (let h = 1; h <= 25; h++)
    for (let k = 0; k < 20; k++) {
      const src = h <= 20 ? `147.32.84.${h}` : `147.32.80.${h}`;
      rows.push({
        ts: at(h * 3 + k * 29),
        src_ip: src,
        src_port: 40000 + k,
        dst_ip: `${[93, 151, 142, 104][k % 4]}.${k}.1.${1 + (h % 9)}`,
        dst_port: 443,
        dst_bytes: 9000,
      });
    }
  // everyone asks the same outside resolver: popular, but only ever answered, never a caller
  for (let h = 1; h <= 25; h++)
    for (let k = 0; k < 12; k++)
      rows.push({
        ts: at(h + k * 41),
        proto: 'udp',
        src_ip: h <= 20 ? `147.32.84.${h}` : `147.32.80.${h}`,
        src_port: 50000 + k,
        dst_ip: '8.8.8.8',
        dst_port: 53,
        dst_bytes: 120,
      });
  // an internet scanner knocks on one campus host
  for (let p = 1; p <= 30; p++)
    rows.push({
      ts: at(200 + p),
      src_ip: '45.33.32.156',
      src_port: 61000,
      dst_ip: '147.32.84.7',
      dst_port: p,
      state: 'reset',
      dst_bytes: 0,
    });
  return rows;
}

describe('site model', () => {
  it('parses an analyst list: canonical networks, duplicates dropped, a bad entry named', () => {
    expect(parseNetworkList('147.32.0.0/16, 10.1.2.3/8 10.0.0.0/8,fd00::1/8,192.0.2.7')).toEqual([
      '147.32.0.0/16',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7/32',
    ]);
    expect(() => parseNetworkList('10.0.0.0/8,10.0.0.0/33')).toThrow(
      /--internal: "10\.0\.0\.0\/33" is not a network/,
    );
    expect(() => parseNetworkList(' , ')).toThrow(/give at least one network/);
  });

  it('classifies addresses by one rule in TypeScript and in SQL', async () => {
    const cases = [
      '10.1.2.3',
      '8.8.8.8',
      '147.32.84.7',
      '240.1.2.3',
      '127.0.0.1',
      '198.18.3.4',
      '224.0.0.251',
      '255.255.255.255',
      '192.168.1.255',
      '0.0.0.0',
      '::',
      'ff02::1',
      'fd00::5',
      '2001:db8::1',
    ];
    const check = async (networks: string[]) => {
      const ranges = networks.map((c) => parseCidr(c)!) as IpRange[];
      const sql = await store.all<{ ip: string; cls: string }>(
        `SELECT ip, ip_class(num) AS cls FROM (SELECT unnest($1::VARCHAR[]) AS ip) JOIN (SELECT DISTINCT src_ip, src_num AS num FROM flows) ON src_ip = ip`,
        [JSON.stringify(cases)],
      );
      return Object.fromEntries(sql.map((r) => [r.ip, [r.cls, addressClass(r.ip, ranges)]]));
    };
    await insertFlows(
      store,
      cases.map((ip, i) => ({ ts: at(i), src_ip: ip, dst_ip: '8.8.8.8', dst_port: 53 })),
    );
    const byDefault = await check(await store.internalNetworks());
    for (const [ip, [sql, ts]] of Object.entries(byDefault)) expect(sql, ip).toBe(ts);
    expect(byDefault['10.1.2.3'][0]).toBe('internal');
    expect(byDefault['240.1.2.3'][0]).toBe('external'); // reserved, but not the site's: outside
    expect(byDefault['127.0.0.1'][0]).toBe('external');
    expect(byDefault['2001:db8::1'][0]).toBe('external');
    for (const ip of [
      '224.0.0.251',
      '255.255.255.255',
      '192.168.1.255',
      '0.0.0.0',
      '::',
      'ff02::1',
    ])
      expect(byDefault[ip][0], ip).toBe('non-host');
    await writeSite(store, ['147.32.0.0/16', '127.0.0.0/8', '198.18.0.0/15'], 'analyst');
    const custom = await check(await store.internalNetworks());
    for (const [ip, [sql, ts]] of Object.entries(custom)) expect(sql, ip).toBe(ts);
    expect(['147.32.84.7', '127.0.0.1', '198.18.3.4'].map((ip) => custom[ip][0])).toEqual([
      'internal',
      'internal',
      'internal',
    ]);
    expect(custom['10.1.2.3'][0]).toBe('external');
  });

  it('suggests the networks the capture is about, with evidence, and adopts them when the defaults hold nothing', async () => {
    await insertFlows(store, campus());
    const r = await refreshSuggestion(store);
    expect(r.adopted).toBe(true);
    expect(r.suggestion!.networks).toEqual(['147.32.84.0/24', '147.32.80.0/24']);
    const [big, small] = r.suggestion!.prefixes;
    expect(big).toMatchObject({ network: '147.32.84.0/24', hosts: 20 });
    expect(big.asSource).toBeGreaterThan(0);
    expect(small.hosts).toBe(5);
    expect(r.suggestion!.coverage).toBe(1);
    const site = await readSite(store);
    expect(site).toMatchObject({
      internal: ['147.32.84.0/24', '147.32.80.0/24'],
      source: 'suggested',
    });
    expect(site.note).toMatch(
      /hold 0\.0% of the flows; using the networks suggested from the data/,
    );
    expect(site.coverage).toMatchObject({ share: 1, hosts: 25 });
    // the resolver everyone asks is never suggested
    expect(r.suggestion!.networks.some((n) => n.startsWith('8.8.8.'))).toBe(false);
  });

  it("never replaces the analyst's networks, and keeps defaults that describe the capture", async () => {
    await writeSite(store, ['147.32.0.0/16'], 'analyst');
    await insertFlows(store, campus());
    expect((await refreshSuggestion(store)).adopted).toBe(false);
    expect(await readSite(store, { withCoverage: false })).toMatchObject({
      internal: ['147.32.0.0/16'],
      source: 'analyst',
    });
    // back to the defaults: the suggestion for these imports was made already, nothing changes
    await resetSite(store);
    expect((await refreshSuggestion(store)).adopted).toBe(false);
    expect((await readSite(store, { withCoverage: false })).source).toBe('default');
    // an office on RFC 1918: the defaults hold it, the suggestion is only shown
    const other = await CaseStore.open(':memory:');
    try {
      await insertFlows(
        other,
        campus().map((r) => ({
          ...r,
          src_ip: r.src_ip.replace('147.32.84.', '10.9.8.'),
          dst_ip: r.dst_ip.replace('147.32.84.', '10.9.8.'),
        })),
      );
      const s = await refreshSuggestion(other);
      expect(s.adopted).toBe(false);
      expect(s.suggestion!.networks[0]).toBe('10.9.8.0/24');
      expect((await readSite(other, { withCoverage: false })).source).toBe('default');
    } finally {
      other.close();
    }
  });

  it('installs changed networks on connections that were already open', async () => {
    await insertFlows(store, campus());
    const lane = await store.connect();
    try {
      const internal = async () =>
        (
          await lane.runAndReadAll("SELECT ip_internal(ip4_num('147.32.84.7')) AS v")
        ).getRowObjectsJS()[0].v;
      expect(await internal()).toBe(false);
      await writeSite(store, ['147.32.84.0/24'], 'analyst');
      expect(await internal()).toBe(true);
      expect(
        (await store.one<{ v: boolean }>("SELECT ip_internal(ip4_num('147.32.84.7')) AS v"))?.v,
      ).toBe(true);
    } finally {
      lane.closeSync();
    }
    // a connection closed since is skipped, not an error
    await writeSite(store, ['147.32.0.0/16'], 'analyst');
  });
});

describe('address marks', () => {
  it('marks non-hosts by what they are, then the site, then the range of an outside address', async () => {
    const { hostKinder } = await import('../query/host-kind');
    await insertFlows(store, [
      { ts: at(1), src_ip: '192.168.1.5', dst_ip: '192.168.1.255', dst_port: 137, proto: 'udp' },
      { ts: at(2), src_ip: '192.168.1.5', dst_ip: '239.255.255.250', dst_port: 1900, proto: 'udp' },
      { ts: at(3), src_ip: '0.0.0.0', dst_ip: '255.255.255.255', dst_port: 67, proto: 'udp' },
      { ts: at(4), src_ip: '10.1.1.1', dst_ip: '8.8.8.8', dst_port: 53, proto: 'udp' },
    ]);
    await writeSite(store, ['192.168.0.0/16'], 'analyst');
    const kind = await hostKinder(store);
    const ips = [
      '192.168.1.5',
      '192.168.1.255',
      '239.255.255.250',
      '0.0.0.0',
      '255.255.255.255',
      '10.1.1.1',
      '8.8.8.8',
    ];
    const expected = [
      'internal',
      'broadcast',
      'multicast',
      'unspecified',
      'broadcast',
      'private',
      'public',
    ];
    expect(ips.map(kind)).toEqual(expected);
    // the flows grid's marks (SQL) say the same
    const { queryFlows } = await import('../query/flows');
    const page = await queryFlows(store, { offset: 0, limit: 10 });
    const marks = new Map<string, string>();
    for (const r of page.rows) {
      marks.set(r.src_ip, r.src_kind);
      marks.set(r.dst_ip, r.dst_kind);
    }
    expect(ips.map((ip) => marks.get(ip))).toEqual(expected);
  });
});
