// pcap / pcapng -> flows: link types, containers, IPv6, VLAN, fragments, truncation, the TCP state
// rules, the importer through the real pipeline, and a comparison with Argus on the same capture.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureToFlows } from '../../src/engine/import/formats/pcap/pcap-format';
import { flowPorts, flowState, ipText, type PcapFlow } from '../../src/engine/import/formats/pcap/flow-table';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths } from '../helpers/import-files';
import {
  icmpEcho,
  ipLength,
  pcapBytes,
  tcpRefused,
  tcpSession,
  udpExchange,
  writePcap,
  writePcapng,
  type Pkt,
} from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const T = 1_700_000_000;
const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

/** The mixed capture every test starts from: 6 conversations, 30 packets. */
function mixed(): Pkt[] {
  const pkts = [
    ...tcpSession(T, '10.0.0.1', 40000, '10.0.0.2', 80, 100, 1000),
    ...tcpRefused(T + 1, '10.0.0.1', 40001, '10.0.0.2', 81),
    ...udpExchange(T + 1.5, '10.0.0.1', 5353, '10.0.0.3', 53, 40, 120),
    ...icmpEcho(T + 2, '10.0.0.1', '10.0.0.4'),
    ...tcpSession(T + 2.5, 'fd00::1', 40002, 'fd00::2', 443, 10, 20),
    ...tcpSession(T + 3, '10.0.0.5', 40003, '10.0.0.6', 22, 10, 10, [100]),
  ];
  return pkts.sort((a, b) => a.ts - b.ts);
}

interface Out {
  src: string;
  dst: string;
  sp: number | null;
  dp: number | null;
  proto: number;
  fp: number;
  rp: number;
  fb: number;
  rb: number;
  state: string;
  raw: string;
  first: number;
}

async function flowsFrom(file: string, timeouts?: Parameters<typeof captureToFlows>[3]) {
  const out: Out[] = [];
  const res = await captureToFlows(
    file,
    (fl: PcapFlow[]) => {
      for (const f of fl) {
        const [sp, dp] = flowPorts(f);
        const st = flowState(f);
        out.push({
          src: ipText(f.ipver, f.src4, f.src6),
          dst: ipText(f.ipver, f.dst4, f.dst6),
          sp,
          dp,
          proto: f.proto,
          fp: f.fwdPkts,
          rp: f.revPkts,
          fb: f.fwdBytes,
          rb: f.revBytes,
          state: st.state,
          raw: st.raw,
          first: f.first,
        });
      }
    },
    undefined,
    timeouts,
  );
  out.sort((a, b) => a.first - b.first);
  return { flows: out, details: res.details };
}

const bytesOf = (pkts: Pkt[], src: string) => pkts.filter((p) => p.src === src).reduce((a, p) => a + ipLength(p), 0);

describe('pcap reader', () => {
  it('turns a mixed Ethernet capture into bidirectional flows with states, bytes and packets', async () => {
    const pkts = mixed();
    const f = tmp.file('mixed.pcap');
    writePcap(f, pkts);
    const { flows, details } = await flowsFrom(f);
    expect(details.packets).toBe(pkts.length);
    expect(flows.map((x) => [x.src, x.sp, x.dst, x.dp, x.proto, x.fp, x.rp, x.state])).toEqual([
      ['10.0.0.1', 40000, '10.0.0.2', 80, 6, 5, 3, 'closed'],
      ['10.0.0.1', 40001, '10.0.0.2', 81, 6, 1, 1, 'reset'],
      ['10.0.0.1', 5353, '10.0.0.3', 53, 17, 1, 1, 'established'],
      ['10.0.0.1', 8, '10.0.0.4', 0, 1, 1, 1, 'established'],
      ['fd00::1', 40002, 'fd00::2', 443, 6, 5, 3, 'closed'],
      ['10.0.0.5', 40003, '10.0.0.6', 22, 6, 5, 3, 'closed'],
    ]);
    const web = tcpSession(T, '10.0.0.1', 40000, '10.0.0.2', 80, 100, 1000);
    expect(flows[0].fb).toBe(bytesOf(web, '10.0.0.1'));
    expect(flows[0].rb).toBe(bytesOf(web, '10.0.0.2'));
    expect(flows[0].raw).toBe('FSPA_FSPA');
    expect(flows[1].raw).toBe('S_RA');
    expect(flows[0].first).toBe(T * 1e6);
  });

  it('reads pcapng (ns resolution, skipped blocks), nanosecond and big-endian pcap alike', async () => {
    const pkts = mixed();
    const base = await flowsFrom((writePcap(tmp.file('b.pcap'), pkts), tmp.file('b.pcap')));
    for (const [name, write] of [
      ['ng.pcapng', (f: string) => writePcapng(f, pkts, { tsresol: 9 })],
      ['ng6.pcapng', (f: string) => writePcapng(f, pkts, { tsresol: 6 })],
      ['nano.pcap', (f: string) => writePcap(f, pkts, { nano: true })],
      ['be.pcap', (f: string) => writePcap(f, pkts, { bigEndian: true })],
    ] as const) {
      const f = tmp.file(name);
      write(f);
      const got = await flowsFrom(f);
      expect(got.flows, name).toEqual(base.flows);
    }
  });

  it('reads Linux cooked (SLL, SLL2), raw IP and BSD loopback link types', async () => {
    const pkts = mixed().map((p) => ({ ...p, vlans: undefined }));
    const ref = await flowsFrom((writePcap(tmp.file('eth.pcap'), pkts), tmp.file('eth.pcap')));
    for (const lt of [113, 276, 101, 0]) {
      const f = tmp.file(`lt${lt}.pcap`);
      writePcap(f, pkts, { linktype: lt });
      const got = await flowsFrom(f);
      expect(got.flows, `linktype ${lt}`).toEqual(ref.flows);
    }
  });

  it('skips QinQ double tags', async () => {
    const f = tmp.file('qinq.pcap');
    writePcap(f, tcpSession(T, '10.1.0.1', 1234, '10.1.0.2', 443, 5, 5, [10, 20]));
    const { flows } = await flowsFrom(f);
    expect(flows.map((x) => [x.src, x.dst, x.dp, x.fp, x.rp])).toEqual([['10.1.0.1', '10.1.0.2', 443, 5, 3]]);
  });

  it('counts a packet cut by the snaplen before its ports and a truncated last record, without failing', async () => {
    const pkts = [
      ...udpExchange(T, '10.0.0.1', 1000, '10.0.0.2', 53),
      // cut inside the IP header's transport part: 14 ethernet + 20 IP + 2 bytes
      { ts: T + 1, src: '10.0.0.7', dst: '10.0.0.8', proto: 'tcp', sport: 1, dport: 2, flags: 'S', caplen: 36 } as Pkt,
      ...tcpRefused(T + 2, '10.0.0.1', 1001, '10.0.0.2', 23),
    ];
    const f = tmp.file('trunc.pcap');
    writePcap(f, pkts, { cutTail: 10 });
    const { flows, details } = await flowsFrom(f);
    expect(details.truncatedPackets).toBe(1);
    expect(details.snappedPackets).toBe(1);
    expect(details.truncatedLastPacketBytes).toBeGreaterThan(0);
    // the RST-ACK was the cut record: the refused connection has only its SYN
    expect(flows.map((x) => [x.proto, x.fp, x.rp, x.state])).toEqual([
      [17, 1, 1, 'established'],
      [6, 1, 0, 'connecting'],
    ]);
  });

  it('keeps bytes of a snaplen-cut packet from the IP header (its real length)', async () => {
    const pkt: Pkt = { ts: T, src: '10.0.0.1', dst: '10.0.0.2', proto: 'udp', sport: 9, dport: 9, payload: 1400 };
    const f = tmp.file('snap.pcap');
    writePcap(f, [pkt], { snaplen: 96 });
    const { flows } = await flowsFrom(f);
    expect(flows[0].fb).toBe(ipLength(pkt));
  });

  it('splits flows on the idle timeout and on a new SYN after a reset, and names the SYN-ACK receiver initiator', async () => {
    const pkts: Pkt[] = [
      ...udpExchange(T, '10.0.0.1', 7000, '10.0.0.2', 53),
      ...udpExchange(T + 100, '10.0.0.1', 7000, '10.0.0.2', 53), // idle > 30 s: a new flow
      ...tcpRefused(T + 200, '10.0.0.1', 7001, '10.0.0.2', 80),
      ...tcpRefused(T + 201, '10.0.0.1', 7001, '10.0.0.2', 80), // same tuple, new SYN after RST
      // first packet seen is the SYN-ACK: the client (its receiver) initiated
      { ts: T + 300, src: '10.0.0.9', dst: '10.0.0.1', proto: 'tcp', sport: 443, dport: 7002, flags: 'SA' },
      { ts: T + 300.1, src: '10.0.0.1', dst: '10.0.0.9', proto: 'tcp', sport: 7002, dport: 443, flags: 'A' },
    ];
    const f = tmp.file('timeouts.pcap');
    writePcap(f, pkts);
    const { flows } = await flowsFrom(f);
    expect(flows.map((x) => [x.src, x.sp, x.dst, x.dp, x.fp, x.rp])).toEqual([
      ['10.0.0.1', 7000, '10.0.0.2', 53, 1, 1],
      ['10.0.0.1', 7000, '10.0.0.2', 53, 1, 1],
      ['10.0.0.1', 7001, '10.0.0.2', 80, 1, 1],
      ['10.0.0.1', 7001, '10.0.0.2', 80, 1, 1],
      ['10.0.0.1', 7002, '10.0.0.9', 443, 1, 1],
    ]);
    // active timeout: a long UDP stream is cut into records
    const stream: Pkt[] = Array.from({ length: 20 }, (_, i) => ({ ts: T + i * 10, src: '10.0.0.1', dst: '10.0.0.2', proto: 'udp', sport: 5, dport: 6 }));
    writePcap(tmp.file('active.pcap'), stream);
    const active = await flowsFrom(tmp.file('active.pcap'), { idleTcp: 60, idleOther: 30, active: 60 });
    expect(active.flows.map((x) => x.fp)).toEqual([7, 7, 6]);
  });

  it('attributes later IPv4 fragments to the flow of the first fragment', async () => {
    // build a UDP datagram in two fragments by hand
    const first = Buffer.from(pcapBytes([{ ts: T, src: '10.0.0.1', dst: '10.0.0.2', proto: 'udp', sport: 1, dport: 2, payload: 64 }]));
    const ip = first.subarray(24 + 16 + 14);
    ip.writeUInt16BE(0x2000, 6); // MF, offset 0
    ip.writeUInt16BE(0x1234, 4);
    const second = Buffer.from(first);
    const ip2 = second.subarray(24 + 16 + 14);
    ip2.writeUInt16BE(9, 6); // offset 9*8 = 72, last
    second.writeUInt32LE(T + 1, 24);
    const f = tmp.file('frag.pcap');
    fs.writeFileSync(f, Buffer.concat([first, second.subarray(24)]));
    const { flows } = await flowsFrom(f);
    expect(flows.map((x) => [x.sp, x.dp, x.fp, x.fb])).toEqual([[1, 2, 2, 2 * (20 + 8 + 64)]]);
  });

  it('refuses a file that is not a capture and a corrupt record with its byte offset', async () => {
    const f = tmp.file('bad.pcap');
    const good = pcapBytes(udpExchange(T, '10.0.0.1', 1, '10.0.0.2', 2));
    const bad = Buffer.from(good);
    bad.writeUInt32LE(0x7fffffff, 24 + 8); // absurd captured length in the first record
    fs.writeFileSync(f, bad);
    await expect(captureToFlows(f, () => undefined)).rejects.toThrow(/corrupt pcap record at byte 24/);
  });
});

describe('pcap importer through the pipeline', () => {
  let store: CaseStore;
  beforeAll(async () => {
    store = await CaseStore.open(':memory:');
  });
  afterAll(() => store.close());

  it('detects pcap and pcapng by magic and writes the flows, details and record numbers', async () => {
    const a = tmp.file('imp.pcap');
    const b = tmp.file('imp.pcapng');
    writePcap(a, mixed());
    writePcapng(b, mixed().map((p) => ({ ...p, ts: p.ts + 1000 })));
    const s = await importPaths(store, [a, b]);
    expect(s.files.map((f) => [f.record?.format, f.record?.rows_read, f.record?.rows_rejected])).toEqual([
      ['pcap', 6, 0],
      ['pcap', 6, 0],
    ]);
    const flows = await flowsOf(store, s.files[0].record!.id);
    expect(flows[0]).toMatchObject({
      proto: 'tcp',
      state: 'closed',
      state_raw: 'FSPA_FSPA',
      src_ip: '10.0.0.1',
      src_port: 40000,
      dst_ip: '10.0.0.2',
      dst_port: 80,
      src_pkts: 5,
      dst_pkts: 3,
      ts: new Date(T * 1000).toISOString(),
    });
    expect(flows.find((x) => x.proto === 'icmp')).toMatchObject({ src_port: 8, dst_port: 0, state: 'established' });
    expect(flows.find((x) => x.src_ip === 'fd00::1')).toMatchObject({ dst_ip: 'fd00::2', dst_port: 443 });
    const det = await store.one<{ d: string }>('SELECT details::VARCHAR AS d FROM imports WHERE id = $1', [s.files[0].record!.id]);
    expect(JSON.parse(det!.d)).toMatchObject({ container: 'pcap', packets: 30, linkTypes: ['Ethernet'] });
  });
});

describe('pcap import cancel', () => {
  it('stops between chunks and leaves the case as it was', async () => {
    const pkts: Pkt[] = [];
    for (let i = 0; i < 30_000; i++) pkts.push(...udpExchange(T + i * 0.001, `10.3.${(i >> 8) & 255}.${i & 255}`, 1024 + (i % 60000), '10.3.255.1', 53));
    const f = tmp.file('big.pcap');
    writePcap(f, pkts);
    const store = await CaseStore.open(':memory:');
    try {
      const { importFiles } = await import('../../src/engine/import/pipeline');
      const job = importFiles(store, [f]);
      let cancelled = false;
      job.onProgress(() => {
        if (!cancelled) {
          cancelled = true;
          job.cancel();
        }
      });
      await expect(job.result).rejects.toThrow(/cancelled/);
      expect(await store.one('SELECT count(*) AS n FROM flows')).toEqual({ n: 0 });
      expect(await store.one('SELECT count(*) AS n FROM imports')).toEqual({ n: 0 });
    } finally {
      store.close();
    }
  });
});

const argusBin = ['/usr/sbin/argus', '/usr/bin/argus'].find((p) => fs.existsSync(p));
const raBin = ['/usr/bin/ra', '/usr/sbin/ra'].find((p) => fs.existsSync(p));
if (!argusBin || !raBin) console.warn('argus/ra not installed (apt-get install argus-server argus-client): Argus comparison skipped');

describe.skipIf(!argusBin || !raBin)('pcap flows against Argus on the same capture', () => {
  it('gives the same flows with the same per-direction packet counts', async () => {
    // many conversations, interleaved, all within Argus' 5 s status interval
    const pkts: Pkt[] = [];
    for (let i = 0; i < 40; i++) {
      const t = T + i * 0.05;
      const c = `10.2.${i % 4}.${10 + i}`;
      if (i % 4 === 0) pkts.push(...tcpSession(t, c, 30000 + i, '10.2.9.9', 80, 50 + i, 400 + i));
      else if (i % 4 === 1) pkts.push(...tcpRefused(t, c, 30000 + i, '10.2.9.9', 1000 + i));
      else if (i % 4 === 2) pkts.push(...udpExchange(t, c, 30000 + i, '10.2.9.8', 53));
      else pkts.push(...tcpSession(t, `fd00::${i}`, 30000 + i, 'fd00::99', 443, 5, 7));
    }
    pkts.sort((a, b) => a.ts - b.ts);
    const f = tmp.file('argus.pcap');
    writePcap(f, pkts);
    const ours = (await flowsFrom(f)).flows.map((x) => `${x.src} ${x.sp} ${x.dst} ${x.dp} ${x.fp} ${x.rp}`).sort();
    const argusOut = tmp.file('argus.out');
    execFileSync(argusBin!, ['-r', f, '-w', argusOut], { stdio: 'ignore' });
    const r = spawnSync(raBin!, ['-r', argusOut, '-n', '-c', ',', '-s', 'proto,saddr,sport,daddr,dport,spkts,dpkts', '-', 'not man'], {
      encoding: 'utf8',
    });
    const theirs = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((c) => c[0] === 'tcp' || c[0] === 'udp')
      .map(([, sa, sp, da, dp, spk, dpk]) => `${sa} ${sp} ${da} ${dp} ${spk} ${dpk}`)
      .sort();
    expect(theirs.length).toBe(40);
    expect(ours).toEqual(theirs);
  });
});
