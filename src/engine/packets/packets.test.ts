// Export packets: the recorded DNS/HTTP capture and a built one with a flow split by the active
// timeout; exported files are read back with tcpdump, their packet count equals the selected
// flows' packet count; a changed or missing capture and flow-record imports are refused clearly.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/helpers/cli';
import { importPaths } from '../../../tests/helpers/import-files';
import { writePcap, type Pkt } from '../../../tests/helpers/pcap-writer';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { exportPackets } from './export-packets';

const FIXTURES = path.resolve(import.meta.dirname, '../../../tests/fixtures');
const RECORDED = path.join(FIXTURES, 'context/dns-http.pcap');
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;

/** Packets in a capture as tcpdump reads them (it fails on a broken file). */
function tcpdumpCount(file: string): number {
  const out = execFileSync('tcpdump', ['-nr', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').filter((l) => l.trim()).length;
}

async function packetsOf(
  store: CaseStore,
  where: string,
  params: (string | number)[] = [],
): Promise<number> {
  const r = await store.one<{ n: number }>(
    `SELECT coalesce(sum(src_pkts + dst_pkts), 0)::BIGINT AS n FROM flows WHERE ${where}`,
    params,
  );
  return r!.n;
}

describe.skipIf(!hasTcpdump)('export packets (tcpdump reads the result back)', () => {
  const tmp = makeTmpDir();
  let store: CaseStore;
  const capture = tmp.file('recorded.pcap');
  const built = tmp.file('built.pcap');

  beforeAll(async () => {
    fs.copyFileSync(RECORDED, capture);
    // one TCP connection of 13 minutes (a packet a minute each way): three records of the
    // active timeout (300 s); a UDP exchange on the same addresses in the middle
    const pkts: Pkt[] = [];
    const t0 = 1_700_000_000;
    pkts.push({
      ts: t0,
      src: '10.1.0.5',
      dst: '10.2.0.9',
      proto: 'tcp',
      sport: 45000,
      dport: 443,
      flags: 'S',
    });
    pkts.push({
      ts: t0 + 0.01,
      src: '10.2.0.9',
      dst: '10.1.0.5',
      proto: 'tcp',
      sport: 443,
      dport: 45000,
      flags: 'SA',
    });
    for (let m = 1; m <= 13; m++) {
      pkts.push({
        ts: t0 + m * 60,
        src: '10.1.0.5',
        dst: '10.2.0.9',
        proto: 'tcp',
        sport: 45000,
        dport: 443,
        flags: 'PA',
        payload: 100,
      });
      pkts.push({
        ts: t0 + m * 60 + 0.01,
        src: '10.2.0.9',
        dst: '10.1.0.5',
        proto: 'tcp',
        sport: 443,
        dport: 45000,
        flags: 'A',
      });
      if (m === 6) {
        pkts.push({
          ts: t0 + m * 60 + 0.5,
          src: '10.1.0.5',
          dst: '10.2.0.9',
          proto: 'udp',
          sport: 5000,
          dport: 53,
          payload: 30,
        });
        pkts.push({
          ts: t0 + m * 60 + 0.6,
          src: '10.2.0.9',
          dst: '10.1.0.5',
          proto: 'udp',
          sport: 53,
          dport: 5000,
          payload: 60,
        });
      }
    }
    writePcap(built, pkts);
    store = await CaseStore.open(tmp.file('packets.duckdb'));
    const sum = await importPaths(store, [
      capture,
      built,
      path.join(FIXTURES, 'zeek-context/conn.log'),
    ]);
    expect(sum.failed).toBe(0);
  });

  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('writes exactly the packets of the flows a filter selects', async () => {
    const out = tmp.file('http.pcap');
    const r = await exportPackets(
      store.conn,
      { query: { filter: 'dst port 80 or dst port 8080' } },
      out,
    );
    const expected = await packetsOf(
      store,
      '(dst_port = 80 OR dst_port = 8080) AND import_id <> 3',
    );
    expect(r.packets).toBe(expected);
    expect(r.expectedPackets).toBe(expected);
    expect(tcpdumpCount(out)).toBe(expected);
    // the zeek conn.log has port-80 flows too: they have no packets, and the answer says why
    expect(r.note).toMatch(
      /2 of \d+ selected flows came from flow records, which carry no packets \(conn\.log: zeek\)/,
    );
    expect(r.sources.map((s) => path.basename(s.path))).toEqual(['recorded.pcap']);
    // only TCP to the HTTP servers in the file
    const lines = execFileSync('tcpdump', ['-nr', out], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(lines).not.toMatch(/\.53: |\.53 > /);
  });

  it('exports every packet that made a flow when nothing is filtered', async () => {
    const out = tmp.file('all.pcap');
    const r = await exportPackets(store.conn, { query: { selector: { importIds: [1] } } }, out);
    const expected = await packetsOf(store, 'import_id = 1');
    expect(tcpdumpCount(out)).toBe(expected);
    expect(r.packets).toBe(expected);
    expect(expected).toBe(tcpdumpCount(capture)); // every packet of this capture is IP with ports
  });

  it('follows a flow split by the active timeout: one record, only its packets', async () => {
    const recs = await store.all<{ id: number; pkts: number }>(
      `SELECT id, (src_pkts + dst_pkts)::INTEGER AS pkts FROM flows WHERE import_id = 2 AND dst_port = 443 ORDER BY ts`,
    );
    expect(recs.length).toBe(3);
    const out = tmp.file('middle.pcap');
    const r = await exportPackets(store.conn, { flowIds: [recs[1].id] }, out);
    expect(r.packets).toBe(recs[1].pkts);
    expect(tcpdumpCount(out)).toBe(recs[1].pkts);
    const text = execFileSync('tcpdump', ['-nr', out, 'udp'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(text.trim()).toBe(''); // the UDP exchange in the same minutes is another flow
  });

  it('says why flow records have no packets', async () => {
    await expect(
      exportPackets(store.conn, { query: { selector: { importIds: [3] } } }, tmp.file('none.pcap')),
    ).rejects.toThrow(
      /no packets to export: 7 of 7 selected flows came from flow records, which carry no packets \(conn\.log: zeek\)/,
    );
    expect(fs.existsSync(tmp.file('none.pcap'))).toBe(false);
  });

  it('refuses a capture that changed or is gone, and writes nothing', async () => {
    const saved = fs.readFileSync(built);
    const changed = Buffer.from(saved);
    changed[changed.length - 1] ^= 0xff; // same size, other bytes
    fs.writeFileSync(built, changed);
    const out = tmp.file('changed.pcap');
    await expect(
      exportPackets(store.conn, { query: { selector: { importIds: [2] } } }, out),
    ).rejects.toThrow(
      /built\.pcap: the capture changed since its import \(sha256 [0-9a-f]{64}, the import read [0-9a-f]{64}\)/,
    );
    fs.rmSync(built);
    await expect(
      exportPackets(store.conn, { query: { selector: { importIds: [2] } } }, out),
    ).rejects.toThrow(
      /built\.pcap: the capture this case was imported from is gone \(import 2, sha256 [0-9a-f]{64}\)/,
    );
    expect(fs.existsSync(out) || fs.existsSync(`${out}.partial`)).toBe(false);
    fs.writeFileSync(built, saved);
  });

  it('works from the CLI', async () => {
    store.close();
    const out = tmp.file('cli.pcap');
    const r = await runCli([
      'packets',
      '--case',
      tmp.file('packets.duckdb'),
      '--filter',
      'proto udp and port 53',
      '--out',
      out,
    ]);
    store = await CaseStore.open(tmp.file('packets.duckdb'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: 3 of 12 selected flows came from flow records/);
    const expected = await packetsOf(
      store,
      "proto = 'udp' AND (src_port = 53 OR dst_port = 53) AND import_id <> 3",
    );
    expect(r.stdout).toMatch(
      new RegExp(`wrote .*cli\\.pcap \\(pcap, ${expected} packets of \\d+ flows`),
    );
    expect(tcpdumpCount(out)).toBe(expected);
    const bad = await runCli(['packets', '--case', tmp.file('packets.duckdb'), '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/give one of --incident, --filter or --flow/);
  });
});
