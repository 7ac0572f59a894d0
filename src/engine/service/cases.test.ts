// Cases that never mix (issue 14 items 1-3) through the service: an import goes into a new case
// unless the analyst chose "add to this case"; many files are one job that a cancel undoes
// entirely; a killed job is undone when the case opens next; the zone of zone-less timestamps is
// recorded and shown; cases are renamed and deleted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportProgressView, JobState } from '../../shared/api';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { waitJob } from '../../../tests/helpers/wait-job';
import { importFiles } from '../import/pipeline';
import { CaseStore } from '../store/case-store';
import { writeCapture } from './capture-fixture.test-helper';
import { defaultOps } from './default-ops';
import type { EngineOps } from './engine-ops';
import { PENDING_KEY } from './import-job';
import { NetsiftService } from './netsift-service';

/** Seed-format lines at another time (2011), zone-less like every seed file. */
function writeOld(file: string, n = 50): number {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(
      `2011-08-10 09:46:${String(i % 60).padStart(2, '0')},udp,established,10.1.0.${1 + (i % 4)},${30000 + i},10.1.0.200,53,80,160`,
    );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return n;
}

/** Zeek JSON lines: epoch timestamps, which carry their zone. */
function writeZeek(file: string): number {
  const rows = [0, 1, 2].map((i) => ({
    ts: 1709287200 + i,
    uid: `C${i}`,
    'id.orig_h': '10.0.0.7',
    'id.orig_p': 41000 + i,
    'id.resp_h': '93.184.216.9',
    'id.resp_p': 443,
    proto: 'tcp',
    conn_state: 'SF',
    orig_bytes: 100,
    resp_bytes: 900,
  }));
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return rows.length;
}

describe('cases through the service', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  let svc: NetsiftService;
  /** Called before each file's import job starts (a test hooks a cancel in). */
  let beforeFile: ((n: number) => void) | null = null;
  let started = 0;

  beforeAll(() => {
    process.env.NETSIFT_HOME = tmp.file('home');
    const real = defaultOps();
    const ops: EngineOps = {
      ...real,
      importFiles: (store, paths, opts) => {
        beforeFile?.(++started);
        return real.importFiles(store, paths, opts);
      },
    };
    svc = new NetsiftService({ ops, resourcesDir: tmp.file('none'), threads: 1 });
    svc.grant(tmp.dir);
  });
  afterAll(() => {
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  const done = async (j: JobState) => {
    const end = await waitJob(svc, j.id);
    expect(end.error).toBeNull();
    expect(end.status).toBe('done');
    return end;
  };

  it('an import while a case is open makes a new case and leaves the open one untouched', async () => {
    const a = tmp.file('first.csv');
    const n = writeCapture(a);
    const first = (await done(await svc.importFiles({ sources: [{ path: a }] }))).summary!;
    expect(first).toMatchObject({ caseName: 'first', target: 'new', flows: n, added: n });
    const b = tmp.file('second.csv');
    const m = writeOld(b);
    const second = (await done(await svc.importFiles({ sources: [{ path: b }] }))).summary!;
    expect(second).toMatchObject({ caseName: 'second', target: 'new', flows: m, added: m });
    expect((await svc.caseInfo())!.name).toBe('second');
    const list = await svc.recentCases();
    expect(list.map((c) => [c.name, c.flows])).toEqual([
      ['second', m],
      ['first', n],
    ]);
    expect((await svc.openCase(list[1].id)).flows).toBe(n);
    expect((await svc.openCase(list[1].id)).flows).toBe(n); // the open case, again: no second open
  });

  it('adds to the open case only when asked, and warns when the files are far apart or of another format', async () => {
    const before = (await svc.caseInfo())!; // "first": 2024, seed
    const old = tmp.file('old.csv');
    const zeek = tmp.file('conn.json');
    const m = writeOld(old);
    writeZeek(zeek);
    const check = await svc.checkImport({
      sources: [{ path: old }, { path: zeek }],
      target: { kind: 'open' },
    });
    expect(check.files.map((f) => [f.name, f.format, f.zoneless])).toEqual([
      ['old.csv', 'seed', true],
      ['conn.json', 'zeek-json', false],
    ]);
    expect(check.warnings.join('\n')).toMatch(
      /old\.csv starts 2011-08-10, 13 years before this case's flows \(2024-03-01 to 2024-03-01\)/,
    );
    expect(check.warnings.join('\n')).toMatch(
      /conn\.json is Zeek conn\.log \(JSON lines\); this case holds seed/,
    );
    // a check for a new case has nothing to warn about
    expect((await svc.checkImport({ sources: [{ path: old }] })).warnings).toEqual([]);
    const added = (
      await done(await svc.importFiles({ sources: [{ path: old }], target: { kind: 'open' } }))
    ).summary!;
    expect(added).toMatchObject({
      caseId: before.id,
      target: 'open',
      added: m,
      flows: before.flows + m,
    });
    expect(added.imports.map((i) => path.basename(i.path))).toEqual(['old.csv']);
    expect((await svc.caseInfo())!.flows).toBe(before.flows + m);
  });

  it('imports many files as one job with a state per file', async () => {
    const files = ['m1.csv', 'm2.csv', 'm3.csv'].map((f) => tmp.file(`multi/${f}`));
    fs.mkdirSync(tmp.file('multi'));
    const counts = files.map((f, i) => writeOld(f, 10 + i));
    fs.writeFileSync(tmp.file('multi/notes.bin'), Buffer.from([0, 1, 2, 3, 0, 0, 7]));
    const views: ImportProgressView[] = [];
    const off = svc.onEvent((e) => e.type === 'job' && e.job.import && views.push(e.job.import));
    // the folder stands for its files; the binary one fails alone
    const end = await done(
      await svc.importFiles({
        sources: [{ path: tmp.file('multi') }],
        target: { kind: 'new', name: 'three captures' },
      }),
    );
    expect(end.title).toBe('Import multi');
    const view = end.import!;
    expect(view.files.map((f) => [f.name, f.status, f.flows])).toEqual([
      ['m1.csv', 'done', counts[0]],
      ['m2.csv', 'done', counts[1]],
      ['m3.csv', 'done', counts[2]],
      ['notes.bin', 'failed', null],
    ]);
    expect(view.files[3].error).toMatch(/binary data, not a flow file/);
    expect(view.fraction).toBe(1);
    expect(view.bytesRead).toBe(view.bytesTotal);
    // honest progress: a full bar only at the end, never an estimate under two seconds, the
    // bar never going back
    off();
    const before = views.filter((v) => v.stage !== 'finish');
    expect(before.length).toBeGreaterThan(3);
    for (const v of before) {
      expect(v.fraction).toBeLessThan(1);
      if (v.etaSeconds != null) expect(v.etaSeconds).toBeGreaterThanOrEqual(2);
    }
    for (let i = 1; i < views.length; i++)
      expect(views[i].fraction).toBeGreaterThanOrEqual(views[i - 1].fraction);
    expect(new Set(before.map((v) => v.stage))).toContain('analyse');
    expect(end.summary).toMatchObject({
      caseName: 'three captures',
      added: counts[0] + counts[1] + counts[2],
    });
    expect(end.summary!.failed).toEqual([
      { name: 'notes.bin', error: expect.stringMatching(/binary data/) },
    ]);
  });

  it('a cancel between files of an addition removes what the earlier files wrote', async () => {
    const before = (await svc.caseInfo())!;
    const files = ['c1.csv', 'c2.csv', 'c3.csv'].map((f) => tmp.file(f));
    files.forEach((f, i) => writeOld(f, 20 + i));
    let job: JobState | null = null;
    started = 0;
    // the second file's import starts: the analyst presses Cancel now (the first is committed)
    beforeFile = (n) => {
      if (n === 2) void svc.cancelJob(job!.id);
    };
    job = await svc.importFiles({
      sources: files.map((p) => ({ path: p })),
      target: { kind: 'open' },
    });
    const end = await waitJob(svc, job.id);
    beforeFile = null;
    expect(end.status).toBe('cancelled');
    expect(end.import!.files.map((f) => f.status)).toEqual([
      'rolled-back',
      'rolled-back',
      'waiting',
    ]);
    const after = (await svc.caseInfo())!;
    expect(after.flows).toBe(before.flows);
    expect(after.imports.map((i) => i.id)).toEqual(before.imports.map((i) => i.id));
  });

  it('undoes the imports of a job that was killed halfway when the case opens next', async () => {
    const file = tmp.file('killed.duckdb');
    const store = await CaseStore.open(file, { threads: 1 });
    const a = tmp.file('k1.csv');
    writeOld(a, 7);
    await importFiles(store, [tmp.file('multi/m1.csv') /* a finished import before the job */])
      .result;
    await store.setSetting(PENDING_KEY, { from: 2, started: new Date().toISOString() });
    await importFiles(store, [a]).result; // the job's first file, then kill -9
    store.close();
    const info = await svc.openCase(file);
    expect(info.imports.map((i) => path.basename(i.path))).toEqual(['m1.csv']);
    expect(info.flows).toBe(10);
  });

  it('records the zone of zone-less timestamps: assumed UTC, or the one chosen at import', async () => {
    const a = tmp.file('local.csv');
    writeOld(a, 5);
    const z = tmp.file('epoch.json');
    writeZeek(z);
    const plain = (await done(await svc.importFiles({ sources: [{ path: a }, { path: z }] })))
      .summary!;
    expect(plain.zones).toEqual([
      { zone: 'UTC', source: 'assumed', files: ['local.csv'] },
      { zone: 'UTC', source: 'file', files: ['epoch.json'] },
    ]);
    expect(plain.firstTs).toBe('2011-08-10T09:46:00.000Z');
    const berlin = (
      await done(
        await svc.importFiles({
          sources: [{ path: a }],
          tz: 'Europe/Berlin',
          target: { kind: 'new', name: 'berlin' },
        }),
      )
    ).summary!;
    expect(berlin.zones).toEqual([
      { zone: 'Europe/Berlin', source: 'chosen', files: ['local.csv'] },
    ]);
    expect(berlin.firstTs).toBe('2011-08-10T07:46:00.000Z'); // 09:46 CEST
    expect((await svc.caseInfo())!.zones).toEqual(berlin.zones);
    const check = await svc.checkImport({ sources: [{ path: a }], tz: 'Europe/Berlin' });
    expect(check.files[0].firstTs).toBe('2011-08-10T07:46:00.000Z');
    await expect(svc.importFiles({ sources: [{ path: a }], tz: 'Mars/Olympus' })).rejects.toThrow(
      /time zone "Mars\/Olympus" is not one netsift knows/,
    );
  });

  it('renames and deletes cases; a case outside the cases folder only leaves the list', async () => {
    const list = await svc.recentCases();
    const berlin = list.find((c) => c.name === 'berlin')!;
    expect(berlin.open).toBe(true);
    const renamed = await svc.renameCase(berlin.id, 'Berlin office');
    const moved = renamed.find((c) => c.name === 'Berlin office')!;
    expect(moved.open).toBe(true);
    expect(fs.existsSync(berlin.path)).toBe(false);
    expect((await svc.caseInfo())!.name).toBe('Berlin office');
    await expect(svc.renameCase(moved.id, 'first')).rejects.toThrow(
      /a case of that name already exists/,
    );
    const gone = await svc.deleteCase(moved.id);
    expect(gone.map((c) => c.name)).not.toContain('Berlin office');
    // a name is never a path: separators and leading dots go
    const some = (await svc.recentCases()).find((c) => c.managed)!;
    const after = await svc.renameCase(some.id, '../../etc/x');
    expect(after.find((c) => c.name === 'etc_x')?.path).toBe(
      path.join(path.dirname(some.path), 'etc_x.duckdb'),
    );
    expect(fs.existsSync(moved.path)).toBe(false);
    expect(await svc.caseInfo()).toBeNull();
    const killed = (await svc.recentCases()).find((c) => c.name === 'killed')!;
    expect(killed.managed).toBe(false);
    await svc.deleteCase(killed.id);
    expect(fs.existsSync(killed.path)).toBe(true); // the analyst's own file stays
    expect((await svc.recentCases()).map((c) => c.name)).not.toContain('killed');
  });
});
