// The listener over real UDP on loopback, fed hand-built datagrams: batches grow one import,
// sampled exporters' counts are scaled and the rate shown in the import record, malformed
// datagrams become rejects numbered by datagram, refused exporters and kernel drops are counted.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/engine/follow/listen-address';
import { NetflowListener, type ListenerStats } from '../../src/engine/follow/netflow-listener';
import { IE } from '../../src/engine/import/netflow/elements';
import {
  bytes,
  ipfixPacket,
  set,
  templateRecord,
  v5Packet,
  v9OptionsRecord,
  v9Packet,
  type Field,
} from '../../src/engine/import/netflow/test-packets';
import { CaseStore } from '../../src/engine/store/case-store';
import { makeTmpDir } from '../helpers/tmp';
import { drained, until } from './flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const FIELDS: Field[] = [
  [IE.sourceIPv4Address, 4],
  [IE.destinationIPv4Address, 4],
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.tcpControlBits, 1],
  [IE.octetDeltaCount, 4],
  [IE.packetDeltaCount, 4],
  [IE.flowStartSeconds, 4],
];
const rec = (src: string, dport: number, n: number, p: number, t = 1_700_000_000) =>
  bytes()
    .ip4(src)
    .ip4('10.0.0.80')
    .u16(40000)
    .u16(dport)
    .u8(6)
    .u8(0x1b)
    .u32(n)
    .u32(p)
    .u32(t)
    .build();

/** IPFIX, options template 300 announcing samplingInterval 10 (deterministic), two flows. */
const sampledIpfix = () =>
  ipfixPacket({
    sets: [
      set(
        3,
        templateRecord(
          300,
          [
            [149, 4],
            [IE.samplingInterval, 4],
            [IE.samplingAlgorithm, 1],
          ],
          1,
        ),
      ),
      set(300, bytes().u32(0).u32(10).u8(1).build()),
      set(2, templateRecord(256, FIELDS)),
      set(256, Buffer.concat([rec('10.0.0.1', 443, 1500, 3), rec('10.0.0.2', 22, 200, 2)])),
    ],
  });

/** NetFlow v9, options template announcing samplingInterval 100, one flow. */
const sampledV9 = () =>
  v9Packet({
    sets: [
      set(
        1,
        v9OptionsRecord(
          300,
          [[1, 4]],
          [
            [IE.samplingInterval, 4],
            [IE.samplingAlgorithm, 1],
          ],
        ),
      ),
      set(300, bytes().u32(0).u32(100).u8(2).build()),
      set(0, templateRecord(256, FIELDS)),
      set(256, rec('10.0.0.3', 80, 60, 1)),
    ],
  });

async function sender(address = '127.0.0.1') {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  return {
    send: (port: number, b: Buffer) =>
      new Promise<void>((r, j) => s.send(b, port, '127.0.0.1', (e) => (e ? j(e) : r()))),
    close: () => s.close(),
  };
}

const waitFor = (l: NetflowListener, what: string, test: (s: ListenerStats) => boolean) =>
  until(what, () => test(l.stats()));

describe('NetFlow/IPFIX listener', () => {
  it('writes batches into one growing import, with sampled counts scaled and the rate recorded', async () => {
    const store = await CaseStore.open(tmp.file('live.duckdb'));
    try {
      const l = await NetflowListener.start(store, {
        listen: parseListen('udp:127.0.0.1:0'),
        batchSeconds: 0.05,
      });
      const a = await sender();
      const b = await sender();
      await a.send(l.address.port, sampledIpfix());
      await waitFor(l, 'the first batch', (s) => s.flowsWritten === 2);
      await b.send(l.address.port, sampledV9());
      await a.send(l.address.port, sampledIpfix().subarray(0, 10)); // truncated header
      await waitFor(l, 'the second batch', (s) => s.flowsWritten === 3 && s.rejectsWritten === 1);
      a.close();
      b.close();
      await l.stop('test');
      expect(l.stats()).toMatchObject({
        datagrams: 3,
        flowsWritten: 3,
        rejectsWritten: 1,
        malformedDatagrams: 1,
        exporters: 2,
        templates: 4,
      });
      expect(l.stats().batches).toBeGreaterThanOrEqual(2);

      const imports = await store.all<Record<string, unknown>>(
        'SELECT id, path, format, data_lines, rows_read, rows_rejected, details::VARCHAR AS details FROM imports',
      );
      expect(imports).toHaveLength(1);
      expect(imports[0]).toMatchObject({
        path: `udp://127.0.0.1:${l.address.port}`,
        format: 'netflow',
        data_lines: 4,
        rows_read: 3,
        rows_rejected: 1,
      });
      const details = JSON.parse(imports[0].details as string);
      expect(details).toMatchObject({
        following: false,
        stoppedBy: 'test',
        datagrams: 3,
        malformedDatagrams: 1,
      });
      expect(
        details.exporters.map((x: { version: number; sampling: unknown }) => [
          x.version,
          x.sampling,
        ]),
      ).toEqual([
        [
          10,
          { rate: 10, algorithm: 'deterministic 1 in 10', source: 'options record (template 300)' },
        ],
        [9, { rate: 100, algorithm: 'random 1 in 100', source: 'options record (template 300)' }],
      ]);
      expect(
        await store.all(
          'SELECT id, src_ip, dst_port, src_bytes, src_pkts, state, state_raw, ts FROM flows ORDER BY id',
        ),
      ).toEqual([
        {
          id: 1,
          src_ip: '10.0.0.1',
          dst_port: 443,
          src_bytes: 15_000,
          src_pkts: 30,
          state: 'closed',
          state_raw: '...AP.SF',
          ts: '2023-11-14T22:13:20.000Z',
        },
        {
          id: 2,
          src_ip: '10.0.0.2',
          dst_port: 22,
          src_bytes: 2000,
          src_pkts: 20,
          state: 'closed',
          state_raw: '...AP.SF',
          ts: '2023-11-14T22:13:20.000Z',
        },
        {
          id: 3,
          src_ip: '10.0.0.3',
          dst_port: 80,
          src_bytes: 6000,
          src_pkts: 100,
          state: 'closed',
          state_raw: '...AP.SF',
          ts: '2023-11-14T22:13:20.000Z',
        },
      ]);
      const rejects = await store.all<{ line: number; reason: string; raw: string }>(
        'SELECT line, reason, raw FROM rejects',
      );
      expect(rejects).toEqual([
        {
          line: 3,
          reason: expect.stringMatching(
            /^datagram 3 from 127\.0\.0\.1:\d+: truncated IPFIX header \(10 of 16 bytes\)$/,
          ),
          raw: sampledIpfix().subarray(0, 10).toString('hex'),
        },
      ]);
    } finally {
      store.close();
    }
  });

  it('writes what is pending as the last batch when stopped', async () => {
    const store = await CaseStore.open(tmp.file('stop.duckdb'));
    try {
      const l = await NetflowListener.start(store, {
        listen: parseListen('udp:127.0.0.1:0'),
        batchSeconds: 3600,
      });
      const a = await sender();
      for (let i = 0; i < 20; i++)
        await a.send(
          l.address.port,
          v5Packet({
            seq: i * 2,
            records: [
              { src: '10.1.0.1', dst: '10.1.0.2' },
              { src: '10.1.0.3', dst: '10.1.0.4' },
            ],
          }),
        );
      a.close();
      await drained(l.address.port);
      expect(l.stats()).toMatchObject({ flowsDecoded: 40, flowsWritten: 0, batches: 0 });
      await l.stop('Ctrl-C');
      expect(l.stats()).toMatchObject({ flowsWritten: 40, batches: 1, sequenceGaps: 0 });
      expect(await l.record()).toMatchObject({ rows_read: 40, data_lines: 40 });
      expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM flows'))!.n).toBe(40);
    } finally {
      store.close();
    }
  });

  it('counts datagrams from exporters not allowed as refused, writing nothing for them', async () => {
    const store = await CaseStore.open(tmp.file('refused.duckdb'));
    try {
      const l = await NetflowListener.start(store, {
        listen: parseListen('udp:127.0.0.1:0'),
        batchSeconds: 0.05,
        exporters: ['127.0.0.2'],
      });
      const other = await sender('127.0.0.1');
      const allowed = await sender('127.0.0.2');
      await other.send(
        l.address.port,
        v5Packet({ records: [{ src: '10.6.6.6', dst: '10.0.0.1' }] }),
      );
      await allowed.send(
        l.address.port,
        v5Packet({ records: [{ src: '10.2.2.2', dst: '10.0.0.1' }] }),
      );
      await waitFor(l, 'the allowed flow', (s) => s.flowsWritten === 1 && s.refused === 1);
      other.close();
      allowed.close();
      await l.stop();
      expect(await store.all('SELECT src_ip FROM flows')).toEqual([{ src_ip: '10.2.2.2' }]);
      expect(l.sessions().map((s) => s.exporter)).toEqual([
        expect.stringMatching(/^127\.0\.0\.2:\d+$/),
      ]);
    } finally {
      store.close();
    }
  });

  it('refuses a non-loopback address unless allowed, and a port in use', async () => {
    const store = await CaseStore.open(tmp.file('bind.duckdb'));
    try {
      await expect(
        NetflowListener.start(store, { listen: parseListen('udp:0.0.0.0:2055') }),
      ).rejects.toThrow(/not a loopback address/);
      const l = await NetflowListener.start(store, { listen: parseListen('udp:127.0.0.1:0') });
      await expect(
        NetflowListener.start(store, { listen: parseListen(`udp:127.0.0.1:${l.address.port}`) }),
      ).rejects.toThrow(/cannot listen \(the port is in use/);
      await l.stop();
      expect(await l.record()).toBeNull(); // nothing received: no import
      expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM imports'))!.n).toBe(0);
    } finally {
      store.close();
    }
  });

  it('counts the datagrams the kernel dropped while the listener could not read', async () => {
    const store = await CaseStore.open(tmp.file('drops.duckdb'));
    try {
      const l = await NetflowListener.start(store, {
        listen: parseListen('udp:127.0.0.1:0'),
        batchSeconds: 0.05,
        recvBufferBytes: 16_384,
      });
      const SENT = 2000;
      // a child process floods the port while this process (and its event loop) waits for it
      const flood = `const s=require('dgram').createSocket('udp4');const b=Buffer.from(process.argv[1],'hex');let n=0;
        const next=()=>{if(n>=${SENT})return s.close();b.writeUInt32BE(20*n++,16);s.send(b,${l.address.port},'127.0.0.1',next)};next();`;
      const packet = v5Packet({
        records: Array.from({ length: 20 }, () => ({ src: '10.3.0.1', dst: '10.3.0.2' })),
      });
      execFileSync(process.execPath, ['-e', flood, packet.toString('hex')]);
      await drained(l.address.port);
      await l.stop();
      const s = l.stats();
      expect(s.kernelDrops).toBeGreaterThan(0);
      expect(s.datagrams + s.kernelDrops!).toBe(SENT);
      expect(s.flowsWritten).toBe(s.datagrams * 20);
      // the kernel kept the first datagrams and dropped all the rest: a loss at the tail, which
      // sequence numbers cannot show (the next datagram would); only the kernel's counter does
      expect(s.sequenceGaps).toBe(0);
    } finally {
      store.close();
    }
  });
});
