// A growing text file followed step by step (GrowingFile.step between the writer's appends, so
// no timing is involved): appended in cuts that fall anywhere, mid-line included, it gives the
// same flows and the same rejects (line numbers of the file, reasons) as importing the finished
// file at once; a partial last line waits for its newline; rotation, truncation and a rewrite
// start a new import; a second follower resumes the first's import; Argus, nfdump CSV (with its
// Summary block) and the seed CSV (a direct read) follow the same way.
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GrowingFile, type GrowingFileOptions } from '../../src/engine/follow/growing-file';
import { WriteGate } from '../../src/engine/follow/write-gate';
import { DEFAULT_TIME_WINDOW } from '../../src/engine/import/time-window';
import { Job, type JobContext } from '../../src/engine/core/job';
import { CaseStore } from '../../src/engine/store/case-store';
import { flowsOf, importPaths, type FlowOut } from '../helpers/import-files';
import { makeTmpDir } from '../helpers/tmp';
import { zeekHeader, zeekLine } from './zeek-log';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const stores: CaseStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

async function openCase(): Promise<CaseStore> {
  const s = await CaseStore.open(':memory:');
  stores.push(s);
  return s;
}

/** A job context nobody cancels (the follower's own would be aborted by a second Ctrl-C). */
function quietJob(): JobContext {
  let ctx!: JobContext;
  const j = new Job('test', async (c) => {
    ctx = c;
  });
  void j.result;
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    checkCancelled: () => undefined,
    onCancel: (h) => ctx?.onCancel(h),
  };
}

function follower(
  store: CaseStore,
  file: string,
  over: Partial<GrowingFileOptions> = {},
): GrowingFile {
  return new GrowingFile(store, fs.realpathSync(file), {
    importOptions: { tz: 'UTC', timeWindow: DEFAULT_TIME_WINDOW },
    spoolDir: tmp.file('spool'),
    batchSeconds: 0, // every step writes what is complete
    batchBytes: 1 << 20,
    settleMs: 0,
    gate: new WriteGate(),
    job: quietJob(),
    resume: true,
    note: () => undefined,
    sampleMs: 0, // the steps alone mark what arrived when (the tests give their own clock)
    ...over,
  });
}

const SEED = [
  '2017-01-27 16:24:42,tcp,closed,192.168.100.10,50000,192.168.1.1,80,300,1200',
  '2017-01-27 16:24:43,udp,established,192.168.100.11,53000,192.168.1.2,53,60,120',
  '2017-01-27 16:24:44,tcp,reset,192.168.100.12,50001,192.168.1.3,22,40,0',
  '2017-01-27 16:24:45,tcp,connecting,192.168.100.12,50002,192.168.1.3,23,40,0',
];

/** A Zeek conn.log of n lines with three bad ones among them (their numbers in the file vary). */
function zeekText(n: number, start = 0): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = SEED[i % SEED.length].split(',');
    const t = new Date(Date.parse('2017-01-27T16:24:42Z') + (start + i) * 1000)
      .toISOString()
      .replace('T', ' ')
      .slice(0, 19);
    lines.push(
      zeekLine(
        [t, ...s.slice(1, 4), String(40000 + ((start + i) % 20000)), ...s.slice(5)].join(','),
        start + i,
      ),
    );
  }
  if (n > 33) {
    lines[7] = lines[7].replace(/\t192\.168\.1\.\d\t/, '\t192.168.1.300\t'); // not an address
    lines[20] = lines[20].split('\t').slice(0, 5).join('\t'); // too few fields
    lines[33] = lines[33].replace(/\t(80|53|22|23)\t/, '\t70000\t'); // not a port
    lines.splice(12, 0, ''); // a blank line: not data
  }
  return lines.map((l) => `${l}\n`).join('');
}

async function rejectsOfCase(store: CaseStore) {
  return store.all<{ line: number; raw: string; reason: string }>(
    'SELECT line, raw, reason FROM rejects ORDER BY line',
  );
}

/** The finished file imported at once into a case of its own. */
async function wholeImport(text: string, name: string) {
  const f = tmp.file(name);
  fs.writeFileSync(f, text);
  const s = await openCase();
  await importPaths(s, [f], { noGeo: true });
  return { flows: await flowsOf(s), rejects: await rejectsOfCase(s) };
}

/** Appends text in cuts of pseudo-random sizes (seeded), stepping the follower after each. */
async function appendInCuts(
  file: string,
  text: string,
  f: GrowingFile,
  seed: number,
): Promise<void> {
  const buf = Buffer.from(text);
  let x = seed;
  for (let pos = 0; pos < buf.length;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = Math.min(buf.length - pos, 1 + (x % 700));
    fs.appendFileSync(file, buf.subarray(pos, pos + n));
    pos += n;
    await f.step();
  }
}

describe('following a growing file', () => {
  it('gives the same flows and rejects as the finished Zeek log imported at once, a partial last line waiting for its newline', async () => {
    const text = zeekHeader() + zeekText(60);
    const lastLine = zeekLine(SEED[0].replace('16:24:42', '16:30:00'), 999);
    const file = tmp.file('conn.log');
    fs.writeFileSync(file, '');
    const store = await openCase();
    const f = follower(store, file);
    await appendInCuts(file, text, f, 7);
    // half of the last line: not imported, not lag
    fs.appendFileSync(file, lastLine.slice(0, 25));
    await f.step();
    const half = f.status();
    expect(half.partialBytes).toBe(25);
    expect(half.flows + half.rejects).toBe(60); // 60 data lines (one blank line is not data)
    fs.appendFileSync(file, `${lastLine.slice(25)}\n#close\t2017-01-27-16-34-42\n`);
    await f.step();
    await f.finish('test');

    const whole = await wholeImport(fs.readFileSync(file, 'utf8'), 'whole-conn.log');
    expect(await flowsOf(store)).toEqual(whole.flows);
    expect(whole.flows).toHaveLength(58);
    const rejects = await rejectsOfCase(store);
    expect(rejects).toEqual(whole.rejects);
    // data line k is file line 8 + k, and the blank line (after the 12th data line) shifts the rest
    expect(rejects.map((r) => r.line)).toEqual([16, 30, 43]);
    expect(rejects[0].reason).toMatch(/dst_ip: 192\.168\.1\.300 is not an IP address/);
    const imp = await store.one<{
      n: number;
      data_lines: number;
      size: number;
      sha256: string;
      d: string;
    }>(
      'SELECT count(*) OVER () AS n, data_lines, size, sha256, details::VARCHAR AS d FROM imports',
    );
    expect(imp!.n).toBe(1);
    expect(imp!.data_lines).toBe(61);
    expect(imp!.size).toBe(fs.statSync(file).size);
    const d = JSON.parse(imp!.d);
    expect(d).toMatchObject({
      source: 'growing file',
      following: false,
      header_lines: 8,
      blank_lines: 1,
      partial_bytes: 0,
    });
    expect(d.batches).toBeGreaterThan(5);
  });

  it('imports the old file to its end (its last line without a newline too) when the file is rotated, then the new file as a new import', async () => {
    const file = tmp.file('rot.log');
    fs.writeFileSync(file, zeekHeader() + zeekText(40));
    const store = await openCase();
    const f = follower(store, file);
    await f.step();
    // the writer adds more, the last line without a newline, then rotates the file
    const tail = zeekLine(SEED[1].replace('16:24:43', '16:29:00'), 500);
    fs.appendFileSync(file, `${zeekLine(SEED[2].replace('16:24:44', '16:28:00'), 400)}\n${tail}`);
    const old = fs.readFileSync(file, 'utf8');
    fs.renameSync(file, tmp.file('rot.1.log'));
    const fresh = zeekHeader('2017-01-27-17-00-00') + zeekText(10, 100).replace(/\n\n/, '\n');
    fs.writeFileSync(file, fresh);
    for (let i = 0; i < 4; i++) await f.step();
    await f.finish('test');

    const first = await wholeImport(old, 'whole-rot.1.log');
    const second = await wholeImport(fresh, 'whole-rot.log');
    expect(await flowsOf(store)).toEqual([...first.flows, ...second.flows]);
    const imports = await store.all<{ id: number; size: number; data_lines: number; d: string }>(
      'SELECT id, size, data_lines, details::VARCHAR AS d FROM imports ORDER BY id',
    );
    expect(
      imports.map((i) => [i.size, JSON.parse(i.d).endedBy ?? null, JSON.parse(i.d).generation]),
    ).toEqual([
      [Buffer.byteLength(old), 'rotated', 1],
      [Buffer.byteLength(fresh), null, 2],
    ]);
    expect(imports[0].data_lines).toBe(42);
    expect(f.status().closedImports).toEqual([{ importId: 1, endedBy: 'rotated' }]);
  });

  it('keeps what was imported when the file is truncated (copytruncate) or rewritten, and follows the new content as a new import', async () => {
    const file = tmp.file('trunc.log');
    fs.writeFileSync(file, zeekHeader() + zeekText(20) + zeekLine(SEED[0], 77).slice(0, 30));
    const store = await openCase();
    const notes: string[] = [];
    const f = follower(store, file, { note: (e) => notes.push(e) });
    await f.step();
    expect(f.status().partialBytes).toBe(30);
    // copytruncate: emptied, then new lines
    fs.truncateSync(file, 0);
    await f.step();
    const after = zeekHeader('2017-01-27-18-00-00') + zeekText(15, 300);
    fs.writeFileSync(file, after);
    await f.step();
    await f.step();
    // rewritten in place with other content, longer than what was read
    const rewritten = zeekHeader('2017-01-27-19-00-00') + zeekText(50, 600);
    fs.writeFileSync(file, rewritten);
    await f.step();
    await f.step();
    await f.finish('test');

    const a = await wholeImport(zeekHeader() + zeekText(20), 'w-a.log');
    const b = await wholeImport(after, 'w-b.log');
    const c = await wholeImport(rewritten, 'w-c.log');
    expect(await flowsOf(store)).toEqual([...a.flows, ...b.flows, ...c.flows]);
    const imports = await store.all<{ d: string }>(
      'SELECT details::VARCHAR AS d FROM imports ORDER BY id',
    );
    expect(imports.map((i) => JSON.parse(i.d).endedBy ?? null)).toEqual([
      'truncated',
      'rewritten',
      null,
    ]);
    expect(JSON.parse(imports[0].d).note).toMatch(
      /truncated at 0 bytes .*an unfinished last line of 30 bytes was cut away and not imported/,
    );
    expect(notes.join('\n')).toMatch(/truncated at 0 bytes after \d+ were read; import 1 closed/);
  });

  it('resumes its import where a stopped follower left it (same file, same first bytes)', async () => {
    const text = zeekHeader() + zeekText(40);
    const file = tmp.file('resume.log');
    const cut = Buffer.byteLength(text) - 40; // mid-line
    fs.writeFileSync(file, text.slice(0, cut));
    const store = await openCase();
    const a = follower(store, file);
    await a.step();
    await a.finish('stopped');
    const notes: string[] = [];
    fs.appendFileSync(file, text.slice(cut));
    const b = follower(store, file, { note: (e) => notes.push(e) });
    await b.step();
    await b.finish('stopped');
    expect(notes[0]).toMatch(/resuming import 1 at line \d+/);
    const whole = await wholeImport(text, 'w-resume.log');
    expect(await flowsOf(store)).toEqual(whole.flows);
    expect(await rejectsOfCase(store)).toEqual(whole.rejects);
    const imp = await store.all<{ sha256: string; size: number }>(
      'SELECT sha256, size FROM imports',
    );
    expect(imp).toHaveLength(1);
    const { createHash } = await import('node:crypto');
    expect(imp[0].sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  const cases: [string, string, string][] = [
    [
      'Argus CSV',
      'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,Label\n',
      [
        '2011/08/10 09:46:53.047277,3550.182373,udp,212.50.71.179,39678,  <->,147.32.84.229,13363,CON,0,0,12,875,413,flow=Background',
        '2011/08/10 09:46:53.048843,0.000883,tcp,147.32.84.165,1027,   ->,74.125.232.195,80,S_RA,0,0,2,120,60,flow=Botnet',
        '2011/08/10 09:46:54.000000,0.5,icmp,147.32.84.165,0x0008,  <->,8.8.8.8,0x0bd5,ECO,0,,2,196,98,flow=Background',
        '2011/08/10 09:46:55.000000,1.0,tcp,147.32.84.165,1028,   ->,10.0.0.1,99999,FSPA_FSPA,0,0,10,1500,600,',
      ]
        .map((l) => `${l}\n`)
        .join('')
        .repeat(5),
    ],
    [
      'nfdump CSV with its Summary block',
      'firstSeen,lastSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,flags,inPackets,inBytes,outPackets,outBytes\n',
      [
        '2023-11-14 22:13:20.123,2023-11-14 22:13:20.193,0.070,UDP,10.0.0.1,5353,10.0.0.3,53,........,1,68,1,148',
        '1699999999000,1700000000000,1.000,6,10.0.0.1,40000,10.0.0.2,80,...A....,3,200,2,100',
        '2023-11-14 22:13:21.000,2023-11-14 22:13:21.500,0.500,TCP,10.0.0.1,40001,10.0.0.2,443,...AP.SF,x,200,2,100',
      ]
        .map((l) => `${l}\n`)
        .join('')
        .repeat(4) + 'Summary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n12,1234,7,0,0,176\n',
    ],
    [
      'the seed CSV (a direct read)',
      '',
      SEED.map((l) => `${l}\n`)
        .join('')
        .repeat(6) +
        'not,a,seed,line\n' +
        SEED[0] +
        ',extra\n',
    ],
  ];
  for (const [name, header, body] of cases)
    it(`follows ${name} the same way`, async () => {
      const file = tmp.file(`${name.replace(/\W+/g, '-')}.csv`);
      fs.writeFileSync(file, '');
      const store = await openCase();
      const f = follower(store, file);
      await appendInCuts(file, header + body, f, 3);
      await f.finish('test');
      const whole = await wholeImport(header + body, `w-${name.replace(/\W+/g, '-')}.csv`);
      expect(whole.flows.length).toBeGreaterThan(5);
      expect(whole.rejects.length).toBeGreaterThan(0);
      expect(await flowsOf(store)).toEqual(whole.flows);
      expect(await rejectsOfCase(store)).toEqual(whole.rejects);
      const totals = await store.one<{ r: number; j: number; d: number }>(
        'SELECT sum(rows_read) AS r, sum(rows_rejected) AS j, sum(data_lines) AS d FROM imports',
      );
      expect(totals!.r + totals!.j).toBe(totals!.d);
    });

  it('is behind since the oldest complete line not imported arrived, and caught up once it is in', async () => {
    const file = tmp.file('lag.csv');
    fs.writeFileSync(
      file,
      SEED.slice(0, 2)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const store = await openCase();
    const f = follower(store, file, { batchSeconds: 60 });
    await f.step(1_000); // the first batch is due only after 60 s
    expect(f.status().behindSince).toBe(1_000);
    fs.appendFileSync(file, `${SEED[2]}\n${SEED[3].slice(0, 10)}`);
    await f.step(5_000);
    expect(f.status().behindSince).toBe(1_000);
    await f.step(61_000); // due: the complete lines go in; the unfinished one is not lag
    expect(f.status()).toMatchObject({ flows: 3, behindSince: null, partialBytes: 10 });
    fs.appendFileSync(file, `${SEED[3].slice(10)}\n`);
    await f.step(62_000);
    expect(f.status().behindSince).toBe(62_000);
  });

  it('refuses binary and gzip files with the folder to follow instead', async () => {
    const file = tmp.file('cap.pcap');
    fs.writeFileSync(
      file,
      Buffer.from([
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
      ]),
    );
    const store = await openCase();
    await expect(follower(store, file).step()).rejects.toThrow(
      /binary data; only text formats can be followed while they grow \(follow the folder nfcapd or tcpdump -G rotates into instead\)/,
    );
    const gz = tmp.file('conn.log.gz');
    fs.writeFileSync(gz, (await import('node:zlib')).gzipSync(zeekHeader()));
    await expect(follower(store, gz).step()).rejects.toThrow(
      /gzip-compressed; a growing file can be followed only as plain text/,
    );
  });
});

export type { FlowOut };
