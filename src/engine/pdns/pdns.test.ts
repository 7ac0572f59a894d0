// Passive DNS: the decoder on hand-made messages (compression, loops, truncation), and names
// from a capture recorded in network namespaces (scripts/context-fixture/record-dns-capture.sh:
// dnsmasq answering A, AAAA, CNAME and PTR, dig and curl asking it).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { addressesOf, namesOf } from '../context/host-context';
import { CaseStore } from '../store/case-store';
import { decodeDns, readName } from './dns-message';
import { reverseNameAddr } from './name-collector';

const PCAP = path.resolve(import.meta.dirname, '../../../tests/fixtures/context/dns-http.pcap');

/** A response for `q` with the given answer records (already encoded). */
function message(q: Buffer, answers: Buffer[], count = answers.length): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x1234, 0);
  h.writeUInt16BE(0x8180, 2); // response, RD, RA, NOERROR
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(count, 6);
  return Buffer.concat([h, q, Buffer.from([0, 1, 0, 1]), ...answers]);
}

const name = (n: string) =>
  Buffer.concat([
    ...n.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);

function rr(owner: Buffer, type: number, ttl: number, data: Buffer): Buffer {
  const f = Buffer.alloc(10);
  f.writeUInt16BE(type, 0);
  f.writeUInt16BE(1, 2);
  f.writeUInt32BE(ttl, 4);
  f.writeUInt16BE(data.length, 8);
  return Buffer.concat([owner, f, data]);
}

const PTR_TO_Q = Buffer.from([0xc0, 12]); // pointer to the question name

describe('DNS message decoder', () => {
  it('reads compressed names, CNAME chains and addresses', () => {
    const cname = rr(PTR_TO_Q, 5, 300, name('edge.cdn.net'));
    const cnameTarget = 12 + name('www.example.com').length + 4 + 2 + 10; // where edge.cdn.net starts
    const a = rr(Buffer.from([0xc0, cnameTarget]), 1, 60, Buffer.from([93, 184, 216, 34]));
    const m = decodeDns(message(name('www.example.com'), [cname, a]), 0, 1000)!;
    expect(m.questions).toEqual([{ name: 'www.example.com', type: 1 }]);
    expect(m.answers).toEqual([
      { name: 'www.example.com', type: 5, ttl: 300, data: 'edge.cdn.net' },
      { name: 'edge.cdn.net', type: 1, ttl: 60, data: '93.184.216.34' },
    ]);
    expect(m.truncated).toBe(false);
  });

  it('keeps the records before a cut and flags the message', () => {
    const a1 = rr(PTR_TO_Q, 1, 60, Buffer.from([10, 0, 0, 1]));
    const a2 = rr(PTR_TO_Q, 1, 60, Buffer.from([10, 0, 0, 2]));
    const full = message(name('x.test'), [a1, a2]);
    for (let cut = full.length - 1; cut > full.length - a2.length; cut--) {
      const m = decodeDns(full, 0, cut)!;
      expect(m.answers.map((x) => x.data)).toEqual(['10.0.0.1']);
      expect(m.truncated).toBe(true);
    }
    // a header that promises more answers than the message holds
    expect(decodeDns(message(name('x.test'), [a1], 5), 0, 1000)!.truncated).toBe(true);
    // cut inside the question: nothing to read
    expect(decodeDns(full, 0, 15)).toBeNull();
  });

  it('refuses pointer loops and forward pointers instead of spinning', () => {
    const loop = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 12]);
    expect(readName(loop, 0, loop.length, 12)).toBeNull();
    const forward = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 0x61, 0]);
    expect(readName(forward, 0, forward.length, 12)).toBeNull();
    const long = Buffer.concat([
      Buffer.alloc(12),
      ...Array.from({ length: 5 }, () => Buffer.from([63, ...Buffer.alloc(63, 0x61)])),
      Buffer.from([0]),
    ]);
    expect(readName(long, 0, long.length, 12)).toBeNull(); // over 255 bytes
  });

  it('turns reverse names into addresses', () => {
    expect(reverseNameAddr('20.1.77.10.in-addr.arpa.')).toBe('10.77.1.20');
    expect(
      reverseNameAddr('0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.7.7.d.f.ip6.arpa'),
    ).toBe('fd77:1::10');
    expect(reverseNameAddr('www.example.com')).toBeNull();
  });
});

describe('names from a recorded capture', () => {
  const tmp = makeTmpDir();
  let store: CaseStore;

  beforeAll(async () => {
    store = await CaseStore.open(tmp.file('pdns.duckdb'));
    const sum = await importPaths(store, [PCAP]);
    expect(sum.failed).toBe(0);
    expect(sum.context!.captureNames[0]).toMatchObject({ responses: 11 });
  });

  afterAll(() => {
    store.close();
    tmp.cleanup();
  });

  it('names every address the capture resolved', async () => {
    const www = await namesOf(store.conn, '10.77.1.10');
    expect(www.map((n) => [n.name, n.rtype, n.via, n.source]).sort()).toEqual([
      ['cdn.example.test', 'A', 'www.example.test', 'pcap'],
      ['www.example.test', 'A', null, 'pcap'],
    ]);
    expect(www.find((n) => n.name === 'www.example.test')).toMatchObject({ ttl: 300, answers: 3 });
    const v6 = await namesOf(store.conn, 'fd77:1:0:0::10');
    expect(v6.map((n) => [n.name, n.rtype])).toEqual([['www.example.test', 'AAAA']]);
    const api = await namesOf(store.conn, '10.77.1.20');
    expect(api.map((n) => [n.name, n.rtype]).sort()).toEqual([
      ['api.example.test', 'A'],
      ['api.example.test', 'PTR'],
    ]);
    // refused and unanswered queries name nothing
    expect((await addressesOf(store.conn, { name: 'missing.example.test' })).length).toBe(0);
    const all = await addressesOf(store.conn, { name: 'example.test', suffix: true });
    expect([...new Set(all.map((n) => n.addr))].sort()).toEqual([
      '10.77.1.10',
      '10.77.1.20',
      'fd77:1::10',
    ]);
  });
});
