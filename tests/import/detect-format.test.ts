// Auto-detection of the issue-5 formats by content (not by file name), and a folder of logs
// (plain and gzip) imported in one go.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/engine/import/expand-inputs';
import { pickFormat } from '../../src/engine/import/pipeline';
import { readSample } from '../../src/engine/import/sample';
import { CaseStore } from '../../src/engine/store/case-store';
import { importPaths } from '../helpers/import-files';
import { pcapBytes, pcapngBytes, udpExchange } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const ZEEK = '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\n1700000001.0\tC\t1.1.1.1\t1\t2.2.2.2\t2\ttcp\tS0\n';
const pk = udpExchange(1_700_000_000, '10.0.0.1', 1, '10.0.0.2', 2);

const SAMPLES: [string, string | Buffer, string][] = [
  ['a.txt', ZEEK, 'zeek'],
  ['b.txt', '{"ts":1700828217.3,"uid":"C","id.orig_h":"192.168.1.9","id.orig_p":1,"id.resp_h":"4.4.4.4","id.resp_p":443,"proto":"tcp","conn_state":"REJ"}\n', 'zeek-json'],
  ['c.txt', 'ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,conn_state\n1.0,C,1.1.1.1,1,2.2.2.2,2,tcp,S0\n', 'zeek-csv'],
  ['d.txt', 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n2011/08/10 09:46:53.047277,1.0,udp,1.1.1.1,1,  <->,2.2.2.2,2,CON,0,0,2,100,50,x\n', 'argus'],
  ['e.txt', 'StartTime,Flgs,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,TotPkts,TotBytes,State\n1700000000.0, e,tcp,1.1.1.1,1,   ->,2.2.2.2,2,8,1532,FIN\n', 'argus'],
  ['f.txt', 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt\n2023-11-14 22:13:21,2023-11-14 22:13:21,0.000,1.1.1.1,2.2.2.2,1,2,UDP,........,0,0,1,68,0,0\n', 'nfdump-csv'],
  ['g.txt', 'firstSeen,lastSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,inPackets,inBytes\n', 'nfdump-csv'],
  ['h.txt', 'Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets, Label\n', 'cicflowmeter'],
  ['i.bin', pcapBytes(pk), 'pcap'],
  ['j.bin', pcapBytes(pk, { nano: true, bigEndian: true }), 'pcap'],
  ['k.bin', pcapngBytes(pk), 'pcap'],
  ['l.bin', Buffer.concat([Buffer.from([0x0c, 0xa5, 0x02, 0x00]), Buffer.alloc(60)]), 'nfcapd'],
];

describe('format detection by content', () => {
  it.each(SAMPLES)('%s is detected as %s', async (name, content, id) => {
    const f = tmp.file(name);
    fs.writeFileSync(f, content);
    const sample = await readSample(f);
    expect(pickFormat(sample, fs.statSync(f).size, undefined).id).toBe(id);
  });

  it('detects a gzip Zeek log by its decompressed content', async () => {
    const f = tmp.file('conn.log.gz');
    fs.writeFileSync(f, zlib.gzipSync(ZEEK));
    expect(pickFormat(await readSample(f), 100, undefined).id).toBe('zeek');
  });
});

describe('a folder of logs', () => {
  it('expands folders (skipping hidden files) and imports every log, gzip included', async () => {
    const dir = tmp.file('logs');
    fs.mkdirSync(path.join(dir, 'day2'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'conn.00.log'), ZEEK);
    fs.writeFileSync(path.join(dir, 'day2', 'conn.01.log.gz'), zlib.gzipSync(ZEEK.replace('1700000001.0\tC\t1.1.1.1', '1700000002.0\tD\t1.1.1.9')));
    fs.writeFileSync(path.join(dir, '.DS_Store'), 'junk');
    expect(expandInputs([dir]).map((p) => path.relative(dir, p))).toEqual(['conn.00.log', path.join('day2', 'conn.01.log.gz')]);
    const store = await CaseStore.open(':memory:');
    try {
      const s = await importPaths(store, [dir]);
      expect(s.files.map((f) => [f.record?.format, f.record?.rows_read])).toEqual([
        ['zeek', 1],
        ['zeek', 1],
      ]);
      expect(s.flows).toBe(2);
    } finally {
      store.close();
    }
    fs.mkdirSync(tmp.file('empty'));
    expect(() => expandInputs([tmp.file('empty')])).toThrow(/folder holds no files/);
  });
});
