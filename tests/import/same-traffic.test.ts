// The same traffic as a pcap and as the Zeek conn.log a sensor would write for it gives the same
// flows, and the detectors find the same incident in both cases.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetection } from '../../src/engine/analysis/runner';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths, type FlowOut } from '../helpers/import-files';
import { ipLength, tcpRefused, tcpSession, udpExchange, writePcap, type Pkt } from '../helpers/pcap-writer';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const T = 1_700_000_000;
const SCANNER = '10.9.0.66';
const VICTIM = '10.9.0.10';

interface Conv {
  kind: 'session' | 'refused' | 'udp';
  t: number;
  c: string;
  cp: number;
  s: string;
  sp: number;
}

function conversations(): Conv[] {
  const out: Conv[] = [];
  // background: a few hosts talking to a web server and DNS, every few seconds
  for (let i = 0; i < 60; i++) {
    out.push({ kind: 'session', t: T + i * 2, c: `10.9.0.${20 + (i % 5)}`, cp: 40000 + i, s: '10.9.0.2', sp: 443 });
    out.push({ kind: 'udp', t: T + i * 2 + 0.5, c: `10.9.0.${20 + (i % 5)}`, cp: 50000 + i, s: '10.9.0.3', sp: 53 });
  }
  // a vertical scan: 400 ports of one host refused within 40 s
  for (let p = 1; p <= 400; p++) out.push({ kind: 'refused', t: T + 30 + p * 0.1, c: SCANNER, cp: 61000, s: VICTIM, sp: p });
  return out;
}

function packets(cs: Conv[]): Pkt[] {
  const pk: Pkt[] = [];
  for (const c of cs) {
    if (c.kind === 'session') pk.push(...tcpSession(c.t, c.c, c.cp, c.s, c.sp, 200, 3000));
    else if (c.kind === 'refused') pk.push(...tcpRefused(c.t, c.c, c.cp, c.s, c.sp));
    else pk.push(...udpExchange(c.t, c.c, c.cp, c.s, c.sp));
  }
  return pk.sort((a, b) => a.ts - b.ts);
}

/** The conn.log line Zeek writes for a conversation (bytes are IP bytes, as Zeek's *_ip_bytes). */
function zeekLine(c: Conv, uid: number): string {
  const pk = c.kind === 'session' ? tcpSession(c.t, c.c, c.cp, c.s, c.sp, 200, 3000) : c.kind === 'refused' ? tcpRefused(c.t, c.c, c.cp, c.s, c.sp) : udpExchange(c.t, c.c, c.cp, c.s, c.sp);
  const fwd = pk.filter((p) => p.src === c.c);
  const rev = pk.filter((p) => p.src !== c.c);
  const dur = pk[pk.length - 1].ts - pk[0].ts;
  const state = c.kind === 'session' ? 'SF' : c.kind === 'refused' ? 'REJ' : 'SF';
  const pay = (ps: Pkt[]) => ps.reduce((a, p) => a + (p.payload ?? 0), 0);
  const ipb = (ps: Pkt[]) => ps.reduce((a, p) => a + ipLength(p), 0);
  return [c.t.toFixed(6), `C${uid}`, c.c, c.cp, c.s, c.sp, c.kind === 'udp' ? 'udp' : 'tcp', '-', dur.toFixed(6), pay(fwd), pay(rev), state,
    'T', 'T', 0, c.kind === 'refused' ? 'Sr' : 'ShADadFf', fwd.length, ipb(fwd), rev.length, ipb(rev), '(empty)'].join('\t');
}

function zeekLog(cs: Conv[]): string {
  const fields = 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents';
  const lines = [...cs].sort((a, b) => a.t - b.t).map((c, i) => zeekLine(c, i));
  return ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn', `#fields\t${fields.replace(/ /g, '\t')}`, ...lines, '#close\t2023-11-14-23-00-00', ''].join('\n');
}

const key = (f: FlowOut) =>
  [f.ts, f.ts_end, f.proto, f.state, f.src_ip, f.src_port, f.dst_ip, f.dst_port, f.src_bytes, f.dst_bytes, f.src_pkts, f.dst_pkts].join(' ');

describe('same traffic, two formats', () => {
  it('pcap and Zeek conn.log give the same flows and the same incident', async () => {
    const cs = conversations();
    const pcap = tmp.file('traffic.pcap');
    const log = tmp.file('conn.log');
    writePcap(pcap, packets(cs));
    fs.writeFileSync(log, zeekLog(cs));
    const a = await CaseStore.open(tmp.file('a.duckdb'));
    const b = await CaseStore.open(tmp.file('b.duckdb'));
    try {
      expect((await importPaths(a, [pcap])).files[0].record?.format).toBe('pcap');
      expect((await importPaths(b, [log])).files[0].record?.format).toBe('zeek');
      const fa = (await flowsOf(a)).map(key).sort();
      const fb = (await flowsOf(b)).map(key).sort();
      expect(fa.length).toBe(cs.length);
      expect(fa).toEqual(fb);

      await runDetection(a).result;
      await runDetection(b).result;
      const q = 'SELECT type, attacker, victims FROM incidents ORDER BY type, attacker';
      const ia = await a.all<{ type: string; attacker: string | null; victims: string[] }>(q);
      const ib = await b.all<{ type: string; attacker: string | null; victims: string[] }>(q);
      expect(ia.length).toBeGreaterThan(0);
      expect(ia.some((i) => i.attacker === SCANNER)).toBe(true);
      expect(ia).toEqual(ib);
    } finally {
      a.close();
      b.close();
    }
  });
});
