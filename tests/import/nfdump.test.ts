// nfdump: CSV in the classic and long header styles (with the trailing Summary block counted as
// non-data), bad lines, and nfcapd binary files (one file and a folder tree) read through the
// installed nfdump, with real nfcapd files made by nfpcapd from a test capture.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/engine/import/expand-inputs';
import { findNfdump } from '../../src/engine/import/formats/nfdump-capture';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths, rejectsOf } from '../helpers/import-files';
import { tcpRefused, tcpSession, udpExchange, writePcap } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
let store: CaseStore;
beforeEach(async () => {
  store?.close();
  store = await CaseStore.open(':memory:');
});

const CLASSIC =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
const TAIL =
  ',0,0,0,0,0,0,0,0,0.0.0.0,0.0.0.0,0,0,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,00:00:00:00:00:00,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,0-0-0,    0.000,    0.000,    0.000,0.0.0.0,17/1,0,2026-11-28 22:08:59.669';
const row = (ts: string, sa: string, da: string, sp: number | string, dp: number | string, pr: string, flg: string, ipkt: number | string, ibyt: number | string) =>
  `${ts},${ts},0.070,${sa},${da},${sp},${dp},${pr},${flg},0,0,${ipkt},${ibyt},0,0${TAIL}`;
const SUMMARY = ['Summary', 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp', '3,1234,7,0,0,176'];

describe('nfdump CSV', () => {
  it('imports the classic header, maps flags to states, splits ICMP type/code, and counts the Summary as non-data', async () => {
    const f = tmp.file('flows.csv');
    fs.writeFileSync(
      f,
      [
        CLASSIC,
        row('2023-11-14 22:13:20', '10.0.0.1', '10.0.0.2', 40000, 80, 'TCP', '...AP.SF', 5, 300),
        row('2023-11-14 22:13:21', '10.0.0.1', '10.0.0.2', 40001, 81, 'TCP', '......S.', 1, 40),
        row('2023-11-14 22:13:21', '10.0.0.2', '10.0.0.1', 81, 40001, 'TCP', '...A.R..', 1, 40),
        row('2023-11-14 22:13:22', '10.0.0.1', '10.0.0.4', 0, 2048, 'ICMP', '........', 1, 84),
        ...SUMMARY,
      ].join('\n') + '\n',
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'nfdump-csv', data_lines: 4, rows_read: 4, rows_rejected: 0 });
    const flows = await flowsOf(store);
    expect(flows.map((x) => [x.state, x.src_port, x.dst_port, x.src_pkts, x.src_bytes, x.dst_bytes])).toEqual([
      ['closed', 40000, 80, 5, 300, 0],
      ['connecting', 40001, 81, 1, 40, 0],
      ['reset', 81, 40001, 1, 40, 0],
      ['new', 8, 0, 1, 84, 0],
    ]);
    expect(flows[0].ts).toBe('2023-11-14T22:13:20.000Z');
    const d = await store.one<{ d: string }>('SELECT details::VARCHAR AS d FROM imports');
    expect(JSON.parse(d!.d)).toMatchObject({ nfdumpCsv: 'classic', summary: { firstLine: 6, lines: 3 } });
  });

  it('imports the long 1.7 header style', async () => {
    const f = tmp.file('long.csv');
    fs.writeFileSync(
      f,
      [
        'firstSeen,lastSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,flags,inPackets,inBytes,outPackets,outBytes',
        '2023-11-14 22:13:20.123,2023-11-14 22:13:20.193,0.070,UDP,10.0.0.1,5353,10.0.0.3,53,........,1,68,1,148',
        '1699999999000,1700000000000,1.000,6,10.0.0.1,40000,10.0.0.2,80,...A....,3,200,2,100',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'nfdump-csv', rows_read: 2 });
    const flows = await flowsOf(store);
    expect(flows.map((x) => [x.ts, x.proto, x.state, x.dst_pkts, x.dst_bytes])).toEqual([
      ['2023-11-14T22:13:20.123Z', 'udp', 'established', 1, 148],
      ['2023-11-14T22:13:19.000Z', 'tcp', 'established', 2, 100],
    ]);
  });

  it('rejects bad lines with their numbers and keeps the Summary out of the rejects', async () => {
    const f = tmp.file('bad.csv');
    fs.writeFileSync(
      f,
      [
        CLASSIC,
        row('2023-11-14 22:13:20', '10.0.0.1', '10.0.0.2', 40000, 80, 'TCP', '...AP.SF', 5, 300),
        row('not a time', '10.0.0.1', '10.0.0.2', 40000, 80, 'TCP', '...AP.SF', 5, 300),
        row('2023-11-14 22:13:20', '10.0.0.1', '10.0.0.2', 40000, 80, 'TCP', '...AP.SF', 5, 'x'),
        row('2023-11-14 22:13:20', '10.0.0.1', '10.0.0.2', 99999, 80, 'TCP', '...AP.SF', 5, 300),
        ...SUMMARY,
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ rows_read: 1, rows_rejected: 3, data_lines: 4 });
    const rej = await rejectsOf(store);
    expect(rej.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(rej[0].reason).toMatch(/ts: "not a time" is not a time/);
    expect(rej[1].reason).toMatch(/ibyt: "x" is not a byte count/);
    expect(rej[2].reason).toMatch(/src_port: 99999 is not a port/);
  });
});

const nfpcapd = ['/usr/bin/nfpcapd', '/usr/sbin/nfpcapd'].find((p) => fs.existsSync(p));
const nfdump = findNfdump();
if (!nfpcapd || !nfdump) console.warn('nfdump/nfpcapd not installed (apt-get install nfdump): nfcapd file tests skipped');

describe.skipIf(!nfpcapd || !nfdump)('nfcapd capture files', () => {
  // nfpcapd takes seconds to flush: one real nfcapd file, made once and copied where needed
  let nfcapd = '';
  beforeAll(() => {
    const dir = tmp.file('nfpcapd');
    fs.mkdirSync(dir);
    const t = 1_700_000_000;
    const pcap = path.join(dir, 'in.pcap');
    writePcap(pcap, [...tcpSession(t, '10.0.0.1', 40000, '10.0.0.2', 80), ...tcpRefused(t + 1, '10.0.0.1', 40001, '10.0.0.2', 81), ...udpExchange(t + 2, '10.0.0.1', 5353, '10.0.0.3', 53)]);
    const out = path.join(dir, 'nf');
    fs.mkdirSync(out);
    const r = spawnSync(nfpcapd!, ['-r', pcap, '-w', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nfpcapd failed: ${r.stderr}`);
    const files = expandInputs([out]);
    expect(files.length).toBe(1);
    nfcapd = files[0];
  });

  it('reads one nfcapd file through nfdump and records its version', async () => {
    const s = await importPaths(store, [nfcapd]);
    expect(s.files[0].record).toMatchObject({ format: 'nfcapd', rows_read: 6, rows_rejected: 0 });
    const d = await store.one<{ d: string }>('SELECT details::VARCHAR AS d FROM imports');
    expect(JSON.parse(d!.d).nfdump.version).toMatch(/\d+\.\d+/);
    const flows = await flowsOf(store);
    // NetFlow is unidirectional: one record per direction
    expect(flows.filter((x) => x.proto === 'tcp').map((x) => [x.src_ip, x.src_port, x.src_pkts, x.state]).sort()).toEqual([
      ['10.0.0.1', 40000, 5, 'closed'],
      ['10.0.0.1', 40001, 1, 'connecting'],
      ['10.0.0.2', 80, 3, 'closed'],
      ['10.0.0.2', 81, 1, 'reset'],
    ]);
    expect(flows[0].ts.startsWith('2023-11-14T22:13:2')).toBe(true);
  });

  it('imports a folder tree of nfcapd files, one import per file', async () => {
    const root = tmp.file('tree');
    for (const day of ['2023/11/14', '2023/11/15']) {
      fs.mkdirSync(path.join(root, day), { recursive: true });
      fs.copyFileSync(nfcapd, path.join(root, day, path.basename(nfcapd)));
    }
    const files = expandInputs([root]);
    expect(files).toHaveLength(2);
    const s = await importPaths(store, [root], { allowDuplicate: true });
    expect(s.files.map((f) => f.record?.format)).toEqual(['nfcapd', 'nfcapd']);
    expect(s.flows).toBe(12);
  });

  it('says clearly when nfdump is not installed', async () => {
    process.env.NETSIFT_NFDUMP = tmp.file('no-such-nfdump');
    try {
      const s = await importPaths(store, [nfcapd], { keepGoing: true });
      expect(s.files[0].error).toMatch(/nfcapd capture file, but nfdump is not installed/);
    } finally {
      delete process.env.NETSIFT_NFDUMP;
    }
  });
});
