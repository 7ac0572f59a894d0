// Zeek conn.log in TSV (several sections, unset and empty values, labels), JSON lines and CSV,
// gzip, bad lines rejected with their line numbers while the rest is imported.
import fs from 'node:fs';
import zlib from 'node:zlib';
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

const FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
  'label',
  'detailedlabel',
];

function header(): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2022-06-17-00-00-07',
    `#fields\t${FIELDS.join('\t')}`,
    `#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring\tstring`,
  ].join('\n');
}

const L1 =
  '1655071198.444458\tC1\t147.32.81.167\t62771\t40.74.108.123\t443\ttcp\tssl\t1.135424\t1596\t4039\tSF\tT\tF\t0\tShADdaFf\t14\t2156\t16\t4679\t(empty)\tBenign\tMicrosoft';
const L2 =
  '1655071231.749548\tC2\t193.201.9.232\t46563\t147.32.81.167\t3933\ttcp\t-\t-\t-\t-\tS0\tF\tT\t0\tS\t2\t80\t0\t0\t(empty)\tMalicious\tExternal-Attack-to-Device';
const L3 =
  '1655071300.000001\tC3\t147.32.81.167\t5353\t224.0.0.251\t5353\tudp\tdns\t0.5\t100\t0\tS0\tT\tF\t0\tD\t1\t128\t0\t0\t(empty)\t-\t-';
const L4 =
  '1655071400.5\tC4\t2001:db8::1\t128\t2001:db8::2\t0\ticmp\t-\t0.01\t8\t8\tOTH\tT\tF\t0\t-\t1\t56\t1\t56\t(empty)\tBenign\t-';

describe('Zeek TSV', () => {
  it('imports a conn.log with two sections, unset and (empty) values, states and labels', async () => {
    const f = tmp.file('conn.log');
    fs.writeFileSync(
      f,
      [
        header(),
        L1,
        L2,
        '#close\t2022-06-17-01-00-00',
        header(),
        L3,
        L4,
        '#close\t2022-06-17-02-00-00',
        '',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].error).toBeUndefined();
    expect(s.files[0].record).toMatchObject({
      format: 'zeek',
      data_lines: 4,
      rows_read: 4,
      rows_rejected: 0,
    });
    const flows = await flowsOf(store);
    expect(flows[0]).toMatchObject({
      ts: '2022-06-12T21:59:58.444Z',
      ts_end: '2022-06-12T21:59:59.579Z',
      proto: 'tcp',
      state: 'closed',
      state_raw: 'SF',
      src_ip: '147.32.81.167',
      src_port: 62771,
      dst_ip: '40.74.108.123',
      dst_port: 443,
      src_bytes: 2156,
      dst_bytes: 4679,
      src_pkts: 14,
      dst_pkts: 16,
      label: 'Benign / Microsoft',
    });
    expect(flows[1]).toMatchObject({
      state: 'connecting',
      src_bytes: 80,
      dst_bytes: 0,
      label: 'Malicious / External-Attack-to-Device',
    });
    expect(flows[2]).toMatchObject({ proto: 'udp', state: 'new', label: null });
    expect(flows[3]).toMatchObject({
      proto: 'icmp6',
      state: 'other',
      src_port: 128,
      dst_port: 0,
      label: 'Benign',
    });
  });

  it('rejects bad lines with their line numbers and reasons, and imports the rest', async () => {
    const bad = [
      header(), // lines 1-8
      L1, // 9
      L2.replace('46563', '7x'), // 10: bad port
      L3.split('\t').slice(0, 10).join('\t'), // 11: too few fields
      '', // 12: blank line (not data)
      L4.replace('2001:db8::1', 'not-an-ip'), // 13: rejected by the pipeline
      L1.replace('1655071198.444458', 'yesterday'), // 14: bad ts
      L1.replace('\t2156\t', '\t-5x\t'), // 15: bad bytes
      L2, // 16
    ].join('\n');
    const f = tmp.file('bad.log');
    fs.writeFileSync(f, bad);
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ rows_read: 2, rows_rejected: 5, data_lines: 7 });
    const rej = await rejectsOf(store);
    expect(rej.map((r) => r.line)).toEqual([10, 11, 13, 14, 15]);
    expect(rej[0].reason).toMatch(/id.orig_p: "7x" is not a port number/);
    expect(rej[0].raw).toContain('193.201.9.232');
    expect(rej[1].reason).toMatch(/fewer than 23 fields/);
    expect(rej[2].reason).toMatch(/src_ip: not-an-ip is not an IP address/);
    expect(rej[3].reason).toMatch(/ts: "yesterday" is not an epoch time/);
    expect(rej[4].reason).toMatch(/orig_ip_bytes: "-5x" is not a byte count/);
  });

  it('keeps file order and exact line numbers in a log read in parallel (300k lines)', async () => {
    // Without WITH ORDINALITY a row's line is its place in the staging table: that holds only if
    // the whole load keeps file order across DuckDB's threads and row groups.
    const lines = [header()];
    for (let i = 0; i < 300_000; i++) {
      const port = i === 250_000 ? 'x80' : String(1024 + (i % 60000));
      lines.push(
        `${1655071198 + i * 0.01}\tC${i}\t10.0.${i % 250}.1\t${port}\t147.32.81.167\t443\ttcp\t-\t0.5\t100\t200\tSF\tT\tF\t0\tShAD\t2\t180\t2\t280\t(empty)\tBenign\t-`,
      );
    }
    const file = tmp.file('big-conn.log');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const sum = await importPaths(store, [file]);
    expect(sum.flows).toBe(299_999);
    const back = await store.one<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT ts < lag(ts) OVER (ORDER BY id) AS back FROM flows) WHERE back',
    );
    expect(back?.n).toBe(0);
    const rejects = await rejectsOf(store);
    expect(rejects.map((r) => r.line)).toEqual([8 + 250_001]);
    expect(rejects[0].reason).toMatch(/x80/);
  });

  it('reads a gzip-compressed log whatever its name', async () => {
    const f = tmp.file('conn.log.gz');
    fs.writeFileSync(f, zlib.gzipSync([header(), L1, L2, ''].join('\n')));
    const g = tmp.file('conn-gz-no-suffix');
    fs.writeFileSync(g, zlib.gzipSync([header(), L3, ''].join('\n')));
    const s = await importPaths(store, [f, g]);
    expect(s.files.map((x) => [x.record?.format, x.record?.rows_read])).toEqual([
      ['zeek', 2],
      ['zeek', 1],
    ]);
  });
});

describe('Zeek JSON lines', () => {
  it('imports JSON lines, with ISO or epoch ts, detailed-label, and rejects broken lines by number', async () => {
    const rows = [
      {
        ts: 1700828217.314165,
        uid: 'C1',
        'id.orig_h': '192.168.1.9',
        'id.orig_p': 50820,
        'id.resp_h': '45.33.32.156',
        'id.resp_p': 443,
        proto: 'tcp',
        duration: 0.2,
        orig_bytes: 0,
        resp_bytes: 0,
        conn_state: 'REJ',
        orig_pkts: 1,
        orig_ip_bytes: 60,
        resp_pkts: 1,
        resp_ip_bytes: 40,
        label: 'Malicious',
        'detailed-label': 'PartOfAHorizontalPortScan',
      },
      {
        ts: '2023-11-24T12:16:57.314Z',
        uid: 'C2',
        'id.orig_h': '192.168.1.9',
        'id.orig_p': 42982,
        'id.resp_h': '45.33.32.156',
        'id.resp_p': 80,
        proto: 'tcp',
        conn_state: 'RSTO',
        orig_pkts: 3,
        orig_ip_bytes: 164,
        resp_pkts: 1,
        resp_ip_bytes: 60,
      },
    ];
    const f = tmp.file('conn.json');
    fs.writeFileSync(
      f,
      [
        JSON.stringify(rows[0]),
        '{"ts": 17008282',
        JSON.stringify(rows[1]),
        JSON.stringify({ ...rows[1], 'id.resp_p': 'http' }),
        '',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({
      format: 'zeek-json',
      rows_read: 2,
      rows_rejected: 2,
    });
    const flows = await flowsOf(store);
    expect(flows[0]).toMatchObject({
      state: 'reset',
      state_raw: 'REJ',
      src_bytes: 60,
      dst_bytes: 40,
      label: 'Malicious / PartOfAHorizontalPortScan',
    });
    expect(flows[1]).toMatchObject({
      ts: '2023-11-24T12:16:57.314Z',
      state: 'reset',
      dst_port: 80,
    });
    const rej = await rejectsOf(store);
    expect(rej.map((r) => [r.line, r.reason])).toEqual([
      [2, 'not a JSON object'],
      [4, 'id.resp_p: "http" is not a port number'],
    ]);
  });
});

describe('Zeek as CSV (IoT-23 style)', () => {
  it('maps Zeek field names in a comma header, with label and detailed-label', async () => {
    const f = tmp.file('iot23.csv');
    fs.writeFileSync(
      f,
      [
        'ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,service,duration,orig_bytes,resp_bytes,conn_state,local_orig,local_resp,missed_bytes,history,orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,tunnel_parents,label,detailed-label',
        '1547127288.026074,CXY,192.168.1.197,58312,104.24.96.120,80,tcp,http,3.909013,83,67212,SF,,,4380,ShADadttFf,54,3371,50,69224,,Malicious,FileDownload',
        '1547127289.0,CXZ,192.168.1.197,58313,104.24.96.120,80,tcp,http,,,,S0,,,,S,1,60,0,0,,Benign,',
      ].join('\n'),
    );
    const s = await importPaths(store, [f]);
    expect(s.files[0].record).toMatchObject({ format: 'zeek-csv', rows_read: 2 });
    const flows = await flowsOf(store);
    expect(flows.map((x) => [x.state, x.src_bytes, x.dst_bytes, x.label])).toEqual([
      ['closed', 3371, 69224, 'Malicious / FileDownload'],
      ['connecting', 60, 0, 'Benign'],
    ]);
  });
});
