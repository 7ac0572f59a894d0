// Stale temporaries: a folder whose process is gone (or whose pid now runs another program) is
// removed; one whose process runs, or one without an owner, is left alone.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { makeOwnedTempDir, processStart, sweepStaleTempDirs } from './owned-temp';

describe('owned temporaries', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());

  it('removes the folders of dead or reused pids only', () => {
    const mine = makeOwnedTempDir('netsift-analyze-', tmp.dir);
    const dead = makeOwnedTempDir('netsift-analyze-', tmp.dir);
    // a process that has exited: its pid no longer runs
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(
      path.join(dead, 'owner.json'),
      JSON.stringify({ pid: Number(child.stdout), started: '1' }),
    );
    // our own pid, but another start time: the pid was reused by a newer process
    const reused = makeOwnedTempDir('netsift-analyze-', tmp.dir);
    fs.writeFileSync(
      path.join(reused, 'owner.json'),
      JSON.stringify({ pid: process.pid, started: 'not-now' }),
    );
    const unmarked = path.join(tmp.dir, 'netsift-analyze-old');
    fs.mkdirSync(unmarked);
    const other = fs.mkdtempSync(path.join(tmp.dir, 'other-'));
    fs.writeFileSync(
      path.join(other, 'owner.json'),
      JSON.stringify({ pid: Number(child.stdout), started: '1' }),
    );
    const removed = sweepStaleTempDirs('netsift-analyze-', tmp.dir);
    expect(removed.sort()).toEqual([dead, reused].sort());
    for (const d of [mine, unmarked, other]) expect(fs.existsSync(d)).toBe(true);
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))('reads a process start time from /proc', () => {
    expect(processStart(process.pid)).toMatch(/^\d+$/);
    expect(processStart(2 ** 22 + 12345)).toBeNull();
  });
});
