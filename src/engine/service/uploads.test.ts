// Uploads kept under NETSIFT_HOME/uploads: a failed or aborted transfer leaves nothing, an upload
// is kept only while a case that imported it exists, and the folder has a size cap.
import fs from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { UploadStore } from './uploads';

describe('UploadStore', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());
  let limit = 1000;
  const root = tmp.file('uploads');
  fs.mkdirSync(root);
  const store = new UploadStore(
    () => root,
    () => limit,
  );
  const body = (n: number) => Readable.from([Buffer.alloc(n, 65)]);
  const kept = () => fs.readdirSync(root).sort();

  it('stores an upload under an id and hands out its file by id only', async () => {
    const u = await store.receive('../../cap ture.csv', body(100), 100, 500);
    expect(u).toMatchObject({ name: 'cap_ture.csv', bytes: 100 });
    expect(fs.readFileSync(store.file(u.id), 'utf8')).toBe('A'.repeat(100));
    expect(() => store.file('../recent.json')).toThrow(/no upload/);
    expect(() => store.file('u-AAAAAAAAAAAAAAAAAAAA')).toThrow(/no upload/);
    store.discard([u.id]);
    expect(kept()).toEqual([]);
  });

  it('keeps nothing of a transfer that is too large, cut short or aborted', async () => {
    await expect(store.receive('big.csv', body(600), 600, 500)).rejects.toThrow(/upload too large/);
    await expect(store.receive('big.csv', body(600), null, 500)).rejects.toThrow(
      /upload too large/,
    );
    await expect(store.receive('short.csv', body(50), 80, 500)).rejects.toThrow(
      /ended after 50 of 80 bytes/,
    );
    const cut = new PassThrough();
    const p = store.receive('cut.csv', cut, 300, 500);
    cut.write(Buffer.alloc(100));
    await new Promise((r) => setTimeout(r, 20));
    expect(kept().length).toBe(1); // arriving
    cut.destroy(new Error('aborted'));
    await expect(p).rejects.toThrow(/upload failed .*nothing was kept/);
    expect(kept()).toEqual([]);
  });

  it('caps the folder: unused old uploads make room, uploads cases hold do not', async () => {
    const caseFile = tmp.file('case.duckdb');
    fs.writeFileSync(caseFile, 'x');
    const a = await store.receive('a.csv', body(400), 400, 1000);
    store.markUsed(a.id, caseFile);
    const b = await store.receive('b.csv', body(400), 400, 1000); // never imported
    await expect(store.receive('c.csv', body(400), 400, 1000)).rejects.toThrow(
      /would exceed its limit/,
    );
    // an hour on, the unused upload is stale and makes room; the imported one stays
    expect(store.sweep(60 * 60 * 1000, Date.now() + 2 * 60 * 60 * 1000)).toEqual([b.id]);
    const c = await store.receive('c.csv', body(400), 400, 1000);
    expect(kept().sort()).toEqual([a.id, c.id].sort());
    limit = 1e9;
    // a pinned upload (an import job reads it) survives a sweep and a discard
    const unpin = store.pin(c.id);
    store.discard([c.id]);
    expect(store.sweep(0)).toEqual([]);
    unpin();
    expect(store.sweep(0)).toEqual([c.id]);
    // a renamed case keeps its uploads; when the case goes, they go
    const d = await store.receive('d.csv', body(10), 10, 1000);
    store.markUsed(d.id, caseFile);
    const renamed = tmp.file('renamed.duckdb');
    fs.renameSync(caseFile, renamed);
    store.caseGone(caseFile, renamed);
    expect(store.sweep(0)).toEqual([]);
    store.caseGone(renamed);
    expect(kept()).toEqual([]);
  });
});
