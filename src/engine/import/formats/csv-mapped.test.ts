import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../../tests/helpers/tmp';
import { CaseStore } from '../../store/case-store';
import { importFiles } from '../pipeline';
import { detectDelimiter, headerColumns, resolveMapping } from './csv-mapped';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

describe('csv-mapped: column mapping', () => {
  it('finds common names (Argus, Zeek, plain) and lets an explicit mapping win', () => {
    const argus = headerColumns(
      'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,TotBytes,SrcBytes,Label',
      ',',
    );
    expect(resolveMapping(argus)).toMatchObject({
      ts: 0,
      duration: 1,
      proto: 2,
      src_ip: 3,
      src_port: 4,
      dst_ip: 6,
      dst_port: 7,
      state: 8,
      total_bytes: 9,
      src_bytes: 10,
      label: 11,
    });
    const zeek = headerColumns('ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto', '\t');
    expect(resolveMapping(zeek)).toMatchObject({
      ts: 0,
      src_ip: 2,
      src_port: 3,
      dst_ip: 4,
      dst_port: 5,
      proto: 6,
    });
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(
      resolveMapping(['when', 'a', 'b'], { ts: 'when', src_ip: 'A', dst_ip: 'b' }),
    ).toMatchObject({ ts: 0, src_ip: 1, dst_ip: 2 });
    expect(() => resolveMapping(['x'], { ts: 'nope' })).toThrow(/--map ts=nope: no column "nope"/);
  });
});

describe('csv-mapped: import', () => {
  it('imports epoch and text timestamps, protocol numbers, states, totals; rejects bad values by line', async () => {
    const file = tmp.file('flows.csv');
    fs.writeFileSync(
      file,
      [
        'StartTime,Dur,Proto,SrcAddr,Sport,DstAddr,Dport,State,TotBytes,SrcBytes',
        '2018/09/27 22:40:52.362768,1.5,tcp,192.168.2.1,52893,192.168.2.12,22,CON,3766,1224',
        '1538088052.5,0,17,192.168.2.12,56343,192.168.2.1,53,INT,208,72',
        '',
        '2018/09/27 22:40:53,0,tcp,192.168.2.1,x,192.168.2.12,22,CON,1,1',
        '2018/09/27 22:40:54,0,tcp,192.168.2.1,1,192.168.2.12,22,CON,1',
        '2018/09/27 22:40:55,0,tcp,192.168.2.1,1,300.1.1.1,22,CON,1,1',
        'yesterday,0,tcp,192.168.2.1,1,192.168.2.12,22,CON,1,1',
      ].join('\n') + '\n',
    );
    const store = await CaseStore.open(tmp.file('m.duckdb'));
    // the Argus importer claims this header on its own; the generic mapping reads it too
    const r = (await importFiles(store, [file], { format: 'csv' }).result).files[0].record!;
    expect(r.format).toBe('csv-mapped');
    expect([r.rows_read, r.rows_rejected, r.data_lines]).toEqual([2, 4, 6]);
    const rejects = await store.all<{ line: number; reason: string }>(
      'SELECT line, reason FROM rejects ORDER BY line',
    );
    expect(rejects).toEqual([
      { line: 5, reason: 'Sport: x is not a port (0-65535)' },
      { line: 6, reason: 'expected 10 fields, found 9' },
      { line: 7, reason: 'dst_ip: 300.1.1.1 is not an IP address' },
      { line: 8, reason: 'StartTime: yesterday is not a timestamp' },
    ]);
    const flows = await store.all<Record<string, unknown>>(
      'SELECT ts, ts_end, proto, state, state_raw, src_bytes, dst_bytes FROM flows ORDER BY id',
    );
    expect(flows[0]).toEqual({
      ts: '2018-09-27T22:40:52.362Z',
      ts_end: '2018-09-27T22:40:53.862Z',
      proto: 'tcp',
      state: 'established',
      state_raw: 'CON',
      src_bytes: 1224,
      dst_bytes: 2542,
    });
    expect(flows[1]).toMatchObject({ ts: '2018-09-27T22:40:52.500Z', proto: 'udp', state: 'new' });
    store.close();
  });

  it('names protocols as every other importer does (one map: ../protocols.ts)', async () => {
    const file = tmp.file('protos.csv');
    const row = (proto: string, i: number) =>
      `2020-01-01 00:00:0${i},${proto},2001:db8::1,2001:db8::${i + 2}`;
    const protos = ['ICMPv6', 'ipv6_icmp', 'IPv6-ICMP', '58', '6', 'UDP', 'gre', '47'];
    fs.writeFileSync(file, ['ts,proto,src,dst', ...protos.map(row)].join('\n') + '\n');
    const store = await CaseStore.open(tmp.file('p.duckdb'));
    const mapping = { ts: 'ts', proto: 'proto', src_ip: 'src', dst_ip: 'dst' };
    await importFiles(store, [file], { format: 'csv', mapping }).result;
    const rows = await store.all<{ proto: string }>('SELECT proto FROM flows ORDER BY id');
    expect(rows.map((r) => r.proto)).toEqual([
      'icmp6',
      'icmp6',
      'icmp6',
      'icmp6',
      'tcp',
      'udp',
      'gre',
      '47',
    ]);
    store.close();
  });

  it('says which field it cannot find and how to map it', async () => {
    const file = tmp.file('nots.csv');
    fs.writeFileSync(file, 'when,src,dst\n2020-01-01 00:00:00,10.0.0.1,10.0.0.2\n');
    const store = await CaseStore.open(tmp.file('n.duckdb'));
    await expect(importFiles(store, [file]).result).rejects.toThrow(
      /no column for ts .*--map ts=COLUMN/,
    );
    const r = (await importFiles(store, [file], { mapping: { ts: 'when' } }).result).files[0]
      .record!;
    expect(r.rows_read).toBe(1);
    store.close();
  });
});
