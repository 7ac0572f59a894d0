import { describe, expect, it } from 'vitest';
import { isStoreUrl, parseStoreUrl } from './store-url';

describe('store URL', () => {
  it('reads user, host, port, database and options, and shows them without secrets', () => {
    const t = parseStoreUrl(
      'clickhouse://analyst@ch.example.org:9123/netflow?table=flows_all&imports_table=imports_all&timeout=30',
    );
    expect(t).toMatchObject({
      secure: false,
      host: 'ch.example.org',
      port: 9123,
      user: 'analyst',
      database: 'netflow',
      table: 'flows_all',
      importsTable: 'imports_all',
      timeoutSeconds: 30,
      caFile: null,
    });
    expect(t.display).toBe(
      'clickhouse://analyst@ch.example.org:9123/netflow?table=flows_all&imports_table=imports_all&timeout=30',
    );
  });

  it('defaults: user default, database default, port 8123 (8443 with TLS), 300 s', () => {
    expect(parseStoreUrl('clickhouse://127.0.0.1')).toMatchObject({
      user: 'default',
      database: 'default',
      port: 8123,
      timeoutSeconds: 300,
      table: 'flows',
    });
    expect(parseStoreUrl('clickhouses://h/db')).toMatchObject({ secure: true, port: 8443 });
    expect(parseStoreUrl('clickhouse://h/db?secure=1&ca=/etc/ca.pem')).toMatchObject({
      secure: true,
      port: 8443,
      caFile: '/etc/ca.pem',
    });
    expect(parseStoreUrl('clickhouse://h/db?secure=1').display).toBe(
      'clickhouses://default@h:8443/db',
    );
    expect(parseStoreUrl('clickhouse://u@[::1]:8123/db')).toMatchObject({
      host: '::1',
      display: 'clickhouse://u@[::1]:8123/db',
    });
  });

  it('refuses a password in the URL, and says where it goes instead', () => {
    expect(() => parseStoreUrl('clickhouse://u:secret@h/db')).toThrow(
      /holds a password; remove it and set NETSIFT_CLICKHOUSE_PASSWORD/,
    );
    try {
      parseStoreUrl('clickhouse://u:secret@h/db');
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('refuses what it cannot use, naming it', () => {
    expect(() => parseStoreUrl('http://h/db')).toThrow(/unknown scheme http:/);
    expect(() => parseStoreUrl('clickhouse://h/db;drop')).toThrow(
      /database 'db;drop' is not a plain name/,
    );
    expect(() => parseStoreUrl('clickhouse://h/db?table=a.b')).toThrow(
      /table 'a.b' is not a plain name/,
    );
    expect(() => parseStoreUrl('clickhouse://h/db?tabel=x')).toThrow(/unknown option 'tabel'/);
    expect(() => parseStoreUrl('clickhouse://h/db?timeout=-1')).toThrow(/timeout=-1/);
    expect(() => parseStoreUrl('clickhouse://h/db?ca=/x.pem')).toThrow(/ca= needs TLS/);
    expect(() => parseStoreUrl('clickhouse://h/db?secure=yes')).toThrow(/secure=yes: use 1 or 0/);
  });

  it('tells a store URL from a case path', () => {
    expect(isStoreUrl('clickhouse://h/db')).toBe(true);
    expect(isStoreUrl('ClickHouses://h')).toBe(true);
    expect(isStoreUrl('/cases/x.duckdb')).toBe(false);
  });
});
