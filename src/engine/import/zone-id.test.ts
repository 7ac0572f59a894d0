// Issue 15 item 4 (import part): an IPv6 zone id is kept only when it is made of RFC 6874's
// unreserved characters; anything else (markup, spaces, quotes, an empty zone) is a reject naming
// the line and the field, on both import paths.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importPaths, rejectsOf } from '../../../tests/helpers/import-files';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { CaseStore } from '../store/case-store';
import { importIpv6 } from './zone-id';

const tmp = makeTmpDir('netsift-zone-');
afterAll(() => tmp.cleanup());

const HOSTILE = 'fe80::2%<img src=x onerror=alert(1)>';

describe('IPv6 zone ids', () => {
  it('accepts unreserved characters only', () => {
    expect(importIpv6('fe80::1%eth0')).toBe(importIpv6('fe80::1'));
    expect(importIpv6('fe80::1%en0.5_a~b-c')).not.toBeNull();
    for (const bad of [
      HOSTILE,
      'fe80::1%',
      'fe80::1%eth 0',
      'fe80::1%"x"',
      'fe80::1%a%b',
      `fe80::1%${'a'.repeat(65)}`,
    ])
      expect(importIpv6(bad)).toBeNull();
  });

  it('seed (direct path): rejects a hostile zone id with its line and field', async () => {
    const file = tmp.file('zone.seed');
    fs.writeFileSync(
      file,
      [
        '2024-01-01 00:00:00,tcp,established,fe80::1%eth0,1,fe80::9,80,1,1',
        `2024-01-01 00:00:01,tcp,established,fe80::1,1,${HOSTILE},80,1,1`,
        '2024-01-01 00:00:02,tcp,established,fe80::3%,1,fe80::9,80,1,1',
        '',
      ].join('\n'),
    );
    const store = await CaseStore.open(tmp.file('zone-seed.duckdb'));
    try {
      const rec = (await importPaths(store, [file])).files[0].record!;
      expect([rec.rows_read, rec.rows_rejected, rec.data_lines]).toEqual([1, 2, 3]);
      expect((await rejectsOf(store)).map((r) => [r.line, r.reason])).toEqual([
        [
          2,
          `dst_ip: ${HOSTILE} is not an IP address (a zone id after % may hold only A-Z a-z 0-9 . _ ~ -)`,
        ],
        [
          3,
          'src_ip: fe80::3% is not an IP address (a zone id after % may hold only A-Z a-z 0-9 . _ ~ -)',
        ],
      ]);
      expect(await store.all('SELECT src_ip FROM flows')).toEqual([{ src_ip: 'fe80::1%eth0' }]);
    } finally {
      store.close();
    }
  });

  it('header CSV (staged path): the same', async () => {
    const file = tmp.file('zone.csv');
    fs.writeFileSync(
      file,
      [
        'ts,src,dst,sport,dport,proto',
        '2024-01-01 00:00:00,fe80::1%eth0,fe80::9,1,80,tcp',
        `2024-01-01 00:00:01,${HOSTILE},fe80::9,1,80,tcp`,
        '',
      ].join('\n'),
    );
    const store = await CaseStore.open(tmp.file('zone-csv.duckdb'));
    try {
      const rec = (await importPaths(store, [file])).files[0].record!;
      expect([rec.rows_read, rec.rows_rejected]).toEqual([1, 1]);
      const rej = await rejectsOf(store);
      expect(rej.map((r) => [r.line, r.reason])).toEqual([
        [
          3,
          `src_ip: ${HOSTILE} is not an IP address (a zone id after % may hold only A-Z a-z 0-9 . _ ~ -)`,
        ],
      ]);
    } finally {
      store.close();
    }
  });
});
