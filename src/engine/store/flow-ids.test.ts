import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { writeSeedLines } from '../import/test-fixtures';
import { CaseStore } from './case-store';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

type IdRow = { id: number; src_port: number; import_id: number; src_num: string };
const idsOf = (s: CaseStore) =>
  s.all<IdRow>(
    'SELECT id, src_port, import_id, src_num::VARCHAR AS src_num FROM flows ORDER BY rowid',
  );

/** Two real imports; returns the case path and the ids a finished import gives. */
async function twoImports(name: string): Promise<{ file: string; finished: IdRow[] }> {
  const a = tmp.file(`${name}-a.csv`);
  const b = tmp.file(`${name}-b.csv`);
  await writeSeedLines(a, 300);
  await writeSeedLines(b, 200);
  fs.appendFileSync(
    b,
    '2017-01-27 16:24:42,tcp,established,2001:db8::7,2,10.0.0.1,80,1,1\n' +
      '2017-01-27 16:24:42,tcp,established,10.9.9.9,1,10.0.0.1,80,1,1\n',
  );
  const file = tmp.file(`${name}.duckdb`);
  const s = await CaseStore.open(file);
  await importPaths(s, [a]);
  await importPaths(s, [b], { allowDuplicate: true });
  const finished = await idsOf(s);
  s.close();
  return { file, finished };
}

describe('flow ids of an import interrupted between its two commits', { timeout: 180_000 }, () => {
  it('a direct import numbers its flows 1..n in file order, after the ids already in the case', async () => {
    const { finished } = await twoImports('plain');
    expect(finished).toHaveLength(502);
    expect(finished.map((r) => r.id)).toEqual(finished.map((_, i) => i + 1));
    expect(finished.at(-1)).toMatchObject({ src_port: 1, import_id: 2 });
    // the IPv6 address is numbered with the ids, after the commit
    expect(BigInt(finished.at(-2)!.src_num)).toBe(0x20010db8000000000000000000000007n);
  });

  it('a read-write open numbers them exactly as the finished import did', async () => {
    const { file, finished } = await twoImports('crash');
    // the state a process killed after the first commit leaves: the second import's flows at id 0,
    // its IPv6 addresses at number 0
    const s = await CaseStore.open(file);
    await s.run('UPDATE flows SET id = 0 WHERE import_id = 2');
    await s.run("UPDATE flows SET src_num = 0 WHERE import_id = 2 AND contains(src_ip, ':')");
    s.close();

    await expect(CaseStore.open(file, { readOnly: true })).rejects.toThrow(
      /import 2 stopped before its flows were numbered; open the case read-write once/,
    );
    const again = await CaseStore.open(file);
    expect(await idsOf(again)).toEqual(finished);
    again.close();
    const ro = await CaseStore.open(file, { readOnly: true });
    expect(await ro.flowCount()).toBe(502);
    ro.close();
  });

  it('numbers densely in file order when some of the pending rows were deleted', async () => {
    const { file, finished } = await twoImports('holes');
    const s = await CaseStore.open(file);
    await s.run('UPDATE flows SET id = 0 WHERE import_id = 2');
    await s.run('DELETE FROM flows WHERE import_id = 2 AND rowid IN (310, 320)');
    s.close();
    const again = await CaseStore.open(file);
    const ids = await idsOf(again);
    const kept = finished.filter((r) => r.id !== 311 && r.id !== 321);
    expect(ids.map((r) => r.src_port)).toEqual(kept.map((r) => r.src_port));
    expect(ids.map((r) => r.id)).toEqual(kept.map((_, i) => i + 1));
    again.close();
  });
});
