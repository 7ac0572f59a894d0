// pcap / pcapng importer: streams the capture through the packet decoder and the flow table and
// appends finished flows to stage_flows with DuckDB's Appender, one batch per read buffer.
import fs from 'node:fs';
import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import { NetsiftError } from '../../../core/errors';
import type { FileSample, FormatImporter, LoadContext, LoadResult } from '../../types';
import { captureKind, readCapture } from './capture-reader';
import {
  DEFAULT_TIMEOUTS,
  FlowTable,
  flowPorts,
  flowState,
  ipText,
  type FlowTimeouts,
  type PcapFlow,
} from './flow-table';
import { LINKTYPES, decodePacket, newDecoded } from './packet-decoder';
import { protoName } from '../../protocols';

export function sniffCapture(sample: FileSample): number {
  return captureKind(sample.head) ? 1 : 0;
}

/** Appends flows to stage_flows in the staging column order (see STAGE_COLUMNS). */
export function appendFlows(app: DuckDBAppender, flows: PcapFlow[]): void {
  for (const f of flows) {
    const st = flowState(f);
    const [sp, dp] = flowPorts(f);
    app.appendBigInt(BigInt(f.line));
    app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(f.first))));
    app.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round(f.last))));
    app.appendVarchar(protoName(f.proto));
    app.appendVarchar(st.state);
    app.appendVarchar(st.raw);
    app.appendVarchar(ipText(f.ipver, f.src4, f.src6));
    if (sp === null) app.appendNull();
    else app.appendBigInt(BigInt(sp));
    app.appendVarchar(ipText(f.ipver, f.dst4, f.dst6));
    if (dp === null) app.appendNull();
    else app.appendBigInt(BigInt(dp));
    app.appendBigInt(BigInt(f.fwdBytes));
    app.appendBigInt(BigInt(f.revBytes));
    app.appendBigInt(BigInt(f.fwdPkts));
    app.appendBigInt(BigInt(f.revPkts));
    app.appendNull(); // label: captures carry none
    app.appendNull(); // raw: the pipeline prints the fields
    app.endRow();
  }
}

export interface PcapRunResult {
  flows: number;
  details: Record<string, unknown>;
}

/**
 * Reads a capture into flows; `write` receives each batch of finished flows. Shared by the
 * importer and the benchmark.
 */
export async function captureToFlows(
  file: string,
  write: (flows: PcapFlow[]) => void,
  onChunk: (bytesDone: number) => void = () => undefined,
  timeouts: FlowTimeouts = DEFAULT_TIMEOUTS,
): Promise<PcapRunResult> {
  const table = new FlowTable(timeouts);
  const d = newDecoded();
  let pktNo = 0;
  let notIp = 0;
  let noPorts = 0;
  let flows = 0;
  const drain = (): void => {
    if (table.out.length === 0) return;
    flows += table.out.length;
    write(table.out);
    table.out = [];
  };
  const fh = await fs.promises.open(file, 'r');
  let stats;
  try {
    stats = await readCapture(
      fh,
      file,
      (ts, buf, off, cap, _orig, lt) => {
        pktNo++;
        if (!decodePacket(d, buf, off, cap, lt)) notIp++;
        else if (!d.hasPorts && !d.fragLater) noPorts++;
        else table.add(d, ts, pktNo);
      },
      (done) => {
        drain();
        onChunk(done);
      },
    );
  } finally {
    await fh.close();
  }
  table.finish();
  drain();
  const unknownLinks = stats.linktypes.filter((l) => !(l in LINKTYPES));
  if (stats.packets > 0 && notIp === stats.packets && unknownLinks.length > 0)
    throw new NetsiftError(
      `${file}: link type ${unknownLinks.join(', ')} is not supported (netsift reads ${[...new Set(Object.values(LINKTYPES))].join(', ')})`,
    );
  return {
    flows,
    details: {
      container: stats.container,
      packets: stats.packets,
      linkTypes: stats.linktypes.map((l) => LINKTYPES[l] ?? `linktype ${l}`),
      flows,
      nonIpPackets: notIp,
      // cut by the snaplen before the transport header: no ports, not in any flow
      truncatedPackets: noPorts,
      snappedPackets: stats.snapped,
      orphanFragments: table.orphanFragments,
      truncatedLastPacketBytes: stats.truncatedTailBytes,
      skippedBlocks: stats.skippedBlocks,
      timeouts: {
        ...timeouts,
        note: 'seconds; idle like Argus (TCP 60, other 30), active like NetFlow',
      },
    },
  };
}

export const pcapFormat: FormatImporter = {
  id: 'pcap',
  title: 'pcap / pcapng capture (packets turned into flows)',
  sniff: sniffCapture,
  async load(ctx: LoadContext): Promise<LoadResult> {
    if (ctx.sample.gzip)
      throw new NetsiftError(
        `${ctx.path}: a gzip-compressed capture; decompress it first (gunzip) and import the .pcap`,
      );
    const app = await ctx.conn.createAppender('stage_flows', 'main', 'temp');
    let res: PcapRunResult;
    try {
      res = await captureToFlows(
        ctx.path,
        (flows) => appendFlows(app, flows),
        (done) => {
          ctx.job.checkCancelled();
          ctx.job.progress({ phase: 'reading packets', done, total: ctx.size, unit: 'bytes' });
        },
      );
      app.flushSync();
    } finally {
      app.closeSync();
    }
    const tail = res.details.truncatedLastPacketBytes as number;
    const packets = res.details.packets as number;
    return {
      dataLines: res.flows,
      details: tail ? { ...res.details, truncatedAtByte: ctx.size - tail } : res.details,
      binary: true,
      // the usual end of a capture copied or written while it was still running, or cut short
      ...(tail
        ? {
            warnings: [
              `truncated at byte ${ctx.size - tail} of ${ctx.size}, ${packets} packets read; the last packet is incomplete`,
            ],
          }
        : {}),
    };
  },
};
