import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertFlows } from '../../../tests/helpers/flows';
import { CaseStore } from '../store/case-store';
import { fixtureStore } from './fixture.test-helper';
import { countFlows, queryFlows } from './flows';
import { idRangesForPage } from './id-segments';

let store: CaseStore;
beforeAll(async () => {
  store = await fixtureStore();
});
afterAll(() => store.close());

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('queryFlows', () => {
  it('pages in id order by default, across imports', async () => {
    expect(ids((await queryFlows(store, { offset: 0, limit: 3 })).rows)).toEqual([1, 2, 3]);
    expect(ids((await queryFlows(store, { offset: 5, limit: 3 })).rows)).toEqual([6, 7, 8]);
    expect(ids((await queryFlows(store, { offset: 7, limit: 5 })).rows)).toEqual([8]);
    expect((await queryFlows(store, { offset: 8, limit: 5 })).rows).toEqual([]);
    const desc = await queryFlows(store, {
      offset: 1,
      limit: 3,
      sort: [{ column: 'id', dir: 'desc' }],
    });
    expect(ids(desc.rows)).toEqual([7, 6, 5]);
  });

  it('returns whole flows with internal/public marks', async () => {
    const { rows } = await queryFlows(store, { offset: 0, limit: 8 });
    expect(rows[0]).toEqual({
      id: 1,
      import_id: 1,
      ts: '2017-01-27T16:00:00.000Z',
      ts_end: null,
      proto: 'tcp',
      state: 'established',
      state_raw: 'established', // stored as NULL (same as state), read back as the source's word
      src_ip: '10.0.0.5',
      src_port: 50000,
      dst_ip: '8.8.8.8',
      dst_port: 443,
      src_bytes: 1000,
      dst_bytes: 5000,
      src_pkts: 5,
      dst_pkts: 6,
      label: 'Normal',
      src_internal: true,
      dst_internal: false,
      src_kind: 'internal',
      dst_kind: 'public',
    });
    expect(rows[3]).toMatchObject({
      src_kind: 'internal',
      dst_kind: 'multicast',
      dst_internal: false,
    });
    expect(rows[5]).toMatchObject({ src_kind: 'documentation', dst_kind: 'internal' });
    expect(rows[4]).toMatchObject({ src_port: null, dst_port: null, proto: 'icmp' });
  });

  it('sorts by allowed columns with id as the tie-breaker', async () => {
    const bytes = await queryFlows(store, {
      offset: 0,
      limit: 8,
      sort: [{ column: 'bytes', dir: 'desc' }],
    });
    expect(ids(bytes.rows)).toEqual([6, 1, 7, 4, 8, 5, 2, 3]);
    // addresses sort numerically, IPv4 (mapped) before IPv6 documentation space
    const src = await queryFlows(store, {
      offset: 0,
      limit: 8,
      sort: [{ column: 'src_ip', dir: 'asc' }],
    });
    expect(src.rows.map((r) => r.src_ip)).toEqual([
      '10.0.0.5',
      '10.0.0.5',
      '10.0.0.5',
      '10.0.0.5',
      '10.0.0.9',
      '192.168.1.7',
      '203.0.113.9',
      '2001:db8::1',
    ]);
    const port = await queryFlows(store, {
      offset: 0,
      limit: 3,
      sort: [
        { column: 'dst_port', dir: 'desc' },
        { column: 'ts', dir: 'asc' },
      ],
    });
    expect(ids(port.rows)).toEqual([8, 4, 3]);
    await expect(
      queryFlows(store, {
        offset: 0,
        limit: 1,
        sort: [{ column: 'src_num; DROP TABLE flows' as 'id', dir: 'asc' }],
      }),
    ).rejects.toThrow(/cannot sort flows by/);
    await expect(
      queryFlows(store, {
        offset: 0,
        limit: 1,
        sort: [{ column: 'ts', dir: 'sideways' as 'asc' }],
      }),
    ).rejects.toThrow(/asc or desc/);
    await expect(queryFlows(store, { offset: -1, limit: 1 })).rejects.toThrow(/offset/);
    await expect(queryFlows(store, { offset: 0, limit: 100_000 })).rejects.toThrow(/limit/);
  });

  it('combines filter, evidence selector and brushed range', async () => {
    const r = await queryFlows(store, {
      filter: 'proto tcp',
      selector: { srcIps: ['10.0.0.5'] },
      range: { from: '2017-01-27T16:00:01.000Z', to: '2017-01-27T16:00:03.000Z' },
      offset: 0,
      limit: 10,
    });
    expect(ids(r.rows)).toEqual([2, 3]);
    const page2 = await queryFlows(store, { filter: 'ip 10.0.0.5', offset: 2, limit: 2 });
    expect(ids(page2.rows)).toEqual([3, 5]);
    await expect(
      queryFlows(store, { filter: 'src port abc', offset: 0, limit: 1 }),
    ).rejects.toMatchObject({
      name: 'FilterError',
      token: 'abc',
    });
  });
});

describe('countFlows', () => {
  it('counts selections and notices new flows', async () => {
    const s = await CaseStore.open(':memory:', { threads: 1 });
    await insertFlows(s, [
      { ts: '2017-01-27 16:00:00', src_ip: '10.0.0.1', dst_ip: '10.0.0.2', dst_port: 22 },
    ]);
    expect(await countFlows(s, {})).toBe(1);
    expect(await countFlows(s, { filter: 'port 22' })).toBe(1);
    expect(await countFlows(s, { filter: 'port 23' })).toBe(0);
    await insertFlows(s, [
      { ts: '2017-01-27 16:00:01', src_ip: '10.0.0.1', dst_ip: '10.0.0.3', dst_port: 22 },
    ]);
    expect(await countFlows(s, { filter: 'port 22' })).toBe(2);
    expect(await countFlows(s, { selector: { dstIps: ['10.0.0.3'] } })).toBe(1);
    expect(await countFlows(s, {})).toBe(2);
    s.close();
  });
});

describe('first pages', () => {
  it("keeps a selection's first page until the flows change", async () => {
    const s = await CaseStore.open(':memory:', { threads: 1 });
    await insertFlows(s, [
      { ts: '2017-01-27 16:00:02', src_ip: '10.0.0.1', dst_ip: '10.0.0.2', dst_port: 22 },
    ]);
    const req = {
      filter: 'port 22',
      offset: 0,
      limit: 10,
      sort: [{ column: 'ts' as const, dir: 'asc' as const }],
    };
    const first = await queryFlows(s, req);
    expect(ids(first.rows)).toEqual([1]);
    expect(await queryFlows(s, req)).toBe(first); // the same answer, not read again
    // another sort, limit or selection is another page
    expect(ids((await queryFlows(s, { ...req, filter: 'port 23' })).rows)).toEqual([]);
    await insertFlows(s, [
      { ts: '2017-01-27 16:00:01', src_ip: '10.0.0.1', dst_ip: '10.0.0.3', dst_port: 22 },
    ]);
    expect(ids((await queryFlows(s, req)).rows)).toEqual([2, 1]);
    expect(
      ids((await queryFlows(s, { ...req, sort: [{ column: 'ts', dir: 'desc' }] })).rows),
    ).toEqual([1, 2]);
    s.close();
  });
});

describe('id-range paging', () => {
  const segs = [
    { lo: 1, hi: 6, count: 6 },
    { lo: 10, hi: 11, count: 2 },
  ];
  it('maps offsets onto id ranges across segments in both directions', () => {
    expect(idRangesForPage(segs, 0, 3, 'asc')).toEqual([{ lo: 1, hi: 3 }]);
    expect(idRangesForPage(segs, 4, 3, 'asc')).toEqual([
      { lo: 5, hi: 6 },
      { lo: 10, hi: 10 },
    ]);
    expect(idRangesForPage(segs, 8, 3, 'asc')).toEqual([]);
    expect(idRangesForPage(segs, 1, 3, 'desc')).toEqual([
      { lo: 10, hi: 10 },
      { lo: 5, hi: 6 },
    ]);
  });

  it('falls back to OFFSET when ids have holes, with the same rows', async () => {
    const s = await fixtureStore();
    await s.run('DELETE FROM flows WHERE id IN (2, 3)');
    expect(ids((await queryFlows(s, { offset: 1, limit: 3 })).rows)).toEqual([4, 5, 6]);
    expect(
      ids(
        (await queryFlows(s, { offset: 0, limit: 2, sort: [{ column: 'id', dir: 'desc' }] })).rows,
      ),
    ).toEqual([8, 7]);
    s.close();
  });

  it('fetches a filtered page by rowid when ids are rowid + 1, and by id when not', async () => {
    // the fixture's ids are rowid + 1 (appended in id order); a sorted, filtered page takes the
    // rowid fetch. Renumbering the ids breaks the relation; the same page must come back by id.
    const s = await fixtureStore();
    const req = {
      offset: 0,
      limit: 4,
      sort: [{ column: 'dst_port' as const, dir: 'desc' as const }],
    };
    const related = async () =>
      (await s.one<{ ok: boolean }>('SELECT bool_and(id = rowid + 1) AS ok FROM flows'))?.ok;
    expect(await related()).toBe(true);
    const before = (await queryFlows(s, req)).rows;
    expect(before).toHaveLength(4);
    await s.run('UPDATE flows SET id = id + 100');
    expect(await related()).toBe(false);
    const after = (await queryFlows(s, req)).rows;
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id + 100));
    expect(after.map(({ id: _id, ...rest }) => rest)).toEqual(
      before.map(({ id: _id, ...rest }) => rest),
    );
    s.close();
  });

  it('reads by id when rowids stop matching ids while the table keeps its size', async () => {
    const s = await fixtureStore();
    const req = {
      filter: 'src port 50000',
      offset: 0,
      sort: [{ column: 'ts' as const, dir: 'asc' as const }],
    };
    expect(ids((await queryFlows(s, { ...req, limit: 5 })).rows)).toEqual([1]);
    // same row count, same largest id: the cached "ids are rowids" answer is now stale
    await s.run('UPDATE flows SET id = 3 - id WHERE id IN (1, 2)');
    const after = (await queryFlows(s, { ...req, limit: 4 })).rows;
    expect(ids(after)).toEqual([2]);
    expect(after[0]).toMatchObject({ src_port: 50000, src_ip: '10.0.0.5' });
    s.close();
  });
});
