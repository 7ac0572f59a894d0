// Finds the packets of given flows in the capture they were imported from. The capture is read
// again through the importer's own decoder and flow table with the import's timeouts, so each
// packet goes to exactly the flow record it went to at import (fragments, active-timeout splits
// and TCP restarts included); a flow record is recognised by its 5-tuple and first-packet time
// as the flows table holds them. Pass 1 collects the packet numbers (and the file's sha256 from
// the same reads); pass 2 copies those packets out.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { readCapture } from '../import/formats/pcap/capture-reader';
import {
  DEFAULT_TIMEOUTS,
  FlowTable,
  flowPorts,
  ipText,
  type FlowTimeouts,
  type PcapFlow,
} from '../import/formats/pcap/flow-table';
import { decodePacket, newDecoded } from '../import/formats/pcap/packet-decoder';
import { protoName } from '../import/protocols';
import type { CaptureWriter } from './capture-writer';

/** The key of a flow record: protocol, addresses, ports (as written) and first-packet µs. */
export function flowKey(
  proto: string,
  src: string,
  sport: number | null,
  dst: string,
  dport: number | null,
  tsMicros: number,
): string {
  return `${proto}|${src}|${sport ?? ''}|${dst}|${dport ?? ''}|${tsMicros}`;
}

function pcapFlowKey(f: PcapFlow): string {
  const [sp, dp] = flowPorts(f);
  return flowKey(
    protoName(f.proto),
    ipText(f.ipver, f.src4, f.src6),
    sp,
    ipText(f.ipver, f.dst4, f.dst6),
    dp,
    Math.round(f.first),
  );
}

export interface PacketSelection {
  /** Packet numbers (1-based, ascending) of the wanted flows. */
  numbers: number[];
  /** Link types of those packets. */
  linktypes: number[];
  /** Wanted keys that were found. */
  found: Set<string>;
  sha256: string;
  /** Bytes read (and hashed): the whole file when the read completed. */
  bytes: number;
}

/** A FileHandle that hashes what readCapture reads: its reads are sequential and never overlap. */
function hashingHandle(fh: FileHandle, hash: crypto.Hash, seen: { bytes: number }): FileHandle {
  return {
    read: async (buf: Buffer, off: number, len: number, pos: number) => {
      if (pos !== seen.bytes) throw new Error(`capture read out of order at byte ${pos}`);
      const r = await fh.read(buf, off, len, pos);
      hash.update(buf.subarray(off, off + r.bytesRead));
      seen.bytes += r.bytesRead;
      return r;
    },
  } as unknown as FileHandle;
}

export async function selectPackets(
  file: string,
  wanted: Set<string>,
  timeouts: FlowTimeouts = DEFAULT_TIMEOUTS,
  onChunk: (bytesDone: number) => void = () => undefined,
): Promise<PacketSelection> {
  const table = new FlowTable(timeouts);
  const d = newDecoded();
  const open = new Map<PcapFlow, number[]>();
  const linkOf = new Map<PcapFlow, number>();
  const numbers: number[] = [];
  const linktypes = new Set<number>();
  const found = new Set<string>();
  let pktNo = 0;
  const drain = (): void => {
    for (const f of table.out) {
      const pkts = open.get(f);
      open.delete(f);
      const key = pcapFlowKey(f);
      if (!pkts || !wanted.has(key)) continue;
      found.add(key);
      for (const n of pkts) numbers.push(n);
      linktypes.add(linkOf.get(f)!);
    }
    for (const f of table.out) linkOf.delete(f);
    table.out = [];
  };
  const hash = crypto.createHash('sha256');
  const seen = { bytes: 0 };
  const fh = await fs.promises.open(file, 'r');
  try {
    await readCapture(
      hashingHandle(fh, hash, seen),
      file,
      (ts, buf, off, cap, _orig, lt) => {
        pktNo++;
        // exactly as the importer (captureToFlows): which packets make flows, and how
        if (!decodePacket(d, buf, off, cap, lt)) return;
        if (!d.hasPorts && !d.fragLater) return;
        const f = table.add(d, ts, pktNo);
        if (!f) return;
        let list = open.get(f);
        if (!list) {
          open.set(f, (list = []));
          linkOf.set(f, lt);
        }
        list.push(pktNo);
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
  numbers.sort((a, b) => a - b);
  return {
    numbers,
    linktypes: [...linktypes],
    found,
    sha256: hash.digest('hex'),
    bytes: seen.bytes,
  };
}

/** Pass 2: copies the numbered packets (ascending) to the writer; returns how many it wrote. */
export async function copyPackets(
  file: string,
  numbers: number[],
  out: CaptureWriter,
  onChunk: (bytesDone: number) => void = () => undefined,
): Promise<number> {
  let next = 0;
  let pktNo = 0;
  let lastTs = 0;
  let written = 0;
  const fh = await fs.promises.open(file, 'r');
  try {
    await readCapture(
      fh,
      file,
      (ts, buf, off, cap, orig, lt) => {
        pktNo++;
        // pcapng simple packet blocks carry no time: the flow table used the previous one too
        if (Number.isNaN(ts)) ts = lastTs;
        else lastTs = ts;
        if (next < numbers.length && numbers[next] === pktNo) {
          out.write(ts, buf, off, cap, orig, lt);
          written++;
          next++;
        }
      },
      onChunk,
    );
  } finally {
    await fh.close();
  }
  return written;
}
