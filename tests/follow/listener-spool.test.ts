// The listener's queue on disk: while the case cannot take records (its write gate held, as by a
// long import), records beyond the in-memory bound wait in a file beside the case instead of
// being dropped; once the case is free they are written in arrival order, and a stop meanwhile
// writes them all before the last batch.
import dgram from 'node:dgram';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/engine/follow/listen-address';
import { NetflowListener } from '../../src/engine/follow/netflow-listener';
import { writeGate } from '../../src/engine/follow/write-gate';
import { IE } from '../../src/engine/import/netflow/elements';
import {
  bytes,
  ipfixPacket,
  set,
  templateRecord,
  type Field,
} from '../../src/engine/import/netflow/test-packets';
import { CaseStore } from '../../src/engine/store/case-store';
import { makeTmpDir } from '../helpers/tmp';
import { drained, until } from '../netflow/flow-tools';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const FIELDS: Field[] = [
  [IE.sourceIPv4Address, 4],
  [IE.destinationIPv4Address, 4],
  [IE.sourceTransportPort, 2],
  [IE.destinationTransportPort, 2],
  [IE.protocolIdentifier, 1],
  [IE.octetDeltaCount, 4],
  [IE.packetDeltaCount, 4],
  [IE.flowStartSeconds, 4],
];

/** Datagram k: the template and ten flows, source ports 10*k .. 10*k+9 (arrival order). */
function datagram(k: number): Buffer {
  const recs = Array.from({ length: 10 }, (_, i) =>
    bytes()
      .ip4('10.0.0.1')
      .ip4('10.0.0.2')
      .u16(10 * k + i)
      .u16(443)
      .u8(6)
      .u32(100)
      .u32(1)
      .u32(1_700_000_000 + k)
      .build(),
  );
  return ipfixPacket({
    seq: k * 10,
    sets: [set(2, templateRecord(256, FIELDS)), set(256, Buffer.concat(recs))],
  });
}

describe('the listener queues a burst on disk', () => {
  it('writes every record in arrival order once the case can take them, a stop meanwhile included', async () => {
    const store = await CaseStore.open(tmp.file('spool.duckdb'));
    try {
      let release!: () => void;
      const held = writeGate(store).run(() => new Promise<void>((r) => (release = r)));
      const spoolDir = tmp.file('spool');
      const l = await NetflowListener.start(store, {
        listen: parseListen('udp:127.0.0.1:0'),
        batchSeconds: 0.05,
        batchFlows: 50,
        maxQueuedFlows: 100,
        spoolDir,
        writeGate: writeGate(store),
      });
      const s = dgram.createSocket('udp4');
      for (let k = 0; k < 30; k++)
        await new Promise<void>((r, j) =>
          s.send(datagram(k), l.address.port, '127.0.0.1', (e) => (e ? j(e) : r())),
        );
      s.close();
      await drained(l.address.port);
      // a first batch (50) may be waiting for the gate; 100 records in memory, the rest on disk
      await until(
        'the burst on disk',
        () => l.stats().queued === 300 - 50 || l.stats().queued === 300,
      );
      const st = l.stats();
      expect(st.droppedFlows).toBe(0);
      expect(st.spooled).toBe(st.queued - 100);
      const files = fs.readdirSync(spoolDir);
      expect(files).toHaveLength(1);
      expect(fs.statSync(`${spoolDir}/${files[0]}`).size).toBeGreaterThan(0);
      const stopping = l.stop('test');
      release();
      await held;
      await stopping;
      expect(l.stats()).toMatchObject({
        flowsWritten: 300,
        droppedFlows: 0,
        queued: 0,
        spooled: 0,
      });
      expect(l.stats().spooledTotal).toBe(st.spooled);
      expect(fs.readdirSync(spoolDir)).toEqual([]);
      const ports = await store.all<{ p: number }>('SELECT src_port AS p FROM flows ORDER BY id');
      expect(ports.map((r) => r.p)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      const rec = await l.record();
      expect(rec).toMatchObject({ rows_read: 300, rows_rejected: 0, data_lines: 300 });
    } finally {
      store.close();
    }
  });
});
