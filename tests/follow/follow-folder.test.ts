// Following a folder: a file its writer still holds open is not taken however quiet it is (Linux
// /proc), a burst larger than the case can take waits on disk (hard links in the spool beside the
// case, so files removed meanwhile are still imported) with the lag shown, a bad file is reported
// while following goes on, and the retention keeps the case within its limits: the oldest windows
// dropped with their alerts archived, or a stop with a message that leaves the case within them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Follower, spoolDirOf } from '../../src/engine/follow/follower';
import { writeGate } from '../../src/engine/follow/write-gate';
import { CaseStore } from '../../src/engine/store/case-store';
import type { FollowRequest } from '../../src/shared/follow';
import { makeTmpDir } from '../helpers/tmp';
import { until } from '../netflow/flow-tools';
import { seedLines } from './seed-lines';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const open: { store: CaseStore; f?: Follower }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.f?.abort();
    await o.f?.finished.catch(() => undefined);
    o.store.close();
  }
});

const T0 = Date.parse('2024-03-01T10:00:00Z') / 1000;
let n = 0;

async function follow(req: Omit<FollowRequest, 'source'> = {}) {
  const dir = tmp.file(`in-${++n}`);
  fs.mkdirSync(dir);
  const store = await CaseStore.open(tmp.file(`case-${n}.duckdb`));
  const o: { store: CaseStore; f?: Follower } = { store };
  open.push(o);
  const f = await Follower.start(store, {
    source: { kind: 'folder', path: dir },
    pollSeconds: 0.05,
    settleSeconds: 0.2,
    noGeo: true,
    ...req,
  });
  o.f = f;
  return { dir, store, f };
}

const hasProc = fs.existsSync('/proc/self/fd');

describe('following a folder', () => {
  it.skipIf(!hasProc)(
    `waits while a writer holds a file open, however quiet it is${hasProc ? '' : ' (SKIPPED: no /proc here)'}`,
    async () => {
      const { dir, f } = await follow();
      const file = path.join(dir, 'flows.csv');
      fs.writeFileSync(file, seedLines(T0, 20));
      // a real writer: a shell holding the file open for appending until its stdin closes
      const writer = spawn('sh', ['-c', 'exec 3>>"$0"; echo ready; read x; cat >&3', file], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let out = '';
      writer.stdout.on('data', (d) => (out += d));
      await until('the writer to open the file', () => out.includes('ready'));
      // quiet far longer than the settle time, but held: not taken
      await until('the follower to see the writer', () => f.status().files!.heldByWriter === 1);
      await new Promise((r) => setTimeout(r, 600));
      expect(f.status().files).toMatchObject({ imported: 0, heldByWriter: 1, inProgress: 1 });
      writer.stdin.end(`go\n${seedLines(T0 + 2, 10)}`);
      await new Promise((r) => writer.on('exit', r));
      await until('the file to be imported', () => f.status().files!.imported === 1);
      // its flows are counted once the batch is done, a moment after the file counts as imported
      await until('its 30 flows to be counted', () => f.status().flows >= 30);
      expect(f.status().flows).toBe(30);
    },
  );

  it('queues a burst on disk, shows the lag, and imports from the spool files removed meanwhile', async () => {
    const { dir, store, f } = await follow();
    // the case is busy (another writer holds the gate): nothing can be imported for now
    let release!: () => void;
    const held = writeGate(store).run(() => new Promise<void>((r) => (release = r)));
    for (let i = 0; i < 6; i++)
      fs.writeFileSync(path.join(dir, `flows-${i}.csv`), seedLines(T0 + i * 100, 500));
    await until('the burst to be queued', () => f.status().lag.queuedFiles === 6);
    await until('a second of lag', () => f.status().lag.behindSeconds >= 1);
    const lag = f.status().lag;
    expect(lag.text).toMatch(/^\d+ s behind \(6 files, \d+ KB waiting\)$/);
    expect(lag.queuedBytes).toBe(6 * Buffer.byteLength(seedLines(T0, 500)));
    // the queue is on disk: hard links beside the case
    const spool = path.join(spoolDirOf(store), 'queue');
    const links = fs.readdirSync(spool);
    expect(links).toHaveLength(6);
    for (const l of links) expect(fs.statSync(path.join(spool, l)).nlink).toBe(2);
    // the writer's expiry removes three before their turn
    for (const i of [1, 3, 5]) fs.rmSync(path.join(dir, `flows-${i}.csv`));
    release();
    await held;
    await until('the burst to be imported', () => f.status().batches === 6);
    const s = f.status();
    expect(s).toMatchObject({
      flows: 3000,
      batches: 6,
      lag: { queuedFiles: 0, behindSeconds: 0, text: 'caught up' },
    });
    expect(s.lag.dataBehindSeconds).toBeGreaterThan(0);
    expect(s.files!.lost).toBe(0);
    const paths = await store.all<{ path: string }>('SELECT path FROM imports ORDER BY id');
    expect(paths.filter((p) => p.path.startsWith(spool))).toHaveLength(3);
    // links of files imported from their own path are gone; those the imports name are kept
    expect(fs.readdirSync(spool)).toHaveLength(3);
  });

  it('reports a file that is not flows and goes on; leaves files there at start with newOnly; skips what the case holds', async () => {
    const dir = tmp.file('mixed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'old.csv'), seedLines(T0, 10));
    const store = await CaseStore.open(tmp.file('mixed.duckdb'));
    open.push({ store });
    const f = await Follower.start(store, {
      source: { kind: 'folder', path: dir },
      pollSeconds: 0.05,
      settleSeconds: 0.2,
      noGeo: true,
      newOnly: true,
    });
    open[open.length - 1].f = f;
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'this is not a flow file\n');
    fs.writeFileSync(path.join(dir, 'new.csv'), seedLines(T0 + 10, 10));
    fs.writeFileSync(path.join(dir, 'partial.csv.part'), seedLines(T0 + 20, 10));
    await until(
      'both files',
      () => f.status().files!.imported + f.status().files!.failed.length === 2,
    );
    const s = await f.stop('test');
    expect(s.files).toMatchObject({ imported: 1, leftAtStart: 1, inProgress: 1 });
    expect(s.files!.failed).toEqual([
      {
        path: path.join(fs.realpathSync(dir), 'notes.txt'),
        error: expect.stringMatching(/not a flow format netsift recognises/),
      },
    ]);
    // following again: new.csv is in the case already (same path and size)
    const g = await Follower.start(store, {
      source: { kind: 'folder', path: dir },
      pollSeconds: 0.05,
      settleSeconds: 0.2,
      noGeo: true,
    });
    open[open.length - 1].f = g;
    await until('the folder to be taken stock of', () => g.status().files!.alreadyImported === 1);
    await until('old.csv', () => g.status().batches === 1);
    expect(g.status().flows).toBe(10);
  });
});

describe('retention while following', () => {
  it('drops the oldest windows past --max-flows, keeping their alerts and incidents in the archive', async () => {
    const { dir, store, f } = await follow({
      retain: { maxFlows: 1500, onLimit: 'drop' },
      detectEveryBatches: 1,
    });
    let runs = 0;
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(
        path.join(dir, `f${i}.csv`),
        seedLines(T0 + i * 100, 1000, { scan: i === 0 }),
      );
      await until(`file ${i}`, () => f.status().files!.imported === i + 1);
      await until(
        `detection after file ${i}`,
        () => f.status().detection!.runs > runs && !f.status().detection!.running,
      );
      runs = f.status().detection!.runs;
      const c = await store.one<{ n: number }>('SELECT count(*) AS n FROM flows');
      expect(c!.n).toBeLessThanOrEqual(1500);
    }
    const s = f.status();
    expect(s.retention!.drops).toBeGreaterThanOrEqual(2);
    expect(s.retention!.droppedFlows).toBe(
      4000 - (await store.one<{ n: number }>('SELECT count(*) AS n FROM flows'))!.n,
    );
    // the scan of the first file was found, then its windows were dropped: its alerts are archived
    const archived = await store.all<{ detector: string; start: string }>(
      `SELECT json_extract_string(alert, '$.detector') AS detector, json_extract_string(alert, '$.window_start') AS start
       FROM retention_alerts`,
    );
    expect(archived.some((a) => a.detector === 'scan')).toBe(true);
    const inc = await store.all<{ key: string }>(
      "SELECT json_extract_string(incident, '$.key') AS key FROM retention_incidents",
    );
    expect(inc.map((x) => x.key)).toContain('vertical-scan:192.168.100.66');
    const cut = await store.one<{ cutoff: string; oldest: string }>(
      'SELECT (SELECT max(cutoff) FROM retention_drops) AS cutoff, (SELECT min(ts) FROM flows) AS oldest',
    );
    expect(cut!.oldest >= cut!.cutoff).toBe(true);
    const d = await store.one<{ dropped: number }>(
      "SELECT sum(TRY_CAST(json_extract(details, '$.retention_dropped') AS BIGINT)) AS dropped FROM imports",
    );
    expect(d!.dropped).toBe(s.retention!.droppedFlows);
  });

  it('keeps --retain of data time', async () => {
    const { dir, store, f } = await follow({ retain: { seconds: 150, onLimit: 'drop' } });
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(path.join(dir, `r${i}.csv`), seedLines(T0 + i * 100, 1000));
      await until(`file ${i} and its retention`, () => f.status().batches === i + 1);
    }
    const span = await store.one<{ s: number }>(
      'SELECT (epoch(max(ts)) - epoch(min(ts))) AS s FROM flows',
    );
    expect(span!.s).toBeLessThanOrEqual(150);
    expect(f.status().retention!.droppedFlows).toBeGreaterThan(0);
  });

  it('stops with a message instead, leaving out the file that would pass the limit', async () => {
    const { dir, store, f } = await follow({ retain: { maxFlows: 2500, onLimit: 'stop' } });
    for (let i = 0; i < 3; i++)
      fs.writeFileSync(path.join(dir, `s${i}.csv`), seedLines(T0 + i * 100, 1000));
    const end = await f.finished;
    expect(end).toMatchObject({ state: 'stopped', limitReached: true, flows: 2000 });
    expect(end.stopReason).toMatch(
      /s2\.csv: the case would hold 3,000 flows, over --max-flows 2,500; the file was not imported and following stopped/,
    );
    expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM flows'))!.n).toBe(2000);
    expect((await store.one<{ n: number }>('SELECT count(*) AS n FROM imports'))!.n).toBe(2);
  });

  it('stops a growing file at the limit without writing the batch that would pass it', async () => {
    const file = tmp.file('grow.csv');
    fs.writeFileSync(file, seedLines(T0, 8));
    const store = await CaseStore.open(tmp.file('grow.duckdb'));
    open.push({ store });
    const f = await Follower.start(store, {
      source: { kind: 'file', path: file },
      pollSeconds: 0.05,
      batchSeconds: 0.05,
      noGeo: true,
      retain: { maxFlows: 10, onLimit: 'stop' },
    });
    open[open.length - 1].f = f;
    await until('the first lines', () => f.status().flows === 8);
    fs.appendFileSync(file, seedLines(T0 + 1, 5));
    const end = await f.finished;
    expect(end).toMatchObject({ state: 'stopped', limitReached: true, flows: 8 });
    expect(end.stopReason).toMatch(/the case would hold 13 flows, over --max-flows 10/);
    const imp = await store.one<{ rows_read: number; d: string }>(
      'SELECT rows_read, details::VARCHAR AS d FROM imports',
    );
    expect(imp!.rows_read).toBe(8);
    expect(JSON.parse(imp!.d)).toMatchObject({ following: false, lines: 8 });
  });
});
