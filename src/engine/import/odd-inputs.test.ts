// Inputs that are not plain flow text: UTF-16 text (refused, with the way to convert it) and named
// pipes, sockets or devices (refused by name, before anything opens them: a FIFO used to read as
// "empty file" and its data was lost).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { importFiles } from './pipeline';

const tmp = makeTmpDir('netsift-odd-');
afterAll(() => tmp.cleanup());

const LINES = '2024-01-01 00:00:00,tcp,established,10.0.0.1,1,10.0.0.2,80,1,1\n'.repeat(3);
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

async function failure(file: string, format?: string): Promise<string> {
  const store = await CaseStore.open(tmp.file(`${Math.random()}.duckdb`));
  try {
    await importFiles(store, [file], format ? { format } : {}).result;
    return 'imported';
  } catch (e) {
    expect(await store.flowCount()).toBe(0);
    return (e as Error).message;
  } finally {
    store.close();
  }
}

describe('UTF-16 text', () => {
  const cases: [string, Buffer][] = [
    ['le-bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(LINES, 'utf16le')])],
    [
      'be-bom.csv',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(LINES, 'utf16le').swap16()]),
    ],
    ['le-nobom.csv', Buffer.from(LINES, 'utf16le')],
  ];
  for (const [name, bytes] of cases)
    it(`refuses ${name} with the encoding and how to convert it`, async () => {
      const file = tmp.file(name);
      fs.writeFileSync(file, bytes);
      for (const format of [undefined, 'seed', 'csv'])
        expect(await failure(file, format)).toMatch(
          new RegExp(
            `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: UTF-16 (LE|BE) text; netsift reads UTF-8: convert it first, e.g\\. iconv -f UTF-16 -t UTF-8`,
          ),
        );
    });

  it('still imports UTF-8 with a byte order mark', async () => {
    const file = tmp.file('bom8.csv');
    fs.writeFileSync(
      file,
      `\uFEFFts,src,dst,sport,dport,proto\n2024-01-01 00:00:00,10.0.0.1,10.0.0.2,1,80,tcp\n`,
    );
    const store = await CaseStore.open(tmp.file('bom8.duckdb'));
    try {
      expect((await importPaths(store, [file])).files[0].record?.rows_read).toBe(1);
    } finally {
      store.close();
    }
  });
});

describe('not a regular file', () => {
  it.skipIf(!hasMkfifo)(
    'refuses a named pipe by name without opening it (no writer needed)',
    async () => {
      const fifo = tmp.file('flows.pipe');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      expect(await failure(fifo)).toBe(
        `${fifo}: is a named pipe (FIFO), not a file; netsift reads a file twice (import and checksum), so save the stream first, e.g. cat ${fifo} > flows.csv`,
      );
    },
  );

  it.skipIf(!fs.existsSync('/dev/zero'))('refuses a device', async () => {
    expect(await failure('/dev/zero')).toMatch(/^\/dev\/zero: is a character device, not a file/);
  });
});
