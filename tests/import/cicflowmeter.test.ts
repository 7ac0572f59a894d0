// CICFlowMeter CSV: CIC-IDS2017 style (leading spaces in headers, day-first times with AM/PM),
// the 2018 / re-extraction style (ISO times, short names), states from flag counts, labels, bad lines.
import fs from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths, rejectsOf } from '../helpers/import-files';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
let store: CaseStore;
beforeEach(async () => {
  store?.close();
  store = await CaseStore.open(':memory:');
});

// a trimmed CIC-IDS2017 header (the real one has ~85 columns; order and spaces as shipped)
const H2017 =
  'Flow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Total Fwd Packets, Total Backward Packets,Total Length of Fwd Packets, Total Length of Bwd Packets,FIN Flag Count, SYN Flag Count, RST Flag Count, Flow Bytes/s, Label';
const r2017 = (ts: string, sp: number | string, dp: number, proto: number, dur: number, fp: number, bp: number, fb: number | string, bb: number, fin: number, syn: number, rst: number, label: string) =>
  `192.168.10.5-104.16.207.165-54865-443-6,192.168.10.5,${sp},104.16.207.165,${dp},${proto},${ts},${dur},${fp},${bp},${fb},${bb},${fin},${syn},${rst},Infinity,${label}`;

describe('CICFlowMeter CSV', () => {
  it('imports CIC-IDS2017 rows with spaced headers and day-first times in the import zone', async () => {
    const f = tmp.file('Tuesday-WorkingHours.pcap_ISCX.csv');
    fs.writeFileSync(
      f,
      [
        H2017,
        r2017('04/07/2017 01:55:56 PM', 54865, 443, 6, 3000000, 3, 2, 12, 100, 2, 1, 0, 'BENIGN'),
        r2017('4/7/2017 8:59', 54866, 22, 6, 12, 2, 0, 0, 0, 0, 2, 0, 'SSH-Patator'),
        r2017('04/07/2017 01:56:00 PM', 5353, 53, 17, 500, 1, 1, 40, 120, 0, 0, 0, 'BENIGN'),
        r2017('04/07/2017 01:57:00 PM', 54867, 80, 6, 5, 1, 1, 0, 0, 0, 1, 1, 'PortScan'),
      ].join('\r\n') + '\r\n',
    );
    const s = await importPaths(store, [f], { tz: 'America/Halifax' });
    expect(s.files[0].record).toMatchObject({ format: 'cicflowmeter', rows_read: 4, rows_rejected: 0 });
    const flows = await flowsOf(store);
    expect(flows[0]).toMatchObject({
      ts: '2017-07-04T16:55:56.000Z',
      ts_end: '2017-07-04T16:55:59.000Z',
      proto: 'tcp',
      state: 'closed',
      src_ip: '192.168.10.5',
      src_port: 54865,
      dst_port: 443,
      src_bytes: 12,
      dst_bytes: 100,
      src_pkts: 3,
      dst_pkts: 2,
      label: 'BENIGN',
    });
    expect(flows.map((x) => [x.ts, x.state, x.label])).toEqual([
      ['2017-07-04T16:55:56.000Z', 'closed', 'BENIGN'],
      ['2017-07-04T11:59:00.000Z', 'connecting', 'SSH-Patator'],
      ['2017-07-04T16:56:00.000Z', 'established', 'BENIGN'],
      ['2017-07-04T16:57:00.000Z', 'reset', 'PortScan'],
    ]);
  });

  it('imports the re-extracted style (id column, ISO time, short names) and skips repeated headers', async () => {
    const head =
      'id,Flow ID,Src IP,Src Port,Dst IP,Dst Port,Protocol,Timestamp,Flow Duration,Total Fwd Packet,Total Bwd packets,Total Length of Fwd Packet,Total Length of Bwd Packet,RST Flag Count,Label';
    const f = tmp.file('cic2018.csv');
    fs.writeFileSync(
      f,
      [
        head,
        '207492,x,192.168.10.8,53852,192.168.10.5,1071,6,2017-07-06 18:33:31.417420,49,2,0,0,0,0,Infiltration - Portscan',
        head,
        '207493,x,192.168.10.8,53853,192.168.10.5,1072,6,2017-07-06 18:33:31.5,49,1,1,0,0,1,Infiltration - Portscan',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'cicflowmeter', rows_read: 2, rows_rejected: 0, data_lines: 2 });
    const flows = await flowsOf(store);
    expect(flows.map((x) => [x.ts, x.state, x.dst_port])).toEqual([
      ['2017-07-06T18:33:31.417Z', 'other', 1071],
      ['2017-07-06T18:33:31.500Z', 'reset', 1072],
    ]);
  });

  it('rejects bad lines with their numbers and imports the rest', async () => {
    const f = tmp.file('bad.csv');
    fs.writeFileSync(
      f,
      [
        H2017,
        r2017('04/07/2017 01:55:56 PM', 54865, 443, 6, 3, 3, 2, 12, 100, 2, 1, 0, 'BENIGN'),
        r2017('someday', 54865, 443, 6, 3, 3, 2, 12, 100, 2, 1, 0, 'BENIGN'),
        r2017('04/07/2017 01:55:56 PM', 'port', 443, 6, 3, 3, 2, 12, 100, 2, 1, 0, 'BENIGN'),
        r2017('04/07/2017 01:55:56 PM', 54865, 443, 6, 3, 3, 2, 'NaNx', 100, 2, 1, 0, 'BENIGN'),
        '1,2,3',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ rows_read: 1, rows_rejected: 4 });
    const rej = await rejectsOf(store);
    expect(rej.map((r) => [r.line, r.reason])).toEqual([
      [3, 'Timestamp: "someday" is not a time (YYYY-MM-DD HH:MM:SS or DD/MM/YYYY HH:MM:SS)'],
      [4, 'Src Port: "port" is not a port number'],
      [5, 'Total Length of Fwd Packets: "NaNx" is not a byte count'],
      [6, 'fewer than 17 fields'],
    ]);
  });
});
