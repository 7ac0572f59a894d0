import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from './case-store';
import { SCHEMA_VERSION } from './schema';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

describe('CaseStore', () => {
  it('creates a case with the current schema and reopens it as left', async () => {
    const file = tmp.file('a.duckdb');
    const s = await CaseStore.open(file);
    expect(await s.schemaVersion()).toBe(SCHEMA_VERSION);
    await s.setSetting('ui', { selected: 3 });
    s.close();
    const again = await CaseStore.open(file);
    expect(await again.getSetting('ui', null)).toEqual({ selected: 3 });
    expect(await again.internalNetworks()).toContain('192.168.0.0/16');
    again.close();
  });

  it('applies its storage settings to the DuckDB instance (they are silently ignored as instance config)', async () => {
    const s = await CaseStore.open(tmp.file('settings.duckdb'));
    const r = await s.one<{ dis: string; pool: string }>(
      `SELECT current_setting('disabled_compression_methods') AS dis,
              current_setting('block_allocator_memory') AS pool`,
    );
    expect(r?.dis).toMatch(/fsst/i);
    expect(r?.pool).toBe('512.0 MiB');
    s.close();
  });

  it('refuses a case written by a newer netsift', async () => {
    const file = tmp.file('newer.duckdb');
    const s = await CaseStore.open(file);
    await s.run("INSERT INTO schema_meta VALUES (999, '9.9.9', now()::TIMESTAMP)");
    s.close();
    await expect(CaseStore.open(file)).rejects.toThrow(
      /written by netsift 9\.9\.9.*Update netsift/,
    );
  });

  it('says so when the case file is read-only', async () => {
    const file = tmp.file('ro.duckdb');
    (await CaseStore.open(file)).close();
    fs.chmodSync(file, 0o444);
    // root ignores file modes; the check must still hold for an ordinary analyst account
    if (process.getuid?.() !== 0) await expect(CaseStore.open(file)).rejects.toThrow(/read-only/);
    const ro = await CaseStore.open(file, { readOnly: true });
    expect(await ro.flowCount()).toBe(0);
    ro.close();
  });

  it('classifies addresses with the SQL macros', async () => {
    const s = await CaseStore.open(':memory:');
    const r = await s.one<Record<string, unknown>>(
      `SELECT ip4_num('192.168.1.1') IS NOT NULL AS ok, ip4_num('999.1.1.1') AS bad,
              ip_special(ip4_num('10.1.2.3')) AS k, ip_internal(ip4_num('172.16.5.5')) AS internal,
              ip_public(ip4_num('8.8.8.8')) AS pub, ip_special(ip4_num('255.255.255.255')) AS bc`,
    );
    expect(r).toEqual({
      ok: true,
      bad: null,
      k: 'private',
      internal: true,
      pub: true,
      bc: 'broadcast',
    });
    s.close();
  });

  it('rejects a file that is not a DuckDB database', async () => {
    const file = tmp.file('junk.duckdb');
    fs.writeFileSync(file, 'hello, not a database\n'.repeat(100));
    await expect(CaseStore.open(file)).rejects.toThrow(/junk\.duckdb/);
    // DuckDB's magic, then anything: a checksum error naming a "block" was read as a lock
    const damaged = tmp.file('damaged.duckdb');
    fs.writeFileSync(
      damaged,
      Buffer.concat([Buffer.alloc(8), Buffer.from('DUCK'), Buffer.from('SECRET'.repeat(1000))]),
    );
    const e = (await CaseStore.open(damaged).catch((x: Error) => x)) as Error;
    expect(e.message).toBe(
      `${damaged}: not a readable netsift case (the file is damaged or not a case)`,
    );
  });
});
