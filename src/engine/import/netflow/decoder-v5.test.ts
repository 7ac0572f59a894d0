// NetFlow v5: header times, records, the header's sampling field, sequence gaps, and broken
// datagrams (each one reject, never a throw).
import { describe, expect, it } from 'vitest';
import { NetflowDecoder } from './decoder';
import { v5Packet } from './test-packets';

const from = { address: '127.0.0.1', port: 40000 };
const NOW = 1_700_000_100_000;

describe('NetFlow v5', () => {
  it('decodes records with times from the header uptime, ICMP type/code from the port', () => {
    const d = new NetflowDecoder();
    const r = d.decode(
      v5Packet({
        sysUptime: 100_000,
        secs: 1_700_000_000,
        nsecs: 250_000_000,
        records: [
          {
            src: '10.0.0.1',
            dst: '10.0.0.2',
            sport: 40000,
            dport: 80,
            proto: 6,
            pkts: 5,
            bytes: 300,
            first: 90_000,
            last: 95_500,
            flags: 0x1b,
          },
          { src: '10.0.0.2', dst: '10.0.0.1', dport: 3 * 256 + 1, proto: 1, pkts: 1, bytes: 84 },
        ],
      }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(r.flows).toHaveLength(2);
    const [a, b] = r.flows;
    expect(a).toMatchObject({
      srcIp: '10.0.0.1',
      dstIp: '10.0.0.2',
      srcPort: 40000,
      dstPort: 80,
      proto: 6,
      pkts: 5,
      bytes: 300,
      tcpFlags: 0x1b,
      rate: 1,
    });
    // export time 1_700_000_000.250 s, uptime 100 s: first packet at uptime 90 s is 10 s earlier
    expect(a.ts).toBe(1_700_000_000_250 - 10_000);
    expect(a.tsEnd).toBe(1_700_000_000_250 - 4_500);
    expect(a.srcNum).toBe(0xffff0a000001n);
    expect([b.icmpType, b.icmpCode]).toEqual([3, 1]);
    expect(d.sessionStats()[0]).toMatchObject({
      version: 5,
      datagrams: 1,
      flows: 2,
      rejects: 0,
      sampling: null,
    });
  });

  it('applies the sampling interval of the header to bytes and packets', () => {
    const d = new NetflowDecoder();
    const r = d.decode(
      v5Packet({
        sampling: (1 << 14) | 100,
        records: [{ src: '10.0.0.1', dst: '10.0.0.2', pkts: 3, bytes: 180 }],
      }),
      from,
      NOW,
    );
    expect(r.flows[0]).toMatchObject({ pkts: 300, bytes: 18_000, rate: 100 });
    expect(r.events.join()).toMatch(/sampling deterministic 1 in 100, counts x100 \(v5 header\)/);
    expect(d.sessionStats()[0].sampling).toEqual({
      rate: 100,
      algorithm: 'deterministic 1 in 100',
      source: 'v5 header',
    });
  });

  it('uses --sampling for an exporter that announces none', () => {
    const d = new NetflowDecoder({ defaultSampling: 10 });
    const r = d.decode(
      v5Packet({ records: [{ src: '10.0.0.1', dst: '10.0.0.2', pkts: 2, bytes: 100 }] }),
      from,
      NOW,
    );
    expect(r.flows[0]).toMatchObject({ pkts: 20, bytes: 1000, rate: 10 });
  });

  it('counts records the flow sequence says were lost', () => {
    const d = new NetflowDecoder();
    const rec = { src: '10.0.0.1', dst: '10.0.0.2' };
    d.decode(v5Packet({ seq: 100, records: [rec, rec] }), from, NOW);
    d.decode(v5Packet({ seq: 102, records: [rec] }), from, NOW);
    d.decode(v5Packet({ seq: 110, records: [rec] }), from, NOW);
    expect(d.sessionStats()[0]).toMatchObject({ sequenceGaps: 1, missingRecords: 7, flows: 4 });
  });

  it('rejects a truncated header, a short record list and extra bytes, one reject each', () => {
    const d = new NetflowDecoder();
    const good = v5Packet({
      records: [
        { src: '10.0.0.1', dst: '10.0.0.2' },
        { src: '10.0.0.3', dst: '10.0.0.4' },
      ],
    });
    const cases: [Buffer, RegExp][] = [
      [good.subarray(0, 10), /truncated NetFlow v5 header \(10 of 24 bytes\)/],
      [
        good.subarray(0, good.length - 5),
        /announces 2 records \(120 bytes\) but the datagram has 115 bytes/,
      ],
      [Buffer.concat([good, Buffer.alloc(7)]), /7 extra/],
      [v5Packet({ records: [], count: 0 }), /announces 0 records/],
      [Buffer.from([0]), /1 byte\(s\), too short/],
      [
        Buffer.from([0, 7, 0, 0]),
        /version 7 is not NetFlow v5, v9 or IPFIX.*older NetFlow version/,
      ],
    ];
    for (const [buf, why] of cases) {
      const r = d.decode(buf, from, NOW);
      expect(r.flows).toEqual([]);
      expect(r.rejects).toHaveLength(1);
      expect(r.rejects[0].reason).toMatch(why);
      expect(r.rejects[0].reason).toMatch(/^datagram \d+ from 127\.0\.0\.1:40000: /);
    }
    expect(d.totals).toEqual({ datagrams: 6, flows: 0, rejects: 6, malformedDatagrams: 6 });
  });
});
