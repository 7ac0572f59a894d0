// A cancelled or killed workspace import job is undone whole: its address context (names from
// its pcap, its Zeek context logs, country/AS of addresses only it brought) goes with its flows.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { importFiles } from '../import/pipeline';
import { rollbackImports, firstFreeImportId } from '../service/import-job';
import { CaseStore } from '../store/case-store';
import { firstFreeContextId } from './rollback-context';

const FIXTURES = path.resolve(import.meta.dirname, '../../../tests/fixtures');

describe('rollback of a job with address context', () => {
  const tmp = makeTmpDir();
  afterAll(() => tmp.cleanup());

  it('removes the names, Zeek context rows and country/AS rows the job brought', async () => {
    const store = await CaseStore.open(tmp.file('c.duckdb'), { threads: 1 });
    try {
      const count = async (t: string) =>
        Number((await store.one<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))!.n);
      fs.cpSync(path.join(FIXTURES, 'zeek-context'), tmp.file('zeek'), { recursive: true });
      const from = await firstFreeImportId(store);
      const ctxFrom = await firstFreeContextId(store.conn);
      await importFiles(store, [tmp.file('zeek'), path.join(FIXTURES, 'context/dns-http.pcap')])
        .result;
      expect(await count('flows')).toBeGreaterThan(0);
      expect(await count('dns_names')).toBeGreaterThan(0);
      expect(await count('zeek_http')).toBeGreaterThan(0);
      expect(await count('geo_addrs')).toBeGreaterThan(0);
      await rollbackImports(store, from, ctxFrom);
      for (const t of [
        'flows',
        'imports',
        'dns_names',
        'zeek_dns',
        'zeek_http',
        'zeek_ssl',
        'context_imports',
        'geo_addrs',
      ])
        expect([t, await count(t)]).toEqual([t, 0]);
    } finally {
      store.close();
    }
  });
});
