// NetFlow v9: templates per exporter and source id, data before its template, options templates
// carrying the sampling interval, template refresh and change, and malformed flowsets.
import { describe, expect, it } from 'vitest';
import { NetflowDecoder } from './decoder';
import { IE } from './elements';
import { bytes, set, templateRecord, v9OptionsRecord, v9Packet, type Field } from './test-packets';

const from = { address: '192.0.2.7', port: 2000 };
const NOW = 1_700_000_100_000;

const FIELDS: Field[] = [
  [IE.sourceIPv4Address, 4],
  [IE.destinationIPv4Address, 4],
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.tcpControlBits, 1],
  [IE.octetDeltaCount, 4],
  [IE.packetDeltaCount, 4],
  [IE.flowStartSysUpTime, 4],
  [IE.flowEndSysUpTime, 4],
];
const template = (id = 256, fields = FIELDS) => set(0, templateRecord(id, fields));

function rec(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  bytesN: number,
  pkts: number,
  first = 90_000,
  last = 95_000,
  extra?: (b: ReturnType<typeof bytes>) => void,
): Buffer {
  const b = bytes()
    .ip4(src)
    .ip4(dst)
    .u16(sport)
    .u16(dport)
    .u8(6)
    .u8(0x12)
    .u32(bytesN)
    .u32(pkts)
    .u32(first)
    .u32(last);
  extra?.(b);
  return b.build();
}

describe('NetFlow v9', () => {
  it('learns a template and decodes its data records, times from the header uptime', () => {
    const d = new NetflowDecoder();
    const r = d.decode(
      v9Packet({
        sysUptime: 100_000,
        secs: 1_700_000_000,
        sets: [
          template(),
          set(
            256,
            Buffer.concat([
              rec('10.0.0.1', '10.0.0.2', 40000, 443, 1500, 3),
              rec('10.0.0.3', '10.0.0.4', 5353, 53, 80, 1),
            ]),
          ),
        ],
      }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(r.events).toEqual([
      '192.0.2.7:2000 NetFlow v9 source id 0: template 256 learnt, 10 fields',
    ]);
    expect(
      r.flows.map((f) => [f.srcIp, f.dstIp, f.srcPort, f.dstPort, f.bytes, f.pkts, f.tcpFlags]),
    ).toEqual([
      ['10.0.0.1', '10.0.0.2', 40000, 443, 1500, 3, 0x12],
      ['10.0.0.3', '10.0.0.4', 5353, 53, 80, 1, 0x12],
    ]);
    expect(r.flows[0].ts).toBe(1_700_000_000_000 - 10_000);
    expect(r.flows[0].tsEnd).toBe(1_700_000_000_000 - 5_000);
  });

  it('rejects data for a template not yet received, then decodes once it arrives', () => {
    const d = new NetflowDecoder();
    const data = set(256, rec('10.0.0.1', '10.0.0.2', 1, 2, 100, 1));
    const r1 = d.decode(v9Packet({ sets: [data] }), from, NOW);
    expect(r1.flows).toEqual([]);
    expect(r1.rejects).toHaveLength(1);
    expect(r1.rejects[0].reason).toMatch(
      /datagram 1 from 192\.0\.2\.7:2000 NetFlow v9: set at byte 20 \(id 256\): template 256 is not known/,
    );
    expect(d.decode(v9Packet({ sets: [template(), data] }), from, NOW).flows).toHaveLength(1);
    // another exporter port (another transport session) and another source id do not share it
    expect(
      d.decode(v9Packet({ sets: [data] }), { address: '192.0.2.7', port: 2001 }, NOW).rejects,
    ).toHaveLength(1);
    expect(d.decode(v9Packet({ sourceId: 7, sets: [data] }), from, NOW).rejects).toHaveLength(1);
    expect(d.decode(v9Packet({ sets: [data] }), from, NOW).flows).toHaveLength(1);
  });

  it('refreshes a template silently, reports a changed one and decodes with the new layout', () => {
    const d = new NetflowDecoder();
    d.decode(v9Packet({ sets: [template()] }), from, NOW);
    expect(d.decode(v9Packet({ sets: [template()] }), from, NOW).events).toEqual([]);
    const wider: Field[] = [...FIELDS, [5, 1]];
    const r = d.decode(
      v9Packet({
        sets: [
          template(256, wider),
          set(
            256,
            rec('10.0.0.9', '10.0.0.8', 1, 2, 10, 1, 90_000, 95_000, (b) => b.u8(0xb8)),
          ),
        ],
      }),
      from,
      NOW,
    );
    expect(r.events).toEqual([
      '192.0.2.7:2000 NetFlow v9 source id 0: template 256 changed to 11 fields',
    ]);
    expect(r.flows.map((f) => f.srcIp)).toEqual(['10.0.0.9']);
    expect(d.sessionStats()[0]).toMatchObject({ templates: 1, templatesChanged: 1 });
  });

  it('scales counters by the sampling interval of an options record, per sampler id', () => {
    const d = new NetflowDecoder();
    const options = set(
      1,
      v9OptionsRecord(
        300,
        [[2, 4]],
        [
          [IE.samplerId, 1],
          [IE.samplingInterval, 4],
          [IE.samplingAlgorithm, 1],
        ],
      ),
    );
    const optionData = set(
      300,
      Buffer.concat([
        bytes().u32(1).u8(5).u32(10).u8(2).build(),
        bytes().u32(1).u8(6).u32(100).u8(1).build(),
      ]),
    );
    const withSampler: Field[] = [...FIELDS, [IE.samplerId, 1]];
    const data = set(
      257,
      Buffer.concat([
        rec('10.0.0.1', '10.0.0.2', 1, 2, 100, 2, 90_000, 95_000, (b) => b.u8(5)),
        rec('10.0.0.1', '10.0.0.2', 1, 2, 100, 2, 90_000, 95_000, (b) => b.u8(6)),
        rec('10.0.0.1', '10.0.0.2', 1, 2, 100, 2, 90_000, 95_000, (b) => b.u8(9)),
      ]),
    );
    const r = d.decode(
      v9Packet({ sets: [options, optionData, set(0, templateRecord(257, withSampler)), data] }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(r.flows.map((f) => [f.bytes, f.pkts, f.rate])).toEqual([
      [1000, 20, 10],
      [10_000, 200, 100],
      [100, 2, 1], // sampler 9 never announced: counts as sent
    ]);
    expect(r.events).toContain(
      '192.0.2.7:2000 NetFlow v9 source id 0: sampler 5: random 1 in 10, counts x10 (options record (template 300))',
    );
    expect(d.sessionStats()[0]).toMatchObject({
      optionsRecords: 2,
      flows: 3,
      sampling: null,
      samplers: [
        { id: 5, rate: 10, algorithm: 'random 1 in 10', source: 'options record (template 300)' },
        {
          id: 6,
          rate: 100,
          algorithm: 'deterministic 1 in 100',
          source: 'options record (template 300)',
        },
      ],
    });
  });

  it('applies an options record without sampler id to every flow of the exporter', () => {
    const d = new NetflowDecoder();
    const options = set(
      1,
      v9OptionsRecord(
        300,
        [[1, 4]],
        [
          [IE.samplingInterval, 2],
          [IE.samplingAlgorithm, 1],
        ],
      ),
    );
    const r = d.decode(
      v9Packet({
        sets: [
          options,
          set(300, bytes().u32(0).u16(4).u8(1).build()),
          template(),
          set(256, rec('10.0.0.1', '10.0.0.2', 1, 2, 50, 1)),
        ],
      }),
      from,
      NOW,
    );
    expect(r.flows[0]).toMatchObject({ bytes: 200, pkts: 4, rate: 4 });
    expect(d.sessionStats()[0].sampling).toMatchObject({
      rate: 4,
      algorithm: 'deterministic 1 in 4',
    });
  });

  it('rejects the whole datagram when a flowset length is zero, too short or overruns', () => {
    const d = new NetflowDecoder();
    const good = set(0, templateRecord(256, FIELDS));
    const zero = bytes().u16(256).u16(0).u32(0).build();
    const cases: [Buffer, RegExp][] = [
      [
        v9Packet({ sets: [good, zero] }),
        /set at byte \d+ \(id 256\) has length 0, less than its own 4-byte header/,
      ],
      [v9Packet({ sets: [set(256, Buffer.alloc(8), { length: 2 })] }), /has length 2/],
      [
        v9Packet({ sets: [set(256, Buffer.alloc(8), { length: 400 })] }),
        /says 400 bytes but only 12 remain/,
      ],
      [v9Packet({ sets: [] }).subarray(0, 12), /truncated NetFlow v9 header \(12 of 20 bytes\)/],
      [
        Buffer.concat([v9Packet({ sets: [good] }), Buffer.from([1, 2])]),
        /2 stray bytes after the last set/,
      ],
    ];
    for (const [buf, why] of cases) {
      const r = d.decode(buf, from, NOW);
      expect(r.rejects.map((x) => x.reason)).toEqual([expect.stringMatching(why)]);
      expect(r.flows).toEqual([]);
    }
    // nothing of a malformed datagram was learnt: the template in the first case is unknown
    expect(d.templateCount()).toBe(0);
  });

  it('keeps templates read before one that overruns its flowset, and rejects the rest', () => {
    const d = new NetflowDecoder();
    const body = Buffer.concat([
      templateRecord(256, FIELDS),
      bytes().u16(257).u16(30).u16(8).u16(4).build(),
    ]);
    const r = d.decode(v9Packet({ sets: [set(0, body)] }), from, NOW);
    expect(r.rejects[0].reason).toMatch(
      /template 257 at byte \d+ lists 30 fields \(120 bytes\) but its flowset ends/,
    );
    expect(d.templateCount()).toBe(1);
  });

  it('counts each record of a template whose field lengths cannot be read as a reject', () => {
    const d = new NetflowDecoder();
    const odd: Field[] = [
      [IE.sourceIPv4Address, 5],
      [IE.destinationIPv4Address, 4],
      [IE.protocolIdentifier, 1],
      [IE.octetDeltaCount, 4],
    ];
    const r = d.decode(
      v9Packet({ sets: [set(0, templateRecord(256, odd)), set(256, Buffer.alloc(28, 1))] }),
      from,
      NOW,
    );
    expect(r.events[0]).toMatch(
      /template 256 learnt, 4 fields \(its records cannot be read: sourceIPv4Address \(8\) is 5 bytes long \(expected 4\)\)/,
    );
    expect(r.rejects).toHaveLength(2);
    expect(r.rejects[1].reason).toMatch(
      /record 2 of template 256 at byte \d+: not read: sourceIPv4Address/,
    );
  });

  it('rejects records that are not flows, with the reason, and reserved flowset ids', () => {
    const d = new NetflowDecoder();
    const noAddr: Field[] = [
      [IE.protocolIdentifier, 1],
      [IE.octetDeltaCount, 4],
    ];
    const r = d.decode(
      v9Packet({
        sets: [
          set(0, templateRecord(260, noAddr)),
          set(260, bytes().u8(6).u32(9).build()),
          set(7, Buffer.alloc(4)),
        ],
      }),
      from,
      NOW,
    );
    expect(r.rejects.map((x) => x.reason)).toEqual([
      expect.stringMatching(/record 1 of template 260 at byte \d+: no source address/),
      expect.stringMatching(/set at byte \d+ \(id 7\): set id 7 is reserved/),
    ]);
  });

  it('bounds what an exporter (or many spoofed ones) can make it keep', () => {
    const d = new NetflowDecoder({ maxSessions: 1 });
    const many = Array.from({ length: 1030 }, (_, i) => templateRecord(256 + i, FIELDS));
    const r = d.decode(v9Packet({ sets: [set(0, Buffer.concat(many))] }), from, NOW);
    expect(d.templateCount()).toBe(1024);
    expect(r.events.filter((e) => /ignored \(over 1024 templates\)/.test(e))).toHaveLength(6);
    const other = d.decode(
      v9Packet({ sets: [template()] }),
      { address: '192.0.2.8', port: 2000 },
      NOW,
    );
    expect(other.rejects[0].reason).toMatch(/too many exporter sessions; datagram not decoded/);
  });
});
