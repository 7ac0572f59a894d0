// Two clickhouse-server processes as two shards (remote_servers on loopback ports), a Distributed
// table over netsift's flows on each: the same statements answer as one server holding the
// same imports. Import ids and flow ids stay unique across shards by numbering from a
// Distributed imports table (?imports_table=imports_all).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseFlowStore } from '../../src/engine/flowstore/clickhouse/clickhouse-flow-store';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  reservePorts,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';
import { expectSameAnswers, parityCases, writeMixedCsv } from '../helpers/flowstore-parity';
import { makeTmpDir } from '../helpers/tmp';

const SAMPLE = path.resolve(import.meta.dirname, '../../resources/sample/netsift-sample.csv.gz');
const CLUSTER = 'netsift_two';

describe.skipIf(!!CLICKHOUSE_MISSING)(
  `ClickHouse Distributed over two shards${CLICKHOUSE_MISSING ? ` (skipped: ${CLICKHOUSE_MISSING})` : ''}`,
  () => {
    const tmp = makeTmpDir('netsift-chdist-');
    const mixed = tmp.file('mixed.csv');
    const servers: ChServer[] = [];
    const stores: ClickHouseFlowStore[] = [];
    let single: ClickHouseFlowStore;
    let shardA: ClickHouseFlowStore;
    let shardB: ClickHouseFlowStore;

    const open = async (s: ChServer, query = '') => {
      const st = await openClickHouseStore(s.url('netsift', 'default', query), {
        password: PASSWORDS.netsift,
      });
      stores.push(st);
      return st;
    };

    beforeAll(async () => {
      writeMixedCsv(mixed);
      const ports = [await reservePorts(), await reservePorts()];
      const cluster = { name: CLUSTER, shardTcpPorts: ports.map((p) => p.tcp) };
      servers.push(await startClickHouse({ ports: ports[0], cluster }));
      servers.push(await startClickHouse({ ports: ports[1], cluster }));
      servers.push(await startClickHouse());
      const ids = 'imports_table=imports_all';
      shardA = await open(servers[0], ids);
      shardB = await open(servers[1], ids);
      single = await open(servers[2]);
      for (const shard of [shardA, shardB]) {
        await shard.ensureTables();
        for (const t of ['flows', 'imports'])
          await shard.ex.command(
            `CREATE TABLE ${t}_all AS ${t} ENGINE = Distributed(${CLUSTER}, default, ${t})`,
          );
      }
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
      for (const s of servers) await s.stop();
      tmp.cleanup();
    });

    it('imports one file per shard, numbered across the cluster', async () => {
      expect((await shardA.importFiles([SAMPLE]).result).flows).toBe(147_537);
      expect((await shardB.importFiles([mixed]).result).flows).toBe(3000);
      await single.importFiles([SAMPLE, mixed]).result;
      const ranges = async (s: ClickHouseFlowStore) =>
        (
          await s.ex.rows<Record<string, unknown>>(
            'SELECT import_id AS i, min(id) AS lo, max(id) AS hi, count() AS n FROM flows GROUP BY i ORDER BY i',
          )
        ).map((r) => [r.i, r.lo, r.hi, r.n].map(Number));
      expect(await ranges(shardA)).toEqual([[1, 1, 147_537, 147_537]]);
      expect(await ranges(shardB)).toEqual([[2, 147_538, 150_537, 3000]]);
      expect(await ranges(single)).toEqual([...(await ranges(shardA)), ...(await ranges(shardB))]);
    });

    // many queries on three servers: slow on a loaded 2-core machine
    it(
      'the Distributed table answers every read as the single server does',
      { timeout: 300_000 },
      async () => {
        const dist = await open(servers[0], 'table=flows_all&imports_table=imports_all');
        expect(await dist.flowCount()).toBe(150_537);
        const span = { from: '2017-01-27T16:40:00Z', to: '2017-01-27T17:05:30.5Z' };
        const hosts = ['192.168.100.10', '192.168.1.10', '2001:db8::5', '10.0.0.1'];
        expect(await expectSameAnswers(single, dist, parityCases(span, hosts))).toBeGreaterThan(40);
      },
    );

    it('a shard that is down is named as such', async () => {
      const dist = await open(servers[0], 'table=flows_all');
      await servers[1].kill();
      await expect(dist.countFlows({ filter: 'proto tcp' })).rejects.toMatchObject({
        failure: 'shard',
        message: expect.stringMatching(/a shard of the cluster did not answer/),
      });
      await servers[1].restart();
      expect(await dist.countFlows({})).toBe(150_537);
    });
  },
);
