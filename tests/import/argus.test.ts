// Argus CSV: CTU-13 binetflow (TotBytes - SrcBytes, hex ports, Label, local time + --tz) and ra -c ,
// output with its own column names; bad lines rejected by number; a time-only ra export refused.
import fs from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { argusState } from '../../src/engine/import/formats/argus-states';
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

const HEAD = 'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label';
const B1 = '2011/08/10 09:46:53.047277,3550.182373,udp,212.50.71.179,39678,  <->,147.32.84.229,13363,CON,0,0,12,875,413,flow=Background-UDP-Established';
const B2 = '2011/08/10 09:46:53.048843,0.000883,tcp,147.32.84.165,1027,   ->,74.125.232.195,80,S_RA,0,0,2,120,60,flow=From-Botnet-V42-TCP-Attempt';
const B3 = '2011/08/10 09:46:54.000000,0.5,icmp,147.32.84.165,0x0008,  <->,8.8.8.8,0x0bd5,ECO,0,,2,196,98,flow=Background';
const B4 = '2011/08/10 09:46:55.000000,1.0,tcp,147.32.84.165,1028,   ->,10.0.0.1,445,FSPA_FSPA,0,0,10,1500,600,';

describe('Argus binetflow', () => {
  it('imports CTU-13 rows: states, TotBytes - SrcBytes, hex ports, labels', async () => {
    const f = tmp.file('capture.binetflow');
    fs.writeFileSync(f, [HEAD, B1, B2, B3, B4].join('\n') + '\n');
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'argus', rows_read: 4, rows_rejected: 0 });
    const flows = await flowsOf(store);
    expect(flows[0]).toMatchObject({
      ts: '2011-08-10T09:46:53.047Z',
      proto: 'udp',
      state: 'established',
      state_raw: 'CON',
      src_ip: '212.50.71.179',
      src_port: 39678,
      dst_port: 13363,
      src_bytes: 413,
      dst_bytes: 462,
      src_pkts: null,
      label: 'flow=Background-UDP-Established',
    });
    expect(flows[0].ts_end).toBe('2011-08-10T10:46:03.229Z');
    expect(flows[1]).toMatchObject({ state: 'reset', state_raw: 'S_RA', label: 'flow=From-Botnet-V42-TCP-Attempt' });
    expect(flows[2]).toMatchObject({ proto: 'icmp', src_port: 8, dst_port: 0x0bd5, state: 'established' });
    expect(flows[3]).toMatchObject({ state: 'closed', label: null, dst_bytes: 900 });
  });

  it('applies the import zone to the local StartTime', async () => {
    const f = tmp.file('tz.binetflow');
    fs.writeFileSync(f, [HEAD, B2].join('\n'));
    await importPaths(store, [f], { tz: 'Europe/Prague' });
    expect((await flowsOf(store))[0].ts).toBe('2011-08-10T07:46:53.048Z');
  });

  it('rejects bad lines with line numbers and imports the rest', async () => {
    const f = tmp.file('bad.binetflow');
    fs.writeFileSync(
      f,
      [
        HEAD,
        B1,
        B2.replace('2011/08/10 09:46:53.048843', '2011/13/45 99:00:00'), // 3: bad time
        B3.replace('0x0bd5', 'zz'), // 4: bad port
        B4.replace(',10,1500,', ',10,lots,'), // 5: bad bytes
        'garbage line', // 6: field count
        B4,
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ rows_read: 2, rows_rejected: 4, data_lines: 6 });
    const rej = await rejectsOf(store);
    expect(rej.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(rej[0].reason).toMatch(/StartTime: "2011\/13\/45 99:00:00" is not a time/);
    expect(rej[1].reason).toMatch(/Dport: "zz" is not a port number/);
    expect(rej[2].reason).toMatch(/TotBytes: "lots" is not a byte count/);
    expect(rej[3].reason).toMatch(/fewer than 15 fields/);
  });
});

describe('ra -c , output', () => {
  it('reads per-direction packets and bytes from ra columns and epoch times', async () => {
    const f = tmp.file('ra.csv');
    fs.writeFileSync(
      f,
      [
        'StartTime,LastTime,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,SrcPkts,DstPkts,SrcBytes,DstBytes,State',
        '1700000000.000000,1700000000.070000,tcp,10.0.0.1,40000,   ->,10.0.0.2,80,5,3,370,1162,FIN',
        '1700000001.000000,1700000001.001000,tcp,10.0.0.1,40001,   ->,10.0.0.2,81,1,1,54,54,RST',
        '1700000001.500000,1700000001.520000,udp,10.0.0.1,5353,  <->,10.0.0.3,53,1,1,82,162,CON',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'argus', rows_read: 3 });
    const flows = await flowsOf(store);
    expect(flows.map((x) => [x.state, x.src_pkts, x.dst_pkts, x.src_bytes, x.dst_bytes, x.ts_end])).toEqual([
      ['closed', 5, 3, 370, 1162, '2023-11-14T22:13:20.070Z'],
      ['reset', 1, 1, 54, 54, '2023-11-14T22:13:21.001Z'],
      ['established', 1, 1, 82, 162, '2023-11-14T22:13:21.520Z'],
    ]);
  });

  it('refuses ra output whose times have no date, saying how to re-run ra', async () => {
    const f = tmp.file('ra-notime.csv');
    fs.writeFileSync(f, 'StartTime,Flgs,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,TotPkts,TotBytes,State\n22:13:20.000000, e,tcp,10.0.0.1,40000,   ->,10.0.0.2,80,8,1532,FIN\n');
    const s = await importPaths(store, [f], { keepGoing: true });
    expect(s.files[0].error).toMatch(/has no date; re-run ra with -u/);
  });
});

describe('Argus state words', () => {
  it('maps flag pairs and ra words', () => {
    expect(
      ['S_RA', 'S_', 'FSPA_FSPA', 'SPA_SPA', 'FSA_SA', 'CON', 'INT', 'REQ', 'RST', 'URP', 'ECO', 'weird'].map((s) => argusState(s, 'tcp')),
    ).toEqual(['reset', 'connecting', 'closed', 'established', 'closing', 'established', 'connecting', 'connecting', 'reset', 'reset', 'established', 'other']);
    expect(argusState('INT', 'udp')).toBe('new');
    expect(argusState('REQ', 'udp')).toBe('new');
  });
});
