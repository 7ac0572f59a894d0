// IPFIX (RFC 7011): templates per exporter and observation domain, withdrawal, enterprise and
// variable-length fields skipped correctly, RFC 5103 reverse counters, options templates with
// PSAMP sampling and the system init time, sequence numbers, and malformed messages.
import { describe, expect, it } from 'vitest';
import { NetflowDecoder } from './decoder';
import { IE, REVERSE_PEN } from './elements';
import { bytes, ipfixPacket, set, templateRecord, type Field } from './test-packets';

const from = { address: '::1', port: 4739 };
const NOW = 1_700_000_100_000;

const V6: Field[] = [
  [IE.sourceIPv6Address, 16],
  [IE.destinationIPv6Address, 16],
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.octetDeltaCount, 8],
  [IE.packetDeltaCount, 8],
  [IE.flowStartMilliseconds, 8],
  [IE.flowEndMilliseconds, 8],
];
const v6rec = (src: string, n: number) =>
  bytes()
    .ip6(src)
    .ip6('2001:db8::2')
    .u16(40000)
    .u16(443)
    .u8(6)
    .u64(n)
    .u64(2)
    .u64(1_700_000_000_123)
    .u64(1_700_000_001_000)
    .build();

const V4: Field[] = [
  [IE.sourceIPv4Address, 4],
  [IE.destinationIPv4Address, 4],
  [IE.protocolIdentifier, 1],
  [IE.octetDeltaCount, 4],
  [IE.packetDeltaCount, 4],
];
const v4rec = (src: string, n = 100, p = 1) =>
  bytes().ip4(src).ip4('10.9.9.9').u8(17).u32(n).u32(p).build();

describe('IPFIX', () => {
  it('decodes IPv6 records with absolute millisecond times and canonical addresses', () => {
    const d = new NetflowDecoder();
    const r = d.decode(
      ipfixPacket({
        sets: [set(2, templateRecord(256, V6)), set(256, v6rec('2001:db8:0:0:0:0:0:1', 1500))],
      }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(r.flows[0]).toMatchObject({
      srcIp: '2001:db8::1',
      dstIp: '2001:db8::2',
      bytes: 1500,
      pkts: 2,
      ts: 1_700_000_000_123,
      tsEnd: 1_700_000_001_000,
    });
    expect(r.flows[0].srcNum).toBe(0x20010db8000000000000000000000001n);
    expect(r.events[0]).toBe('[::1]:4739 IPFIX domain 0: template 256 learnt, 9 fields');
  });

  it('skips enterprise and variable-length fields (short and long form) by their lengths', () => {
    const d = new NetflowDecoder();
    const fields: Field[] = [
      [IE.sourceIPv4Address, 4],
      [100, 4, 9], // Cisco element, 4 bytes
      [96, 65535], // applicationName, variable length
      [IE.destinationIPv4Address, 4],
      [200, 65535, 12345], // another enterprise's variable-length element
      [IE.protocolIdentifier, 1],
      [IE.octetDeltaCount, 4],
      [IE.octetDeltaCount, 4, REVERSE_PEN],
      [IE.packetDeltaCount, 4, REVERSE_PEN],
      [IE.tcpControlBits, 1, REVERSE_PEN],
    ];
    const r1 = bytes()
      .ip4('10.0.0.1')
      .u32(0xdeadbeef)
      .varField(Buffer.from('https'))
      .ip4('10.0.0.2')
      .varField(Buffer.alloc(300, 7))
      .u8(6)
      .u32(500)
      .u32(7000)
      .u32(9)
      .u8(0x14)
      .build();
    const r2 = bytes()
      .ip4('10.0.0.3')
      .u32(1)
      .varField(Buffer.from('dns'), true)
      .ip4('10.0.0.4')
      .varField(Buffer.alloc(0))
      .u8(17)
      .u32(60)
      .u32(0)
      .u32(0)
      .u8(0)
      .build();
    const r = d.decode(
      ipfixPacket({
        sets: [set(2, templateRecord(256, fields)), set(256, Buffer.concat([r1, r2]))],
      }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(
      r.flows.map((f) => [
        f.srcIp,
        f.dstIp,
        f.proto,
        f.bytes,
        f.revBytes,
        f.revPkts,
        f.revTcpFlags,
      ]),
    ).toEqual([
      ['10.0.0.1', '10.0.0.2', 6, 500, 7000, 9, 0x14],
      ['10.0.0.3', '10.0.0.4', 17, 60, 0, 0, 0],
    ]);
  });

  it('rejects the rest of a set when a variable-length field overruns it', () => {
    const d = new NetflowDecoder();
    const fields: Field[] = [
      [IE.sourceIPv4Address, 4],
      [IE.destinationIPv4Address, 4],
      [IE.protocolIdentifier, 1],
      [IE.octetDeltaCount, 4],
      [96, 65535],
    ];
    const ok = bytes()
      .ip4('10.0.0.1')
      .ip4('10.0.0.2')
      .u8(6)
      .u32(10)
      .varField(Buffer.from('ok'))
      .build();
    const bad = bytes()
      .ip4('10.0.0.3')
      .ip4('10.0.0.4')
      .u8(6)
      .u32(10)
      .u8(200)
      .raw(Buffer.from('short'))
      .build();
    const r = d.decode(
      ipfixPacket({
        sets: [
          set(2, templateRecord(256, fields)),
          set(256, Buffer.concat([ok, bad]), { pad: false }),
        ],
      }),
      from,
      NOW,
    );
    expect(r.flows.map((f) => f.srcIp)).toEqual(['10.0.0.1']);
    expect(r.rejects.map((x) => x.reason)).toEqual([
      expect.stringMatching(/record 2 of template 256 at byte \d+ runs past the end of its set/),
    ]);
  });

  it('keeps templates per observation domain and forgets withdrawn ones', () => {
    const d = new NetflowDecoder();
    d.decode(ipfixPacket({ domain: 1, sets: [set(2, templateRecord(256, V4))] }), from, NOW);
    d.decode(ipfixPacket({ domain: 2, sets: [set(2, templateRecord(256, V6))] }), from, NOW);
    expect(
      d.decode(ipfixPacket({ domain: 1, sets: [set(256, v4rec('10.0.0.1'))] }), from, NOW).flows,
    ).toHaveLength(1);
    expect(
      d.decode(ipfixPacket({ domain: 2, sets: [set(256, v6rec('2001:db8::5', 1))] }), from, NOW)
        .flows,
    ).toHaveLength(1);
    const w = d.decode(
      ipfixPacket({ domain: 1, sets: [set(2, bytes().u16(256).u16(0).build())] }),
      from,
      NOW,
    );
    expect(w.events).toEqual(['[::1]:4739 IPFIX domain 1: template 256 withdrawn']);
    const after = d.decode(
      ipfixPacket({ domain: 1, sets: [set(256, v4rec('10.0.0.1'))] }),
      from,
      NOW,
    );
    expect(after.rejects[0].reason).toMatch(
      /template 256 is not known \(not received from this exporter yet, or withdrawn\)/,
    );
    // withdrawing all data templates of domain 2 (template id 2, no fields)
    expect(
      d.decode(ipfixPacket({ domain: 2, sets: [set(2, bytes().u16(2).u16(0).build())] }), from, NOW)
        .events,
    ).toEqual(['[::1]:4739 IPFIX domain 2: all templates withdrawn (1)']);
    expect(d.templateCount()).toBe(0);
    expect(d.sessionStats().map((s) => s.templatesWithdrawn)).toEqual([1, 1]);
  });

  it('applies PSAMP count-based sampling and the system init time from an options template', () => {
    const d = new NetflowDecoder();
    // softflowd's layout: scope meteringProcessId; systemInitTimeMilliseconds, samplingPacketInterval, samplingPacketSpace, selectorAlgorithm
    const opt = set(
      3,
      templateRecord(
        256,
        [
          [143, 4],
          [IE.systemInitTimeMilliseconds, 8],
          [IE.samplingPacketInterval, 4],
          [IE.samplingPacketSpace, 4],
          [IE.selectorAlgorithm, 2],
        ],
        1,
      ),
    );
    const optData = set(256, bytes().u32(99).u64(1_699_990_000_000).u32(1).u32(3).u16(1).build());
    const uptime: Field[] = [...V4, [IE.flowStartSysUpTime, 4], [IE.flowEndSysUpTime, 4]];
    const data = set(
      1024,
      bytes()
        .raw(v4rec('10.0.0.1', 100, 2))
        .u32(5000)
        .u32(6000)
        .build(),
    );
    const r = d.decode(
      ipfixPacket({ sets: [set(2, templateRecord(1024, uptime)), opt, optData, data] }),
      from,
      NOW,
    );
    expect(r.rejects).toEqual([]);
    expect(r.flows[0]).toMatchObject({
      bytes: 400,
      pkts: 8,
      rate: 4,
      ts: 1_699_990_005_000,
      tsEnd: 1_699_990_006_000,
    });
    expect(r.events).toContain(
      '[::1]:4739 IPFIX domain 0: sampling systematic count-based 1 of every 4 packets, counts x4 (options record (template 256))',
    );
    expect(d.sessionStats()[0]).toMatchObject({ optionsRecords: 1, flowsBeforeSampling: 0 });
  });

  it('applies random n-out-of-N and probabilistic sampling rates', () => {
    const d = new NetflowDecoder();
    const opt = set(
      3,
      templateRecord(
        300,
        [
          [IE.selectorId, 4],
          [IE.samplingSize, 4],
          [IE.samplingPopulation, 4],
          [IE.samplingProbability, 8],
        ],
        1,
      ),
    );
    const recs = Buffer.concat([
      bytes().u32(1).u32(1).u32(50).u64(0).build(),
      bytes().u32(2).u32(0).u32(0).raw(f64(0.25)).build(),
    ]);
    const withSel: Field[] = [...V4, [IE.selectorId, 4]];
    const data = set(
      400,
      Buffer.concat([
        bytes()
          .raw(v4rec('10.0.0.1', 10, 1))
          .u32(1)
          .build(),
        bytes()
          .raw(v4rec('10.0.0.2', 10, 1))
          .u32(2)
          .build(),
      ]),
    );
    const r = d.decode(
      ipfixPacket({ sets: [opt, set(300, recs), set(2, templateRecord(400, withSel)), data] }),
      from,
      NOW,
    );
    expect(r.flows.map((f) => [f.bytes, f.rate])).toEqual([
      [500, 50],
      [40, 4],
    ]);
  });

  it('counts flows that arrived before the exporter announced its sampling rate', () => {
    const d = new NetflowDecoder();
    d.decode(
      ipfixPacket({ sets: [set(2, templateRecord(256, V4)), set(256, v4rec('10.0.0.1'))] }),
      from,
      NOW,
    );
    const opt = set(
      3,
      templateRecord(
        300,
        [
          [143, 4],
          [IE.samplingInterval, 4],
        ],
        1,
      ),
    );
    const r = d.decode(
      ipfixPacket({
        sets: [opt, set(300, bytes().u32(1).u32(8).build()), set(256, v4rec('10.0.0.1'))],
      }),
      from,
      NOW,
    );
    expect(r.flows[0].bytes).toBe(800);
    expect(d.sessionStats()[0]).toMatchObject({ flowsBeforeSampling: 1, sampling: { rate: 8 } });
  });

  it('counts data records the sequence numbers say were lost', () => {
    const d = new NetflowDecoder();
    const t = set(2, templateRecord(256, V4));
    d.decode(
      ipfixPacket({
        seq: 0,
        sets: [t, set(256, Buffer.concat([v4rec('10.0.0.1'), v4rec('10.0.0.2')]))],
      }),
      from,
      NOW,
    );
    d.decode(ipfixPacket({ seq: 2, sets: [set(256, v4rec('10.0.0.3'))] }), from, NOW);
    d.decode(ipfixPacket({ seq: 8, sets: [set(256, v4rec('10.0.0.4'))] }), from, NOW);
    expect(d.sessionStats()[0]).toMatchObject({ sequenceGaps: 1, missingRecords: 5, flows: 4 });
  });

  it('rejects messages whose length disagrees, zero-length sets and non-zero junk after records', () => {
    const d = new NetflowDecoder();
    const t = set(2, templateRecord(256, V4));
    const r1 = d.decode(ipfixPacket({ sets: [t], length: 200 }), from, NOW);
    expect(r1.rejects[0].reason).toMatch(
      /IPFIX header says the message is 200 bytes but the datagram has \d+/,
    );
    const zero = Buffer.concat([t, bytes().u16(256).u16(0).build()]);
    expect(d.decode(ipfixPacket({ sets: [zero] }), from, NOW).rejects[0].reason).toMatch(
      /has length 0, less than its own 4-byte header/,
    );
    d.decode(ipfixPacket({ sets: [t] }), from, NOW);
    const junk = d.decode(
      ipfixPacket({
        sets: [set(256, Buffer.concat([v4rec('10.0.0.1'), Buffer.from([9, 9, 9, 9, 9])]))],
      }),
      from,
      NOW,
    );
    expect(junk.flows).toHaveLength(1);
    expect(junk.rejects[0].reason).toMatch(
      /7 bytes after record 1 are shorter than a record of template 256 \(17 bytes\) and are not padding/,
    );
    const padded = d.decode(
      ipfixPacket({ sets: [set(256, Buffer.concat([v4rec('10.0.0.1'), Buffer.alloc(9)]))] }),
      from,
      NOW,
    );
    expect(padded.rejects).toEqual([]);
  });

  it('rejects data of a template whose records have no bytes (all fields of length 0)', () => {
    const d = new NetflowDecoder();
    const r = d.decode(
      ipfixPacket({
        sets: [
          set(
            2,
            templateRecord(256, [
              [8, 0],
              [12, 0],
            ]),
          ),
          set(256, Buffer.alloc(8, 1)),
        ],
      }),
      from,
      NOW,
    );
    expect(r.events[0]).toMatch(
      /template 256 learnt, 2 fields \(its records cannot be read: sourceIPv4Address \(8\) is 0 bytes long/,
    );
    expect(r.rejects.map((x) => x.reason)).toEqual([
      expect.stringMatching(/template 256 cannot be read .*; 8 bytes skipped/),
    ]);
    const zero = d.decode(
      ipfixPacket({
        sets: [set(2, templateRecord(257, [[500, 0]])), set(257, Buffer.alloc(4, 1))],
      }),
      from,
      NOW,
    );
    expect(zero.rejects.map((x) => x.reason)).toEqual([
      expect.stringMatching(/template 257 cannot be read \(its records have no bytes\)/),
    ]);
  });

  it('rejects template sets that overrun or use reserved ids, keeping what came before', () => {
    const d = new NetflowDecoder();
    const overrun = Buffer.concat([
      templateRecord(256, V4),
      bytes().u16(257).u16(3).u16(8).u16(4).build(),
    ]);
    const r = d.decode(ipfixPacket({ sets: [set(2, overrun)] }), from, NOW);
    expect(r.rejects[0].reason).toMatch(
      /template 257 at byte \d+ lists 3 fields that run past the end of its set/,
    );
    expect(d.templateCount()).toBe(1);
    const reserved = d.decode(ipfixPacket({ sets: [set(2, templateRecord(12, V4))] }), from, NOW);
    expect(reserved.rejects[0].reason).toMatch(/template id 12 at byte \d+ is reserved/);
    const scope = d.decode(ipfixPacket({ sets: [set(3, templateRecord(300, V4, 0))] }), from, NOW);
    expect(scope.rejects[0].reason).toMatch(/scope field count 0 of 5 fields/);
  });
});

function f64(x: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
}
