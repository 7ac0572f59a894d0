// The filter language's nfdump terms (flags, duration, bpp, bps, pps) answer as nfdump itself does:
// a test capture becomes a real nfcapd file (nfpcapd); nfdump prints its records with millisecond
// times (its `-o csv`, which netsift's nfcapd import reads, rounds times to the second), netsift
// imports that print as nfdump CSV, and both must select the same flows for each expression.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/engine/import/expand-inputs';
import { findNfdump } from '../../src/engine/import/formats/nfdump-capture';
import { filterToSql } from '../../src/engine/query/filter';
import { CaseStore } from '../../src/engine/store/case-store';
import { importPaths } from '../helpers/import-files';
import { tcpRefused, tcpSession, udpExchange, writePcap, type Pkt } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const nfpcapd = ['/usr/bin/nfpcapd', '/usr/sbin/nfpcapd'].find((p) => fs.existsSync(p));
const nfdump = findNfdump();
if (!nfpcapd || !nfdump)
  console.warn(
    'nfdump/nfpcapd not installed (apt-get install nfdump): nfdump filter comparison skipped',
  );

const tmp = makeTmpDir();
let store: CaseStore;
let nfcapd = '';

const t = 1_700_000_000;
const syn = (dt: number, sport: number, dport: number, dst = '10.0.0.3'): Pkt => ({
  ts: t + dt,
  src: '10.0.0.1',
  dst,
  proto: 'tcp',
  sport,
  dport,
  flags: 'S',
});
const PACKETS: Pkt[] = [
  ...tcpSession(t, '10.0.0.1', 40000, '10.0.0.2', 80), // handshake, data, FIN both ways: 70 and 50 ms
  ...tcpSession(t + 5, '10.0.0.5', 40100, '10.0.0.2', 443, 4000, 60_000), // bigger packets
  ...tcpRefused(t + 1, '10.0.0.1', 40001, '10.0.0.2', 81), // S, then RA back
  syn(2, 40002, 22), // a lone SYN
  syn(3, 40003, 23),
  syn(3.5, 40003, 23), // retried 500 ms later: one flow of two SYNs
  {
    ts: t + 6,
    src: '10.0.0.6',
    dst: '10.0.0.2',
    proto: 'tcp',
    sport: 40200,
    dport: 8080,
    flags: 'PA',
    payload: 300,
  },
  {
    ts: t + 6.25,
    src: '10.0.0.6',
    dst: '10.0.0.2',
    proto: 'tcp',
    sport: 40200,
    dport: 8080,
    flags: 'PA',
    payload: 900,
  },
  ...udpExchange(t + 4, '10.0.0.1', 5353, '10.0.0.4', 53),
];

beforeAll(async () => {
  if (!nfpcapd || !nfdump) return;
  const pcap = tmp.file('in.pcap');
  writePcap(pcap, PACKETS);
  const out = tmp.file('nf');
  fs.mkdirSync(out);
  const r = spawnSync(nfpcapd, ['-r', pcap, '-w', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nfpcapd failed: ${r.stderr}`);
  [nfcapd] = expandInputs([out]);
  const printed = spawnSync(
    nfdump,
    ['-r', nfcapd, '-q', '-o', 'fmt:%ts,%te,%pr,%sa,%sp,%da,%dp,%flg,%pkt,%byt'],
    { encoding: 'utf8' },
  );
  if (printed.status !== 0) throw new Error(`nfdump failed: ${printed.stderr}`);
  const rows = printed.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [ts, te, ...rest] = l.split(',').map((x) => x.trim());
      return [
        ts,
        te,
        ((Date.parse(`${te}Z`) - Date.parse(`${ts}Z`)) / 1000).toFixed(3),
        ...rest,
        0,
        0,
      ].join(',');
    });
  const csv = tmp.file('records.csv');
  fs.writeFileSync(
    csv,
    [
      'firstSeen,lastSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,flags,inPackets,inBytes,outPackets,outBytes',
      ...rows,
    ].join('\n') + '\n',
  );
  store = await CaseStore.open(path.join(tmp.file('case.duckdb')));
  const s = await importPaths(store, [csv]);
  expect(s.files[0].record).toMatchObject({
    format: 'nfdump-csv',
    rows_read: rows.length,
    rows_rejected: 0,
  });
});
afterAll(() => {
  store?.close();
  tmp.cleanup();
});

/** Flows as "sport>dport", sorted: the ports tell every flow of the capture apart. */
function nfdumpSelects(filter: string): string[] {
  const r = spawnSync(nfdump!, ['-r', nfcapd, '-q', '-o', 'fmt:%sp>%dp', filter], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`nfdump '${filter}': ${r.stderr || r.stdout}`);
  if (/No matching flows/.test(r.stdout)) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.replace(/\s+/g, ''))
    .filter(Boolean)
    .sort();
}

async function netsiftSelects(filter: string): Promise<string[]> {
  const { sql, params } = filterToSql(filter);
  const rows = await store.all<{ k: string }>(
    `SELECT src_port || '>' || dst_port AS k FROM flows WHERE ${sql}`,
    params,
  );
  return rows.map((r) => r.k).sort();
}

const FILTERS = [
  'flags S',
  'flags SA',
  'flags AS',
  'flags R',
  'flags AR',
  'flags P',
  'flags X',
  'flags AFRPU',
  'not flags AFRPU',
  'flags S and not flags AFRPU',
  'flags S and not flags A',
  'not (flags AR)',
  'not not flags A',
  'not (flags A and port 80)',
  'not (flags S or port 53)',
  'duration > 0',
  'duration = 70',
  'duration >= 500',
  'duration < 1',
  'duration > 249',
  'bpp > 50',
  'bpp = 40',
  'bpp > 372',
  'bpp > 373',
  'bpp >= 1k',
  'pps > 2',
  'pps = 71',
  'pps > 70',
  'bps > 5000',
  'bps = 34285',
  'bps > 34284',
  'bps > 1M',
];

describe.skipIf(!nfpcapd || !nfdump)('nfdump terms answer as nfdump does', () => {
  it('the capture has flows of every kind the filters tell apart', async () => {
    expect(nfdumpSelects('any').length).toBe(11);
    expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM flows'))?.n).toBe(11);
  });

  it.each(FILTERS)('%s', async (filter) => {
    const expected = nfdumpSelects(filter);
    expect(await netsiftSelects(filter)).toEqual(expected);
  });

  it('also takes durations with a unit', async () => {
    expect(await netsiftSelects('duration >= 0.5s')).toEqual(nfdumpSelects('duration >= 500'));
    expect(await netsiftSelects('duration > 69ms')).toEqual(nfdumpSelects('duration > 69'));
  });
});
