// Malformed input never crashes the decoder: every truncation of valid datagrams and thousands of
// random byte corruptions decode to flows and counted rejects, and none of them trips over a bound
// (a "decoder error" reject means a reader threw: a missing check).
import { describe, expect, it } from 'vitest';
import { NetflowDecoder } from './decoder';
import { IE, REVERSE_PEN } from './elements';
import {
  bytes,
  ipfixPacket,
  set,
  templateRecord,
  v5Packet,
  v9OptionsRecord,
  v9Packet,
} from './test-packets';

const from = { address: '127.0.0.1', port: 9995 };

function samples(): Buffer[] {
  const v4 = bytes().ip4('10.0.0.1').ip4('10.0.0.2').u16(1).u16(2).u8(6).u32(100).u32(2).build();
  const fields: [number, number][] = [
    [8, 4],
    [12, 4],
    [7, 2],
    [11, 2],
    [4, 1],
    [1, 4],
    [2, 4],
  ];
  return [
    v5Packet({
      records: [
        { src: '10.0.0.1', dst: '10.0.0.2' },
        { src: '10.0.0.3', dst: '10.0.0.4', proto: 1 },
      ],
    }),
    v9Packet({
      sets: [
        set(0, templateRecord(256, fields)),
        set(
          1,
          v9OptionsRecord(
            257,
            [[1, 4]],
            [
              [IE.samplingInterval, 4],
              [IE.samplingAlgorithm, 1],
            ],
          ),
        ),
        set(257, bytes().u32(0).u32(10).u8(1).build()),
        set(256, Buffer.concat([v4, v4])),
      ],
    }),
    ipfixPacket({
      sets: [
        set(
          2,
          templateRecord(256, [
            [8, 4],
            [96, 65535],
            [12, 4],
            [100, 2, 9],
            [4, 1],
            [1, 8],
            [IE.octetDeltaCount, 4, REVERSE_PEN],
            [IE.flowStartMilliseconds, 8],
          ]),
        ),
        set(
          3,
          templateRecord(
            300,
            [
              [143, 4],
              [IE.samplingPacketInterval, 4],
              [IE.samplingPacketSpace, 4],
            ],
            1,
          ),
        ),
        set(300, bytes().u32(1).u32(1).u32(9).build()),
        set(
          256,
          bytes()
            .ip4('10.0.0.1')
            .varField(Buffer.from('x'.repeat(300)))
            .ip4('10.0.0.2')
            .u16(5)
            .u8(17)
            .u64(60)
            .u32(7)
            .u64(1_700_000_000_000)
            .build(),
        ),
        set(2, bytes().u16(256).u16(0).build()),
      ],
    }),
  ];
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('decoder on malformed input', () => {
  it('decodes the valid samples without rejects', () => {
    const d = new NetflowDecoder();
    for (const b of samples()) expect(d.decode(b, from, 0).rejects).toEqual([]);
    expect(d.totals.flows).toBe(5);
  });

  it('survives every truncation and random corruption, each datagram flows or counted rejects', () => {
    const rand = rng(20);
    let datagrams = 0;
    let flows = 0;
    let rejects = 0;
    for (const good of samples()) {
      const d = new NetflowDecoder();
      const variants: Buffer[] = [];
      for (let n = 0; n < good.length; n++) variants.push(good.subarray(0, n));
      for (let i = 0; i < 1500; i++) {
        const b = Buffer.from(good);
        const hits = 1 + Math.floor(rand() * 4);
        for (let h = 0; h < hits; h++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        variants.push(b);
      }
      for (const v of variants) {
        // the good packet first each time, so templates are known and data sets get decoded
        d.decode(good, from, 0);
        const r = d.decode(v, from, 0);
        datagrams++;
        flows += r.flows.length;
        rejects += r.rejects.length;
        for (const x of r.rejects) expect(x.reason).not.toMatch(/decoder error/);
        for (const f of r.flows) {
          expect(Number.isFinite(f.ts)).toBe(true);
          expect(Number.isSafeInteger(f.bytes)).toBe(true);
        }
      }
    }
    expect(datagrams).toBeGreaterThan(4500);
    expect(flows).toBeGreaterThan(0);
    expect(rejects).toBeGreaterThan(0);
  });
});
