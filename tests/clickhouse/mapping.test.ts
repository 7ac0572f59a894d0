// An existing flows table with its own column names and types (Akvorado-like: TimeReceived,
// SrcAddr, DstAddr, SrcPort, DstPort, Proto as a number, one Bytes and Packets column) read
// through a mapping file: the same flows answer the same questions as netsift's own table.
// On 18.16 (addresses as FixedString(16)) and on the current engine (addresses as IPv6).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbExecutor, loadChdb } from '../../src/engine/flowstore/clickhouse/chdb-executor';
import { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { readMapping } from '../../src/engine/flowstore/clickhouse/mapping-file';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import { runDetection } from '../../src/engine/analysis/runner';
import { CaseStore } from '../../src/engine/store/case-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const chdb = loadChdb(path.resolve(import.meta.dirname, '../chdb'));

const AKVORADO = {
  table: 'akv',
  comment: 'an Akvorado-like flows table',
  fields: {
    ts: 'TimeReceived',
    src_ip: 'SrcAddr',
    dst_ip: 'DstAddr',
    src_port: 'SrcPort',
    dst_port: 'DstPort',
    proto: 'Proto',
    src_bytes: 'Bytes',
    src_pkts: 'Packets',
  },
};

/** Makes `akv` from netsift's own flows (addresses as `addrType`), through SQL on the server. */
async function makeAkvorado(
  own: ClickHouseFlowStore,
  addrType: 'FixedString(16)' | 'IPv6',
): Promise<void> {
  const us = own.dialect.has.microTimestamps ? 'toUnixTimestamp64Micro(ts)' : 'ts';
  const addr = (c: string) => (addrType === 'IPv6' ? `toIPv6(IPv6NumToString(${c}))` : c);
  await own.ex.command(
    `CREATE TABLE akv (TimeReceived DateTime, SrcAddr ${addrType}, DstAddr ${addrType}, SrcPort UInt16,
       DstPort UInt16, Proto UInt8, Bytes UInt64, Packets UInt64, InIfName String)
     ENGINE = MergeTree ORDER BY TimeReceived`,
  );
  await own.ex.command(
    `INSERT INTO akv SELECT toDateTime(intDiv(${us}, 1000000)), ${addr('src_num')}, ${addr('dst_num')},
       ifNull(src_port, 0), ifNull(dst_port, 0), multiIf(proto = 'tcp', 6, proto = 'udp', 17, proto = 'icmp', 1, 0),
       src_bytes + dst_bytes, ifNull(src_pkts, 0) + ifNull(dst_pkts, 0), 'eth0' FROM flows`,
  );
}

const FILTERS = [
  '',
  'dst port 22',
  'src net 192.168.0.0/16',
  'net 2001:db8::/32',
  'host 2001:db8::5',
  'host 192.168.100.10',
  'proto udp',
  'not internal',
  'time >= 2017-01-27 16:40 and time < 2017-01-27 17:05:30',
];

async function expectSameFlows(
  own: ClickHouseFlowStore,
  mapped: ClickHouseFlowStore,
): Promise<void> {
  expect(mapped.info).toMatchObject({ table: 'akv', readOnly: true });
  for (const f of FILTERS)
    expect(await mapped.countFlows({ filter: f }), `count '${f}'`).toBe(
      await own.countFlows({ filter: f }),
    );
  expect(
    await mapped.countFlows({
      selector: { srcIps: ['2001:db8::5', '192.168.100.10'], dstPorts: [53, 22] },
    }),
  ).toBe(
    await own.countFlows({
      selector: { srcIps: ['2001:db8::5', '192.168.100.10'], dstPorts: [53, 22] },
    }),
  );
  const t = (s: ClickHouseFlowStore) =>
    s.timeline({ maxBuckets: 50 }).then((x) => x.buckets.map((b) => [b.t, b.flows]));
  expect(await t(mapped)).toEqual(await t(own));
  for (const ip of ['192.168.100.10', '2001:db8::5']) {
    const [a, b] = [await mapped.hostSummary(ip), await own.hostSummary(ip)];
    expect([a.flows_as_src, a.flows_as_dst, a.peers.map((p) => [p.ip, p.flows])]).toEqual([
      b.flows_as_src,
      b.flows_as_dst,
      b.peers.map((p) => [p.ip, p.flows]),
    ]);
  }
  // rows: the same flows, text addresses and protocol names (ids are a hash of the row)
  const rows = async (s: ClickHouseFlowStore) =>
    (
      await s.queryFlows({ filter: 'host 2001:db8::5 or host 10.0.0.1', offset: 0, limit: 1000 })
    ).rows
      .map((r) => [r.ts.slice(0, 19), r.src_ip, r.dst_ip, r.dst_port ?? 0, r.proto].join(' '))
      .sort();
  const mine = await rows(mapped);
  expect(mine.length).toBeGreaterThan(20);
  expect(mine).toEqual(await rows(own));
  expect(
    (await mapped.queryFlows({ offset: 0, limit: 5, sort: [{ column: 'src_ip', dir: 'desc' }] }))
      .rows.length,
  ).toBe(5);
  expect(await mapped.imports()).toEqual([]);
  expect(() => mapped.importFiles([SAMPLE])).toThrow(/mapped from .*akvorado\.json and read-only/);
}

describe('mapping an existing table', () => {
  const tmp = makeTmpDir('netsift-chmap-');
  const mixed = tmp.file('mixed.csv');
  const mappingFile = tmp.file('akvorado.json');

  beforeAll(() => {
    writeMixedCsv(mixed);
    fs.writeFileSync(mappingFile, JSON.stringify(AKVORADO, null, 2));
  });
  afterAll(() => tmp.cleanup());

  describe.skipIf(!!CLICKHOUSE_MISSING)(
    `on 18.16${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
    () => {
      let server: ChServer;
      let own: ClickHouseFlowStore;
      beforeAll(async () => {
        server = await startClickHouse();
        own = await openClickHouseStore(server.url(), { password: PASSWORDS.netsift });
        await own.importFiles([SAMPLE, mixed]).result;
        await makeAkvorado(own, 'FixedString(16)');
      });
      afterAll(async () => {
        await own?.close();
        await server?.stop();
      });

      it('reads the same flows through the mapping', async () => {
        const mapped = await openClickHouseStore(server.url('reader'), {
          password: PASSWORDS.reader,
          mappingFile,
        });
        try {
          await expectSameFlows(own, mapped);
        } finally {
          await mapped.close();
        }
      });

      it('names the mapping file, field and column when they do not fit the table', async () => {
        const bad = (fields: Record<string, string>) => {
          const f = tmp.file(`bad-${Object.keys(fields).join('-')}.json`);
          fs.writeFileSync(
            f,
            JSON.stringify({ table: 'akv', fields: { ...AKVORADO.fields, ...fields } }),
          );
          return openClickHouseStore(server.url(), {
            password: PASSWORDS.netsift,
            mappingFile: f,
          }).then((s) => s.countFlows({}).finally(() => s.close()));
        };
        await expect(bad({ dst_port: 'DstPrt' })).rejects.toThrow(
          /dst_port -> DstPrt: table akv has no column DstPrt \(it has TimeReceived, SrcAddr/,
        );
        await expect(bad({ ts: 'InIfName' })).rejects.toThrow(
          /column `InIfName` \(String\) cannot be a time/,
        );
        await expect(bad({ src_bytes: 'InIfName' })).rejects.toThrow(
          /src_bytes -> InIfName \(String\) is not a number/,
        );
        expect(() => readMapping(tmp.file('nope.json'))).toThrow(
          /nope\.json: cannot read the mapping file \(ENOENT\)/,
        );
      });
    },
  );

  describe.skipIf(!chdb.mod)(
    `on the current engine (chdb)${chdb.mod ? '' : ` (skipped: ${chdb.why})`}`,
    () => {
      it('reads the same flows through the mapping (addresses as IPv6)', async () => {
        const ex = await ChdbExecutor.open(chdb.mod!);
        const own = await ClickHouseFlowStore.create(ex);
        try {
          await own.importFiles([SAMPLE, mixed]).result;
          await makeAkvorado(own, 'IPv6');
          const mapped = await ClickHouseFlowStore.create(ex, {
            mapping: readMapping(mappingFile),
          });
          await expectSameFlows(own, mapped);
        } finally {
          await own.close();
        }
      });

      it(
        "detects through the mapping what it detects on netsift's own table",
        { timeout: 600_000 },
        async () => {
          const ex = await ChdbExecutor.open(chdb.mod!);
          const ownCase = await CaseStore.open(tmp.file('own.duckdb'));
          const mappedCase = await CaseStore.open(tmp.file('mapped.duckdb'));
          const own = await ClickHouseFlowStore.create(ex, { caseStore: ownCase });
          try {
            await own.importFiles([SAMPLE]).result;
            // every field under a name and type of its own: times DateTime64, addresses IPv6,
            // protocols numbered, ports Nullable as netsift's
            await own.ex.command(
              `CREATE TABLE full_flows (FlowId Int64, Imp UInt32, Start DateTime64(6, 'UTC'), Stop Nullable(DateTime64(6, 'UTC')),
               P UInt8, St String, Src IPv6, Dst IPv6, Sp Nullable(UInt16), Dp Nullable(UInt16),
               BytesOut Int64, BytesIn Int64, PktsOut Nullable(Int64), PktsIn Nullable(Int64))
             ENGINE = MergeTree ORDER BY Start`,
            );
            await own.ex.command(
              `INSERT INTO full_flows SELECT id, import_id, ts, ts_end,
               multiIf(proto = 'tcp', 6, proto = 'udp', 17, proto = 'icmp', 1, 0), state,
               toIPv6(IPv6NumToString(src_num)), toIPv6(IPv6NumToString(dst_num)), src_port, dst_port,
               src_bytes, dst_bytes, src_pkts, dst_pkts FROM flows`,
            );
            const file = tmp.file('full.json');
            fs.writeFileSync(
              file,
              JSON.stringify({
                table: 'full_flows',
                fields: {
                  id: 'FlowId',
                  import_id: 'Imp',
                  ts: 'Start',
                  ts_end: 'Stop',
                  proto: 'P',
                  state: 'St',
                  src_ip: 'Src',
                  dst_ip: 'Dst',
                  src_port: 'Sp',
                  dst_port: 'Dp',
                  src_bytes: 'BytesOut',
                  dst_bytes: 'BytesIn',
                  src_pkts: 'PktsOut',
                  dst_pkts: 'PktsIn',
                },
              }),
            );
            const mapped = await ClickHouseFlowStore.create(ex, {
              mapping: readMapping(file),
              caseStore: mappedCase,
            });
            await runDetection(ownCase, { flowStore: own }).result;
            await runDetection(mappedCase, { flowStore: mapped }).result;
            const read = (c: CaseStore) =>
              c.all('SELECT key, type, attacker, flow_count, score FROM incidents ORDER BY key');
            const want = await read(ownCase);
            expect(want.length).toBeGreaterThan(5);
            expect(await read(mappedCase)).toEqual(want);
          } finally {
            await own.close();
            ownCase.close();
            mappedCase.close();
          }
        },
      );
    },
  );
});
