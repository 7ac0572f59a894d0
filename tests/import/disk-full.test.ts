// A full disk during an import: the analyst reads "no space left on <device> while writing <case>",
// nothing of the file is left half in the case, and the case opens and imports again afterwards.
// Runs on a 4 MB tmpfs this test mounts (root only; skipped, visibly, where mounting is not allowed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/engine/import/pipeline';
import { writeSeedLines } from '../../src/engine/import/test-fixtures';
import { CaseStore } from '../../src/engine/store/case-store';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';

const tmp = makeTmpDir();
const mnt = tmp.file('small-disk');

function tryMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  fs.mkdirSync(mnt, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]).status === 0;
}
const mounted = tryMount();
if (!mounted)
  console.warn('disk-full test skipped: cannot mount a tmpfs here (needs root on Linux)');

afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  tmp.cleanup();
});

async function counts(file: string) {
  const store = await CaseStore.open(file);
  try {
    return {
      flows: await store.flowCount(),
      imports: (await store.one<{ n: number }>('SELECT count(*) AS n FROM imports'))!.n,
      unnumbered: (await store.one<{ n: number }>('SELECT count(*) AS n FROM flows WHERE id = 0'))!
        .n,
    };
  } finally {
    store.close();
  }
}

describe.skipIf(!mounted)('a full disk while importing', { timeout: 180_000 }, () => {
  it('says which device and case, leaves the case as it was, and the case stays usable', async () => {
    const kase = path.join(mnt, 'case.duckdb');
    const small = tmp.file('small.csv');
    const big = tmp.file('big.csv');
    await writeSeedLines(small, 100);
    await writeSeedLines(big, 300_000);
    const store = await CaseStore.open(kase);
    try {
      await importFiles(store, [small]).result;
      const err = await importFiles(store, [big]).result.then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(
        new RegExp(
          `^no space left on tmpfs at ${mnt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} while writing ${kase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[;:] `,
        ),
      );
      expect(err?.message).toContain(`${big} was not imported`);
      expect(err?.message).not.toMatch(/could not read|internal/i);
    } finally {
      store.close();
    }
    // the case is exactly as before the failed import, and every command can open it
    expect(await counts(kase)).toEqual({ flows: 100, imports: 1, unnumbered: 0 });
    // another file still goes in, through the CLI
    const small2 = tmp.file('small2.csv');
    fs.writeFileSync(small2, fs.readFileSync(small, 'utf8').replaceAll(',443,', ',8443,'));
    const again = await runCli(['import', small2, '--case', kase]);
    expect(again.stderr).not.toMatch(/internal error|no space/);
    expect(again.code).toBe(0);
    expect(await counts(kase)).toEqual({ flows: 200, imports: 2, unnumbered: 0 });
    // the next test needs the small disk's room for a case of its own
    for (const f of [kase, `${kase}.wal`]) fs.rmSync(f, { force: true });
  });

  it('says so when the write itself fails (seed and header CSV), and when a case cannot be created', async () => {
    const kase = path.join(mnt, 'case2.duckdb');
    const huge = tmp.file('huge.csv');
    await writeSeedLines(huge, 300_000);
    const mapped = tmp.file('mapped.csv');
    fs.writeFileSync(mapped, 'ts,src,dst,sport,dport,proto,bytes\n');
    fs.appendFileSync(
      mapped,
      fs
        .readFileSync(huge, 'utf8')
        .replace(
          /^([^,]+),tcp,established,([^,]+),(\d+),([^,]+),(\d+),(\d+),\d+$/gm,
          '$1,$2,$4,$3,$5,tcp,$6',
        ),
    );
    const store = await CaseStore.open(kase);
    // leave a quarter MB free: the flows of either file need more than that
    const s = fs.statfsSync(mnt);
    fs.writeFileSync(
      path.join(mnt, 'filler'),
      Buffer.alloc(Math.max(0, s.bavail * s.bsize - 2 ** 18)),
    );
    try {
      for (const file of [huge, mapped]) {
        const err = await importFiles(store, [file]).result.then(
          () => null,
          (e: Error) => e,
        );
        expect(err?.message).toMatch(
          /^no space left on tmpfs at .* while writing .*case2\.duckdb[;:] /,
        );
        expect(err?.message).toContain(`${file} was not imported and the case is as it was`);
        // the write itself failed (not the room check before the commit)
        expect(err?.message).not.toMatch(/needed/);
      }
    } finally {
      store.close();
    }
    expect(await counts(kase)).toEqual({ flows: 0, imports: 0, unnumbered: 0 });
    // fill the disk: a new case cannot even be created, and says why
    try {
      fs.appendFileSync(path.join(mnt, 'filler'), Buffer.alloc(4 << 20));
    } catch {
      // ENOSPC: the disk is full now
    }
    const err = await CaseStore.open(path.join(mnt, 'new.duckdb')).then(
      (s) => (s.close(), null),
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^no space left on tmpfs at .* while writing .*new\.duckdb/);
  });
});
