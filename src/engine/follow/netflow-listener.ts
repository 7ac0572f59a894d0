// The NetFlow/IPFIX listener: a UDP socket feeding the decoder, and the decoded flows and rejects
// appended to the case in batches (a live import that grows, see live-import.ts). One more source
// of flows for follow mode: a folder or a growing file can feed the same LiveImport, and
// incremental detection can hang off onBatch.
//
// Nothing received is silently lost: datagrams from exporters not allowed are counted as refused,
// broken ones become rejects, flows the case cannot take in time (queue over its bound while a
// write is slow) are counted as dropped, and the kernel's own drops are read from /proc.
import { createHash, type Hash } from 'node:crypto';
import dgram from 'node:dgram';
import { NetflowDecoder } from '../import/netflow/decoder';
import { flagString, flowPorts, flowState, protoText } from '../import/netflow/flow-row';
import type { DecodedFlow, SessionStats } from '../import/netflow/types';
import type { ImportRecord } from '../../shared/model';
import type { CaseStore } from '../store/case-store';
import { NetsiftError } from '../core/errors';
import { listenText, type ListenAddress } from './listen-address';
import {
  LimitReached,
  LiveImport,
  type BatchResult,
  type BeforeCommit,
  type LiveReject,
  type LiveRow,
} from './live-import';
import type { WriteGate } from './write-gate';
import { RecordSpool } from './record-spool';
import { udpCounters, type UdpCounters } from './udp-counters';
import path from 'node:path';

export interface ListenerOptions {
  listen: ListenAddress;
  /** Binding a non-loopback address needs this (the CLI warns when it is set). */
  allowRemote?: boolean;
  /** Accept datagrams only from these addresses (others are counted as refused). */
  exporters?: string[];
  /** Write a batch at least this often (s); the seed's batches were 10 s. */
  batchSeconds?: number;
  /** ... or as soon as this many flows are waiting. */
  batchFlows?: number;
  /**
   * Records held in memory while a write is slow. Beyond it they wait on disk in spoolDir when
   * one is given (record-spool.ts), else they are dropped and counted.
   */
  maxQueuedFlows?: number;
  /** Folder for the queue on disk (the follower's spool beside the case). */
  spoolDir?: string;
  /** Sampling rate for exporters that announce none (like nfcapd -s). */
  defaultSampling?: number;
  /** Socket receive buffer (bytes; the kernel caps it at net.core.rmem_max). */
  recvBufferBytes?: number;
  /** Batches are written through the case's write gate (write-gate.ts) when given. */
  writeGate?: WriteGate;
  /** The follower's limit check (retention in stop mode), run inside each batch's transaction. */
  beforeCommit?: BeforeCommit;
}

export interface ListenerStats {
  listen: string;
  datagrams: number;
  bytes: number;
  /** datagrams from addresses not in --exporter */
  refused: number;
  malformedDatagrams: number;
  flowsDecoded: number;
  rejectsDecoded: number;
  flowsWritten: number;
  rejectsWritten: number;
  batches: number;
  templates: number;
  exporters: number;
  sequenceGaps: number;
  missingRecords: number;
  missingDatagrams: number;
  /** datagrams the kernel dropped (receive buffer full); null where not known */
  kernelDrops: number | null;
  /** flows and rejects dropped because the case could not take them in time */
  droppedFlows: number;
  /** records waiting (in memory and on disk) */
  queued: number;
  /** of those, waiting on disk; bytes of them */
  spooled: number;
  spoolBytes: number;
  /** records that waited on disk since the start */
  spooledTotal: number;
  importId: number | null;
  /** the last batch write error, if the last attempt failed */
  writeError: string | null;
}

const SHA_NOTE =
  'sha256 of the datagrams received, in arrival order, each preceded by its length (4 bytes, big-endian)';

export class NetflowListener {
  private readonly decoder: NetflowDecoder;
  private readonly hash: Hash = createHash('sha256');
  private pendingRows: LiveRow[] = [];
  private pendingRejects: LiveReject[] = [];
  private readonly events: string[] = [];
  private readonly batchListeners = new Set<(b: BatchResult) => void>();
  private readonly eventListeners = new Set<(e: string) => void>();
  private readonly allowed: Set<string> | null;
  private readonly counts = {
    datagrams: 0,
    bytes: 0,
    refused: 0,
    droppedFlows: 0,
  };
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  private lastFlush = Date.now();
  private writeError: string | null = null;
  private limit: LimitReached | null = null;
  private stopping: Promise<void> | null = null;
  private stoppedBy = '';
  private timer: NodeJS.Timeout | null = null;
  private final: ImportRecord | null = null;
  private kernel: UdpCounters | null = null;
  private readonly startedAt = new Date().toISOString();
  private readonly spool: RecordSpool | null;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: ListenAddress,
    private readonly live: LiveImport,
    private readonly opts: ListenerOptions,
  ) {
    this.decoder = new NetflowDecoder({ defaultSampling: opts.defaultSampling });
    this.spool = opts.spoolDir
      ? new RecordSpool(path.join(opts.spoolDir, `listener-${process.pid}-${address.port}.jsonl`))
      : null;
    this.allowed = opts.exporters?.length ? new Set(opts.exporters) : null;
  }

  /** Binds the socket and starts receiving; flows go to `store` batch by batch. */
  static async start(store: CaseStore, opts: ListenerOptions): Promise<NetflowListener> {
    const a = opts.listen;
    if (!a.loopback && !opts.allowRemote)
      throw new NetsiftError(
        `${listenText(a)}: not a loopback address; binding it accepts flows from other machines (allow it explicitly)`,
        'usage',
      );
    const socket = dgram.createSocket({
      type: a.family === 6 ? 'udp6' : 'udp4',
      ipv6Only: a.family === 6,
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        socket.close();
        reject(
          new NetsiftError(
            `${listenText(a)}: cannot listen (${e.code === 'EADDRINUSE' ? 'the port is in use, by nfcapd or another listener?' : e.code === 'EADDRNOTAVAIL' ? 'no interface has this address' : e.code === 'EACCES' ? 'permission denied: ports below 1024 need privileges' : e.message})`,
            'input',
          ),
        );
      };
      socket.once('error', onError);
      socket.bind({ address: a.host, port: a.port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(opts.recvBufferBytes ?? 4 * 2 ** 20);
    } catch {
      // the default buffer still works; the kernel's drop counter shows if it is too small
    }
    const bound = socket.address();
    const address: ListenAddress = { ...a, port: bound.port };
    let live: LiveImport;
    try {
      live = await LiveImport.start(
        store,
        listenText(address).replace(/^udp:/, 'udp://'),
        'netflow',
      );
    } catch (e) {
      socket.close();
      throw e;
    }
    const l = new NetflowListener(socket, address, live, opts);
    socket.on('message', (msg, rinfo) => l.receive(msg, rinfo));
    socket.on('error', (e) => l.note(`socket error: ${e.message}`));
    l.timer = setInterval(() => l.tick(), 200);
    return l;
  }

  onBatch(fn: (b: BatchResult) => void): () => void {
    this.batchListeners.add(fn);
    return () => this.batchListeners.delete(fn);
  }

  /** Template learnt/changed/withdrawn, sampling announced, write errors, as one-line notes. */
  onEvent(fn: (e: string) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  sessions(): SessionStats[] {
    return this.decoder.sessionStats();
  }

  stats(): ListenerStats {
    const sessions = this.decoder.sessionStats();
    // read while the socket is open; after stop() the last reading stands
    if (!this.stopping)
      this.kernel = udpCounters(this.address.port, this.address.family) ?? this.kernel;
    const k = this.kernel;
    const written = this.live.totals;
    return {
      listen: listenText(this.address),
      datagrams: this.counts.datagrams,
      bytes: this.counts.bytes,
      refused: this.counts.refused,
      malformedDatagrams: this.decoder.totals.malformedDatagrams,
      flowsDecoded: this.decoder.totals.flows,
      rejectsDecoded: this.decoder.totals.rejects,
      flowsWritten: written.flows,
      rejectsWritten: written.rejects,
      batches: written.batches,
      templates: this.decoder.templateCount(),
      exporters: sessions.length,
      sequenceGaps: sessions.reduce((a, s) => a + s.sequenceGaps, 0),
      missingRecords: sessions.reduce((a, s) => a + s.missingRecords, 0),
      missingDatagrams: sessions.reduce((a, s) => a + s.missingDatagrams, 0),
      kernelDrops: k ? k.drops : null,
      droppedFlows: this.counts.droppedFlows,
      queued: this.pendingRows.length + this.pendingRejects.length + (this.spool?.count ?? 0),
      spooled: this.spool?.count ?? 0,
      spoolBytes: this.spool?.bytes ?? 0,
      spooledTotal: this.spool?.total ?? 0,
      importId: this.live.id,
      writeError: this.writeError,
    };
  }

  /** Stops receiving, writes what is pending as the last batch and closes the import. */
  stop(reason = 'stopped'): Promise<void> {
    this.stopping ??= (async () => {
      this.stoppedBy = reason;
      if (this.timer) clearInterval(this.timer);
      this.kernel = udpCounters(this.address.port, this.address.family) ?? this.kernel;
      await new Promise<void>((r) => this.socket.close(() => r()));
      await this.writing;
      try {
        // what waits on disk goes in first, batch by batch, then the last batch
        while (this.spool?.active && !this.limit) {
          this.refill();
          await this.flush(false);
          if (this.writeError) break;
        }
        this.refill();
        await this.flush(true);
        this.final = await this.live.record();
      } finally {
        this.live.close();
        this.spool?.reset();
      }
    })();
    return this.stopping;
  }

  /** Set when a batch was refused by the limit check: nothing more is written. */
  limitReached(): LimitReached | null {
    return this.limit;
  }

  /** The imports row as written so far (after stop(): as it stays; null: nothing written). */
  async record(): Promise<ImportRecord | null> {
    return this.stopping ? (await this.stopping, this.final) : this.live.record();
  }

  private receive(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.stopping) return;
    if (this.allowed && !this.allowed.has(rinfo.address)) {
      this.counts.refused++;
      return;
    }
    this.counts.datagrams++;
    this.counts.bytes += msg.length;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    this.hash.update(len);
    this.hash.update(msg);
    const r = this.decoder.decode(msg, { address: rinfo.address, port: rinfo.port }, Date.now());
    for (const e of r.events) this.note(e);
    // bounded in memory while a write is slow: beyond the bound, records wait on disk (or are
    // dropped and counted without a spool); once some wait on disk, all newer ones do too, so
    // they are written in arrival order
    const max = this.opts.maxQueuedFlows ?? 1_000_000;
    const place = (rec: { flow: LiveRow } | { reject: LiveReject }) => {
      const full = this.pendingRows.length + this.pendingRejects.length >= max;
      if (this.spool && (full || this.spool.active)) {
        try {
          if (!this.spool.active && this.spool.total === 0)
            this.note(`the case is behind: records wait on disk in ${this.spool.file}`);
          this.spool.append(rec);
          return;
        } catch (e) {
          this.note(`the queue on disk failed (${(e as Error).message}); records are dropped`);
        }
      } else if (!full) {
        if ('flow' in rec) this.pendingRows.push(rec.flow);
        else this.pendingRejects.push(rec.reject);
        return;
      }
      this.drop();
    };
    for (const f of r.flows) place({ flow: liveRow(f) });
    for (const x of r.rejects)
      place({ reject: { line: x.datagram, raw: x.raw, reason: x.reason } });
    if (this.pendingRows.length >= (this.opts.batchFlows ?? 50_000)) this.tick();
  }

  /** Moves records waiting on disk back into memory, up to a batch (oldest first). */
  private refill(): void {
    if (!this.spool?.active) return;
    const room =
      (this.opts.batchFlows ?? 50_000) - this.pendingRows.length - this.pendingRejects.length;
    if (room <= 0) return;
    for (const r of this.spool.read(room))
      if ('flow' in r) this.pendingRows.push(r.flow);
      else this.pendingRejects.push(r.reject);
  }

  private drop(): void {
    if (this.counts.droppedFlows++ === 0)
      this.note(
        'the case cannot take records as fast as they arrive: records are being dropped (counted)',
      );
  }

  private note(e: string): void {
    this.events.push(`${new Date().toISOString()} ${e}`);
    if (this.events.length > 200) this.events.splice(0, this.events.length - 200);
    for (const l of this.eventListeners) l(e);
  }

  private tick(): void {
    try {
      this.spool?.flush();
    } catch (e) {
      this.note(`the queue on disk failed: ${(e as Error).message}`);
    }
    if (this.busy || this.stopping || this.limit) return;
    const due = Date.now() - this.lastFlush >= (this.opts.batchSeconds ?? 10) * 1000;
    // a backlog on disk is written batch after batch, without waiting for the next interval
    const full =
      this.pendingRows.length >= (this.opts.batchFlows ?? 50_000) || !!this.spool?.active;
    if (!(due || full)) return;
    this.refill();
    this.lastFlush = Date.now();
    if (this.pendingRows.length === 0 && this.pendingRejects.length === 0) return;
    this.busy = true;
    this.writing = this.flush(false).finally(() => {
      this.busy = false;
    });
  }

  /** Writes everything pending as one batch; on failure keeps it for the next attempt. */
  private async flush(final: boolean): Promise<void> {
    const rows = this.pendingRows;
    const rejects = this.pendingRejects;
    this.pendingRows = [];
    this.pendingRejects = [];
    const state = {
      size: this.counts.bytes,
      sha256: this.hash.copy().digest('hex'),
      details: this.details(!final),
    };
    const write = <T>(fn: () => Promise<T>) =>
      this.opts.writeGate ? this.opts.writeGate.run(fn) : fn();
    try {
      if (this.limit) {
        // refused once: what waits stays unwritten (it is counted as pending in the summary)
        this.pendingRows = rows.concat(this.pendingRows);
        this.pendingRejects = rejects.concat(this.pendingRejects);
        if (final) await write(() => this.live.update(state));
        return;
      }
      if (rows.length || rejects.length) {
        const b = await write(() => this.live.append(rows, rejects, state, this.opts.beforeCommit));
        this.writeError = null;
        for (const l of this.batchListeners) l(b);
      } else if (final) await write(() => this.live.update(state));
    } catch (e) {
      if (e instanceof LimitReached) {
        this.limit = e;
        this.note(`batch not written: ${e.message}`);
        this.pendingRows = rows.concat(this.pendingRows);
        this.pendingRejects = rejects.concat(this.pendingRejects);
        return;
      }
      const msg = (e as Error).message.split('\n')[0];
      this.writeError = msg;
      if (final)
        throw new NetsiftError(
          `the last batch (${rows.length} flows, ${rejects.length} rejects) could not be written: ${msg}`,
          'case',
        );
      this.note(`batch not written, retrying: ${msg}`);
      this.pendingRows = rows.concat(this.pendingRows);
      this.pendingRejects = rejects.concat(this.pendingRejects);
    }
  }

  private details(following: boolean): Record<string, unknown> {
    const s = this.stats();
    return {
      source: 'NetFlow/IPFIX listener',
      listen: s.listen,
      following,
      started: this.startedAt,
      ...(following ? {} : { stopped: new Date().toISOString(), stoppedBy: this.stoppedBy }),
      datagrams: s.datagrams,
      bytes: s.bytes,
      sha256_of: SHA_NOTE,
      line: 'the number of the datagram (in arrival order) a flow or reject came from',
      refusedDatagrams: s.refused,
      malformedDatagrams: s.malformedDatagrams,
      kernelDrops: s.kernelDrops,
      droppedFlows: s.droppedFlows,
      ...(s.spooledTotal ? { spooledRecords: s.spooledTotal } : {}),
      sequenceGaps: s.sequenceGaps,
      missingRecords: s.missingRecords,
      missingDatagrams: s.missingDatagrams,
      templates: s.templates,
      ...(this.opts.defaultSampling ? { defaultSampling: this.opts.defaultSampling } : {}),
      exporters: this.decoder.sessionStats().map((x) => ({
        ...x,
        firstSeen: new Date(x.firstSeen).toISOString(),
        lastSeen: new Date(x.lastSeen).toISOString(),
      })),
      events: this.events.slice(-50),
    };
  }
}

/** A decoded record in the flows table's terms (the nfdump importer's rules, flow-row.ts). */
export function liveRow(f: DecodedFlow): LiveRow {
  const [sp, dp] = flowPorts(f);
  return {
    line: f.datagram,
    ts: f.ts,
    tsEnd: f.tsEnd,
    proto: protoText(f.proto),
    state: flowState(f),
    stateRaw: flagString(f.proto === 6 ? (f.tcpFlags ?? 0) | (f.revTcpFlags ?? 0) : 0),
    srcIp: f.srcIp,
    srcPort: sp,
    dstIp: f.dstIp,
    dstPort: dp,
    srcBytes: f.bytes,
    dstBytes: f.revBytes,
    srcPkts: f.pkts,
    dstPkts: f.revPkts ?? 0,
    srcNum: f.srcNum,
    dstNum: f.dstNum,
  };
}
