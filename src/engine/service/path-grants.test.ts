// The path rule through the service itself, as the Electron door (IPC) calls it: every method that
// takes a path refuses one the user did not grant, with code 'forbidden', touches nothing, and
// no error quotes a line of a file that is not a flow file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { waitJob } from '../../../tests/helpers/wait-job';
import { NetsiftError } from '../core/errors';
import { writeCapture } from './capture-fixture.test-helper';
import { defaultOps } from './default-ops';
import { NetsiftService } from './netsift-service';
import { PathGrants } from './path-grants';

const SECRET = 'root:$6$Zx9SECRETHASH:19000:0:99999:7:::';

async function refusal(p: Promise<unknown>): Promise<NetsiftError> {
  try {
    await p;
  } catch (e) {
    return e as NetsiftError;
  }
  throw new Error('expected a refusal');
}

describe('path rule (service, the IPC door)', () => {
  const tmp = makeTmpDir();
  const prevHome = process.env.NETSIFT_HOME;
  const outside = tmp.file('outside'); // not granted: stands for /etc, /root, ...
  const granted = tmp.file('granted'); // as `serve --grant` or a dialog would grant
  let svc: NetsiftService;

  beforeAll(() => {
    process.env.NETSIFT_HOME = tmp.file('home');
    fs.mkdirSync(outside);
    fs.mkdirSync(granted);
    fs.writeFileSync(path.join(outside, 'shadow'), `${SECRET}\nbin:*:19000:0:99999:7:::\n`);
    fs.writeFileSync(path.join(granted, 'shadow-copy'), `${SECRET}\nbin:*:19000:0:99999:7:::\n`);
    writeCapture(path.join(outside, 'capture.csv'));
    writeCapture(path.join(granted, 'capture.csv'));
    fs.symlinkSync(path.join(outside, 'capture.csv'), path.join(granted, 'link-out.csv'));
    fs.symlinkSync(outside, path.join(granted, 'dir-out'));
    svc = new NetsiftService({ ops: defaultOps(), resourcesDir: tmp.file('none'), threads: 1 });
    svc.grant(granted);
  });
  afterAll(() => {
    svc.close();
    process.env.NETSIFT_HOME = prevHome;
    tmp.cleanup();
  });

  it('refuses every path-taking method outside the grants, and creates nothing', async () => {
    const calls: [string, Promise<unknown>][] = [
      ['openCase', svc.openCase(path.join(outside, 'shadow'))],
      ['createCase', svc.createCase(path.join(outside, 'new.duckdb'))],
      ['importFiles', svc.importFiles({ sources: [{ path: path.join(outside, 'shadow') }] })],
      ['importFiles folder', svc.importFiles({ sources: [{ path: outside }] })],
      ['checkImport', svc.checkImport({ sources: [{ path: path.join(outside, 'capture.csv') }] })],
      ['addFeed', svc.addFeed({ id: 'x', file: path.join(outside, 'shadow'), format: 'ip-list' })],
      ['link out', svc.importFiles({ sources: [{ path: path.join(granted, 'link-out.csv') }] })],
      [
        'folder link out',
        svc.importFiles({ sources: [{ path: path.join(granted, 'dir-out', 'capture.csv') }] }),
      ],
      ['dot-dot', svc.openCase(path.join(granted, '..', 'outside', 'capture.csv'))],
      ['relative', svc.openCase('../../etc/passwd')],
      ['renameCase', svc.renameCase(path.join(outside, 'capture.csv'), 'x')],
      ['deleteCase', svc.deleteCase(path.join(outside, 'capture.csv'))],
    ];
    for (const [what, p] of calls) {
      const e = await refusal(p);
      expect(e.code, what).toBe('forbidden');
      expect(e.message, what).not.toContain('SECRET');
    }
    expect(fs.readdirSync(outside).sort()).toEqual(['capture.csv', 'shadow']);
    expect(fs.existsSync(path.join(outside, 'capture.csv'))).toBe(true);
    expect((await svc.jobs()).length).toBe(0);
  });

  it('saveCaseAs copies only into granted folders or the cases folder', async () => {
    const job = await svc.importFiles({ sources: [{ path: path.join(granted, 'capture.csv') }] });
    expect((await waitJob(svc, job.id)).status).toBe('done');
    const e = await refusal(svc.saveCaseAs(path.join(outside, 'copy.duckdb')));
    expect(e.code).toBe('forbidden');
    expect(fs.existsSync(path.join(outside, 'copy.duckdb'))).toBe(false);
    const kept = await svc.saveCaseAs('kept-copy');
    expect(kept.path).toBe(
      path.join(fs.realpathSync(tmp.file('home')), 'cases', 'kept-copy.duckdb'),
    );
    const mine = await svc.saveCaseAs(path.join(granted, 'mine'));
    expect(mine.path).toBe(path.join(fs.realpathSync(granted), 'mine.duckdb'));
  });

  it('imports granted files; errors about a file that is not a flow file never quote it', async () => {
    const job = await svc.importFiles({ sources: [{ path: path.join(granted, 'shadow-copy') }] });
    const end = await waitJob(svc, job.id);
    expect(end.status).toBe('failed');
    expect(end.error).toMatch(
      /not a flow format netsift recognises \(first line: 9 fields separated by ':'\)/,
    );
    expect(JSON.stringify(end)).not.toContain('SECRET');
    const check = await svc.checkImport({ sources: [{ path: path.join(granted, 'shadow-copy') }] });
    expect(check.files[0].error).toMatch(/not a flow format/);
    expect(JSON.stringify(check)).not.toContain('SECRET');
    const feed = await refusal(
      svc.addFeed({ id: 'local', file: path.join(granted, 'shadow-copy'), format: 'ip-list' }),
    );
    expect(feed.message).toMatch(/no valid entries/);
    expect(feed.message).not.toContain('SECRET');
  });

  it('opens a case by its id from the case list, and a granted case by path', async () => {
    const list = await svc.recentCases();
    expect(list.length).toBeGreaterThan(0);
    const info = await svc.openCase(list[list.length - 1].id);
    expect(info.id).toBe(list[list.length - 1].id);
    expect((await svc.openCase(path.join(granted, 'mine.duckdb'))).name).toBe('mine');
    expect(await svc.grantedFolders()).toContain(fs.realpathSync(granted));
  });
});

describe('PathGrants', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());

  it('grants a single file without its folder, and a folder with everything below it', () => {
    fs.mkdirSync(tmp.file('app'));
    fs.mkdirSync(tmp.file('d/sub'), { recursive: true });
    fs.mkdirSync(tmp.file('uploads'));
    const g = new PathGrants(() => [
      { dir: tmp.file('app'), use: 'case' },
      { dir: tmp.file('uploads'), use: 'read' },
    ]);
    g.grant(tmp.file('one.duckdb')); // not there yet: serve --case NEW.duckdb
    g.grant(tmp.file('d'));
    expect(g.allows(tmp.file('one.duckdb'))).toBe(true);
    expect(g.allows(tmp.file('two.duckdb'))).toBe(false);
    expect(g.allows(tmp.file('d/sub/x.csv'))).toBe(true);
    expect(g.allows(tmp.file('d'))).toBe(false); // the folder itself is no file to open
    expect(g.allows(tmp.file('app/new.duckdb'), 'case')).toBe(true);
    // each app folder for its use: no case written among the uploads, no import from the cases
    expect(g.allows(tmp.file('uploads/u-x/evil.duckdb'), 'case')).toBe(false);
    expect(g.allows(tmp.file('uploads/u-x/cap.csv'))).toBe(true);
    expect(g.allows(tmp.file('app/new.duckdb'))).toBe(false);
    expect(g.allows(tmp.file('d/sub/x.duckdb'), 'case')).toBe(true); // granted by the user: both
    expect(g.allows(tmp.file('d/../one.duckdb.wal'))).toBe(false);
    // a dangling link is resolved: creating through it would write outside
    fs.symlinkSync(tmp.file('elsewhere/x.duckdb'), tmp.file('d/dangling.duckdb'));
    expect(g.allows(tmp.file('d/dangling.duckdb'))).toBe(false);
    expect(() => g.check(42)).toThrow(/not a path/);
    expect(() => g.check('a\0b')).toThrow(/not a path/);
  });
});
