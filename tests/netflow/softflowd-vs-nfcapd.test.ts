// The listener against the reference collector: softflowd replays a pcap as NetFlow v5, v9 and
// IPFIX once to `netsift`'s listener and once to nfcapd; the nfcapd file read back through the
// case's nfdump importer gives the same flows (count, byte and packet totals, and each flow's
// time to the second, addresses, ports, protocol, counters and TCP flags). Real traffic recorded
// in a network namespace (tests/fixtures/netflow/loopback-traffic.pcap), and a larger generated
// capture whose export spans many datagrams (template refreshes, sequence numbers).
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/engine/follow/listen-address';
import { NetflowListener } from '../../src/engine/follow/netflow-listener';
import { CaseStore } from '../../src/engine/store/case-store';
import { STATE_RAW_SQL } from '../../src/engine/store/schema';
import { importPaths } from '../helpers/import-files';
import { tcpRefused, tcpSession, udpExchange, writePcap, type Pkt } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';
import { drained, nfcapd, softflowd, until, which } from './flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/netflow/loopback-traffic.pcap');
const missing = ['softflowd', 'nfcapd', 'nfdump'].filter((t) => !which(t));
const SKIP = missing.length
  ? ` (SKIPPED: ${missing.join(', ')} not installed; apt-get install softflowd nfdump)`
  : '';

interface Totals {
  flows: number;
  bytes: number;
  pkts: number;
  rev_bytes: number;
}

/** What a case holds, read and closed at once (a process holding DuckDB instances cannot fork tools). */
async function contents(store: CaseStore) {
  try {
    const totals = (await store.one<Totals>(
      'SELECT count(*) AS flows, coalesce(sum(src_bytes), 0) AS bytes, coalesce(sum(src_pkts), 0) AS pkts, coalesce(sum(dst_bytes), 0) AS rev_bytes FROM flows',
    ))!;
    // each flow as both paths can say it: nfdump's CSV gives whole seconds
    const flows = await store.all(
      `SELECT epoch(date_trunc('second', ts))::BIGINT AS t, proto, src_ip, src_port, dst_ip, dst_port, src_bytes, src_pkts,
         dst_bytes, state, ${STATE_RAW_SQL} FROM flows ORDER BY ALL`,
    );
    const icmp = await store.all("SELECT src_port, dst_port FROM flows WHERE proto = 'icmp'");
    return { totals, flows, icmp };
  } finally {
    store.close();
  }
}

let n = 0;
async function viaListener(pcap: string, version: 5 | 9 | 10, extra: string[] = []) {
  const store = await CaseStore.open(tmp.file(`listener-${++n}.duckdb`));
  let l: NetflowListener;
  try {
    l = await NetflowListener.start(store, {
      listen: parseListen('udp:127.0.0.1:0'),
      batchSeconds: 0.05,
    });
    await softflowd(pcap, l.address.port, version, extra);
    await drained(l.address.port);
    await l.stop('test');
  } catch (e) {
    store.close();
    throw e;
  }
  const record = await l.record();
  return { ...(await contents(store)), stats: l.stats(), sessions: l.sessions(), record };
}

async function viaNfcapd(pcap: string, version: 5 | 9 | 10, extra: string[] = []) {
  const dir = tmp.file(`nfcapd-${++n}`);
  fs.mkdirSync(dir);
  const collector = await nfcapd(dir);
  await softflowd(pcap, collector.port, version, extra);
  const files = await collector.stop();
  const store = await CaseStore.open(tmp.file(`nfcapd-${n}.duckdb`));
  const sum = await importPaths(store, files).catch((e) => {
    store.close();
    throw e;
  });
  expect(sum.failed).toBe(0);
  return contents(store);
}

/** ~3,200 flows over ten minutes: many export datagrams per version. */
function generatedPcap(): string {
  const file = tmp.file('generated.pcap');
  if (fs.existsSync(file)) return file;
  const pkts: Pkt[] = [];
  const T = 1_700_000_000;
  for (let i = 0; i < 1200; i++)
    pkts.push(
      ...tcpSession(
        T + i * 0.5,
        `10.1.${(i >> 8) & 255}.${(i & 255) + 1 > 254 ? 1 : (i & 255) + 1}`,
        20000 + (i % 40000),
        `10.2.0.${(i % 50) + 1}`,
        [80, 443, 22, 8080][i % 4],
        50 + (i % 700),
        100 + ((i * 37) % 9000),
      ),
    );
  for (let i = 0; i < 300; i++)
    pkts.push(
      ...udpExchange(
        T + i * 2 + 0.1,
        `10.1.9.${(i % 200) + 1}`,
        30000 + i,
        '10.2.0.53',
        53,
        40 + (i % 30),
        80 + (i % 400),
      ),
    );
  for (let i = 0; i < 100; i++)
    pkts.push(...tcpRefused(T + i * 6 + 0.2, '10.1.66.6', 40000 + i, '10.2.0.9', 1000 + i));
  pkts.sort((a, b) => a.ts - b.ts);
  writePcap(file, pkts);
  return file;
}

const figures: string[] = [];
afterAll(() => {
  if (figures.length)
    console.log(
      ['softflowd -> listener vs softflowd -> nfcapd + nfdump:', ...figures].join('\n  '),
    );
});

describe(`softflowd exporting to the listener and to nfcapd${SKIP}`, () => {
  const cases: [string, () => string, 5 | 9 | 10][] = [
    ['recorded loopback traffic, NetFlow v5', () => FIXTURE, 5],
    ['recorded loopback traffic, NetFlow v9', () => FIXTURE, 9],
    ['recorded loopback traffic, IPFIX', () => FIXTURE, 10],
    ['generated 3,200-flow capture, NetFlow v5', generatedPcap, 5],
    ['generated 3,200-flow capture, NetFlow v9', generatedPcap, 9],
    ['generated 3,200-flow capture, IPFIX', generatedPcap, 10],
  ];
  for (const [name, pcap, version] of cases)
    it.skipIf(missing.length > 0)(`${name}: same flows, byte and packet totals`, async () => {
      const l = await viaListener(pcap(), version);
      const ref = await viaNfcapd(pcap(), version);
      const [a, b] = [l.totals, ref.totals];
      figures.push(
        `${name}: listener ${a.flows} flows / ${a.bytes} bytes / ${a.pkts} packets in ${l.stats.datagrams} datagrams; nfcapd ${b.flows} / ${b.bytes} / ${b.pkts}`,
      );
      expect(a.flows).toBeGreaterThan(0);
      expect(a).toEqual(b);
      expect(l.flows).toEqual(ref.flows);
      // every record accounted for, nothing lost on the way
      expect(l.record).toMatchObject({
        format: 'netflow',
        rows_read: a.flows,
        rows_rejected: 0,
        data_lines: a.flows,
      });
      expect(l.stats).toMatchObject({
        malformedDatagrams: 0,
        rejectsDecoded: 0,
        sequenceGaps: 0,
        missingRecords: 0,
        kernelDrops: 0,
        droppedFlows: 0,
      });
      expect(l.sessions).toHaveLength(1);
    });

  // softflowd -s 4 keeps 1 packet in 4 and announces it: in the v5 header, in a v9 options record
  // (samplingInterval) and in an IPFIX options record (PSAMP samplingPacketInterval/Space).
  // nfcapd 1.7.1 applies the v5 header's rate but not these v9 and IPFIX options records: its
  // flows are the same with the counts as sent, a quarter of the listener's.
  for (const version of [5, 9, 10] as const)
    it.skipIf(missing.length > 0)(
      `sampled 1 in 4 (softflowd -s 4), ${version === 10 ? 'IPFIX' : `NetFlow v${version}`}: counts scaled by the announced rate`,
      async () => {
        const pcap = generatedPcap();
        const l = await viaListener(pcap, version, ['-s', '4']);
        const ref = await viaNfcapd(pcap, version, ['-s', '4']);
        const factor = version === 5 ? 1 : 4;
        figures.push(
          `sampled 1 in 4, v${version}: listener ${l.totals.flows} flows / ${l.totals.bytes} bytes / ${l.totals.pkts} packets; nfcapd ${ref.totals.flows} / ${ref.totals.bytes} / ${ref.totals.pkts}`,
        );
        expect(l.sessions[0].sampling).toMatchObject({ rate: 4 });
        expect(l.totals.flows).toBe(ref.totals.flows);
        expect(l.totals.flows).toBeLessThan(3200); // sampling lost some flows altogether
        expect(l.totals.bytes).toBe(ref.totals.bytes * factor);
        expect(l.totals.pkts).toBe(ref.totals.pkts * factor);
        const scaled = ref.flows.map((f) => ({
          ...f,
          src_bytes: Number(f.src_bytes) * factor,
          src_pkts: Number(f.src_pkts) * factor,
        }));
        expect(l.flows).toEqual(scaled);
      },
    );

  for (const version of [5, 9, 10] as const)
    it.skipIf(missing.length > 0)(
      `a datagram lost on the way shows as a sequence gap with the records it carried, ${version === 10 ? 'IPFIX' : `NetFlow v${version}`}`,
      async () => {
        const store = await CaseStore.open(tmp.file(`relay-${version}.duckdb`));
        const relay = dgram.createSocket('udp4');
        try {
          const l = await NetflowListener.start(store, {
            listen: parseListen('udp:127.0.0.1:0'),
            batchSeconds: 0.05,
          });
          await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
          relay.setRecvBufferSize(4 * 2 ** 20);
          let k = 0;
          let lost: Buffer | null = null;
          // forwards every datagram softflowd sends except the 10th
          relay.on('message', (m) => {
            if (++k === 10) lost = m;
            else relay.send(m, l.address.port, '127.0.0.1');
          });
          await softflowd(generatedPcap(), relay.address().port, version);
          await drained(relay.address().port);
          await until('the relay to forward everything', () => l.stats().datagrams === k - 1);
          await drained(l.address.port);
          await l.stop('test');
          const s = l.stats();
          figures.push(
            `v${version} with datagram 10 of ${k} dropped by a relay: ${s.sequenceGaps} sequence gap, ${s.missingRecords} records / ${s.missingDatagrams} datagrams missing, ${s.flowsWritten} flows written`,
          );
          expect(s.sequenceGaps).toBe(1);
          if (version === 9)
            // softflowd numbers v9 export packets, as RFC 3954 says: one datagram missing
            expect(s).toMatchObject({ missingDatagrams: 1, missingRecords: 0 });
          else expect(s.missingRecords).toBe(3200 - s.flowsWritten);
          if (version === 5) expect(s.missingRecords).toBe(lost!.readUInt16BE(2)); // its record count
        } finally {
          relay.close();
          store.close();
        }
      },
    );

  it.skipIf(missing.length > 0)(
    'the recorded capture gives its known flows (18 over v9/IPFIX; 14 IPv4 over v5)',
    async () => {
      const v10 = await viaListener(FIXTURE, 10);
      expect(v10.totals).toEqual({ flows: 18, bytes: 107_426, pkts: 84, rev_bytes: 0 });
      expect((await viaListener(FIXTURE, 5)).totals.flows).toBe(14);
      // the ICMP port unreachable softflowd exports as icmpTypeCodeIPv4: type 3, code 3
      expect(v10.icmp).toEqual([{ src_port: 3, dst_port: 3 }]);
    },
  );
});
